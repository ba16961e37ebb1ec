/**
 * f-divergence Diffusion-DPO training of the built-in diffusion model: the trainer, its options and the
 * evaluation of a fine-tuned policy. The losses themselves are in {@link io.genalign.core.preference}, the
 * optimizer (AdamW, clipping, warm-up) in {@link io.genalign.core.optim}; checkpoints go through
 * {@link io.genalign.zoo.train.CheckpointStore}, parameter files through {@link io.genalign.zoo.arch.BlockParameters}.
 */
package io.genalign.zoo.preference;
