/**
 * The 2-D Gaussian-mixture diffusion toy of the f-divergence spec's §8 check 4
 * ({@link io.genalign.zoo.preference.toy.PreferenceToy}): a ring of Gaussians with an angle reward
 * ({@link io.genalign.zoo.preference.toy.RingMixture}), a small MLP epsilon network
 * ({@link io.genalign.zoo.preference.toy.ToyEpsilon}) fine-tuned by the zoo's Diffusion-DPO trainer with every
 * divergence. Invariants: seeded and deterministic (the same options give the same samples bit for bit on one
 * thread); the loss and the training step are the project's, not re-implemented.
 */
package io.genalign.zoo.preference.toy;
