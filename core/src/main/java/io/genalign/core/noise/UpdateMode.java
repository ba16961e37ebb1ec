package io.genalign.core.noise;

/**
 * How the noise optimizer keeps the latents noise-like while it follows the reward (with any regularizer or none).
 *
 * <ul>
 *   <li>{@link #REGULARIZED} (default): the combined gradient g (reward, plus the regularizer's as set by
 *   {@link RegularizerScaling}) goes to the {@link UpdateRule} unchanged.</li>
 *   <li>{@link #PRECONDITIONED}: Hwang &amp; Sung's gradient preconditioning (ICML 2026, arXiv 2602.08646) as the
 *   project reconstructs it ({@code docs/preconditioning.md} §4): per seed, g is replaced by
 *   d = P(g)·‖g‖/√N, its projection onto the white-Gaussian-noise set
 *   ({@link io.genalign.core.gaussianity.WhiteNoiseProjection}) carrying g's norm; the update rule steps with d;
 *   then the iterate itself is projected, z ← P(z). Which of the two projections the paper's final method uses,
 *   and the scale of d, are reconstructed.</li>
 * </ul>
 */
public enum UpdateMode {
    REGULARIZED,
    PRECONDITIONED
}
