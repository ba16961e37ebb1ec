package io.genalign.core.noise;

/**
 * How the regularizer's gradient g_reg is combined with the reward-loss gradient g_r, per seed.
 *
 * <ul>
 *   <li>{@link #RAW}: g = g_r + λ·g_reg.</li>
 *   <li>{@link #MATCH_REWARD_NORM}: g = g_r + λ·g_reg·‖g_r‖/‖g_reg‖, so λ is the regularizer's share of the
 *   step relative to the reward's, whatever the two losses' scales. The MPGR paper normalises the
 *   regularisation gradient "to the scale of the reward gradient"; its exact rule is unknown, and this is the
 *   project's reading. When ‖g_reg‖ = 0 (e.g. PRNO inside its flat region) the regularizer adds nothing.</li>
 * </ul>
 */
public enum RegularizerScaling {
    RAW,
    MATCH_REWARD_NORM
}
