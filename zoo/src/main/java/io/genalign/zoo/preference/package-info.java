/**
 * f-divergence Diffusion-DPO training of the built-in diffusion model: the trainer, its options, AdamW, and the
 * evaluation of a fine-tuned policy. The losses themselves are in {@link io.genalign.core.preference}.
 */
package io.genalign.zoo.preference;
