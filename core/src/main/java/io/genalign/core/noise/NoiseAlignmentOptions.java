package io.genalign.core.noise;

/**
 * Settings of the noise optimizer, with the one source of their defaults. Build with {@link #builder()};
 * every setting is optional ({@code opt...}).
 *
 * <p>How the defaults were chosen is recorded in {@code docs/alignment.md}.
 */
public final class NoiseAlignmentOptions {
    /** Default number of optimisation steps. */
    public static final int DEFAULT_STEPS = 100;
    /**
     * Default update rule: Adam, chosen by the sweep recorded in {@code docs/alignment.md} on the shipped GAN (ReNO
     * uses SGD with Nesterov momentum, which is one option away).
     */
    public static final UpdateRule DEFAULT_RULE = UpdateRule.ADAM;
    /**
     * Default learning rate, chosen by the sweep recorded in {@code docs/alignment.md} ({@code docs/tuning/sweep.py}):
     * with Adam and MPGR it gave the best held-out classifier-B score on the built-in models among the settings that
     * kept the latent's KS distance to N(0,1) at the level of fresh noise.
     */
    public static final double DEFAULT_LEARNING_RATE = 0.1;
    /** Default momentum of {@link UpdateRule#SGD_NESTEROV} (ReNO's). */
    public static final double DEFAULT_MOMENTUM = 0.9;
    /** Default Adam β1. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** Default Adam β2. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** Default Adam ε. */
    public static final double DEFAULT_ADAM_EPS = 1e-8;
    /** Default per-seed gradient-norm clip (0 turns clipping off). */
    public static final double DEFAULT_GRAD_CLIP = 0.0;
    /** Default regularizer weight λ. */
    public static final double DEFAULT_REG_WEIGHT = 1.0;
    /** Default regularizer-gradient scaling. */
    public static final RegularizerScaling DEFAULT_SCALING = RegularizerScaling.MATCH_REWARD_NORM;
    /** Default patience in steps (0 turns early stopping off). */
    public static final int DEFAULT_PATIENCE = 0;
    /** Default update mode: the regularized gradient step. */
    public static final UpdateMode DEFAULT_UPDATE_MODE = UpdateMode.REGULARIZED;

    private final int steps;
    private final UpdateRule rule;
    private final double learningRate;
    private final double momentum;
    private final double beta1;
    private final double beta2;
    private final double adamEps;
    private final double gradClip;
    private final double regWeight;
    private final RegularizerScaling scaling;
    private final int patience;
    private final UpdateMode updateMode;

    private NoiseAlignmentOptions(Builder b) {
        this.steps = b.steps;
        this.rule = b.rule;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.adamEps = b.adamEps;
        this.gradClip = b.gradClip;
        this.regWeight = b.regWeight;
        this.scaling = b.scaling;
        this.patience = b.patience;
        this.updateMode = b.updateMode;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static NoiseAlignmentOptions defaults() {
        return builder().build();
    }

    public int steps() {
        return steps;
    }

    public UpdateRule rule() {
        return rule;
    }

    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double adamEps() {
        return adamEps;
    }

    public double gradClip() {
        return gradClip;
    }

    public double regWeight() {
        return regWeight;
    }

    public RegularizerScaling scaling() {
        return scaling;
    }

    public int patience() {
        return patience;
    }

    public UpdateMode updateMode() {
        return updateMode;
    }

    /** The settings as an ordered map, for provenance records. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("steps", steps);
        m.put("rule", rule.name());
        m.put("learning_rate", learningRate);
        m.put("momentum", momentum);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("adam_eps", adamEps);
        m.put("grad_clip", gradClip);
        m.put("reg_weight", regWeight);
        m.put("reg_scaling", scaling.name());
        m.put("patience", patience);
        m.put("update", updateMode.name());
        return m;
    }

    /** Builder; every field starts at its default. */
    public static final class Builder {
        private int steps = DEFAULT_STEPS;
        private UpdateRule rule = DEFAULT_RULE;
        private double learningRate = DEFAULT_LEARNING_RATE;
        private double momentum = DEFAULT_MOMENTUM;
        private double beta1 = DEFAULT_BETA1;
        private double beta2 = DEFAULT_BETA2;
        private double adamEps = DEFAULT_ADAM_EPS;
        private double gradClip = DEFAULT_GRAD_CLIP;
        private double regWeight = DEFAULT_REG_WEIGHT;
        private RegularizerScaling scaling = DEFAULT_SCALING;
        private int patience = DEFAULT_PATIENCE;
        private UpdateMode updateMode = DEFAULT_UPDATE_MODE;

        private Builder() {}

        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder optRule(UpdateRule rule) {
            this.rule = rule;
            return this;
        }

        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder optAdamBetas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder optAdamEps(double adamEps) {
            this.adamEps = adamEps;
            return this;
        }

        public Builder optGradClip(double gradClip) {
            this.gradClip = gradClip;
            return this;
        }

        public Builder optRegWeight(double regWeight) {
            this.regWeight = regWeight;
            return this;
        }

        public Builder optScaling(RegularizerScaling scaling) {
            this.scaling = scaling;
            return this;
        }

        public Builder optPatience(int patience) {
            this.patience = patience;
            return this;
        }

        /** How the latents are kept noise-like: {@link UpdateMode#REGULARIZED} or {@link UpdateMode#PRECONDITIONED}. */
        public Builder optUpdateMode(UpdateMode updateMode) {
            this.updateMode = updateMode;
            return this;
        }

        /** Validates and builds; bad values throw IllegalArgumentException naming the setting. */
        public NoiseAlignmentOptions build() {
            require(steps >= 1, "steps must be >= 1, got " + steps);
            require(rule != null, "update rule is missing");
            require(scaling != null, "regularizer scaling is missing");
            require(updateMode != null, "update mode is missing");
            require(Double.isFinite(learningRate) && learningRate > 0, "learning rate must be > 0, got " + learningRate);
            require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
            require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1,
                    "Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
            require(adamEps > 0, "Adam eps must be > 0, got " + adamEps);
            require(gradClip >= 0 && Double.isFinite(gradClip), "gradient clip must be >= 0 (0 = off), got " + gradClip);
            require(regWeight >= 0 && Double.isFinite(regWeight), "regularizer weight must be >= 0, got " + regWeight);
            require(patience >= 0, "patience must be >= 0 (0 = off), got " + patience);
            return new NoiseAlignmentOptions(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
