/**
 * Test-time noise alignment: {@link io.genalign.core.noise.NoiseOptimizer} optimises a one-step generator's initial
 * noise for weighted rewards with a Gaussianity regularizer; {@link io.genalign.core.noise.NoiseAlignmentOptions} is
 * the one source of its defaults. Invariants: per-step temporaries live in a sub-manager closed each step; a
 * non-finite value stops the run with each seed's best finite iterate kept.
 */
package io.genalign.core.noise;
