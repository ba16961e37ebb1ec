package io.genalign.core.flow;

/**
 * The one source of the latent-flow defaults. Where the paper is silent the values follow the spec's "project
 * default" column (specs/latent-flow.md §8, §10); {@code docs/refine.md} records how they were chosen.
 */
public final class FlowDefaults {
    private FlowDefaults() {}

    /** Particles refined together (FPK's batch). */
    public static final int PARTICLES = 64;
    /** Flow steps (the paper's ablation uses 10). */
    public static final int STEPS = 10;
    /** η1, the data-attraction step size. */
    public static final double ETA_DATA = 0.3;
    /** η2, the particle-repulsion (entropy) step size. */
    public static final double ETA_PARTICLE = 0.3;
    /** η3, the condition-guidance step size. */
    public static final double ETA_CONDITION = 0.1;
    /** KRR ridge: λ = 1·r, r the Gram matrix's largest row sum (the spec's range is 0.5r to 10r). */
    public static final Ridge RIDGE = Ridge.relativeToRowSum(1.0);
    /** Mollifier noise σ_q in image units. */
    public static final double MOLLIFIER_SIGMA = 0.05;
    /** Mollifier copies M. */
    public static final int MOLLIFIER_COPIES = 4;
    /** The Stein estimator's ridge ν. */
    public static final double STEIN_NU = 1.0;
    /** Latent clip, 0 = none (the GAN's prior is Gaussian). */
    public static final double LATENT_CLIP = 0.0;
    /** DDLS Langevin step ε. */
    public static final double DDLS_STEP = 0.01;
    /** DGflow step η. */
    public static final double DGFLOW_STEP = 0.1;
    /** DGflow entropy weight γ (noise √(2ηγ)). */
    public static final double DGFLOW_GAMMA = 0.01;
    /** DGflow's f-divergence. */
    public static final DgFlow.Functional DGFLOW_DIVERGENCE = DgFlow.Functional.KL;
    /** DOT's SGD learning rate (its README example). */
    public static final double DOT_LEARNING_RATE = 0.01;
    /** DOT's δ in ‖z − z_y + δ‖. */
    public static final double DOT_DELTA = 0.001;
    /** Random pairs for DOT's effective Lipschitz constant. */
    public static final int DOT_PAIRS = 100;

    /** The default mollifier of the method (GMI). */
    public static Mollifier mollifier() {
        return new Mollifier(MOLLIFIER_SIGMA, MOLLIFIER_COPIES);
    }
}
