package io.genalign.core.flow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of every refiner, defaults from {@link FlowDefaults}. Build with {@link #builder()}; every setting is
 * optional ({@code opt...}). The particle flows read the step sizes, ridge, bandwidth, mollifier, Stein ν and clip;
 * each baseline reads its own block.
 */
public final class RefineOptions {
    private final int steps;
    private final double etaData;
    private final double etaParticle;
    private final double etaCondition;
    private final Ridge ridge;
    private final Bandwidth bandwidth;
    private final Mollifier mollifier;
    private final double steinNu;
    private final double latentClip;
    private final double ddlsStep;
    private final double dgflowStep;
    private final double dgflowGamma;
    private final DgFlow.Functional dgflowDivergence;
    private final double dotLearningRate;

    private RefineOptions(Builder b) {
        this.steps = b.steps;
        this.etaData = b.etaData;
        this.etaParticle = b.etaParticle;
        this.etaCondition = b.etaCondition;
        this.ridge = b.ridge;
        this.bandwidth = b.bandwidth;
        this.mollifier = b.mollifier;
        this.steinNu = b.steinNu;
        this.latentClip = b.latentClip;
        this.ddlsStep = b.ddlsStep;
        this.dgflowStep = b.dgflowStep;
        this.dgflowGamma = b.dgflowGamma;
        this.dgflowDivergence = b.dgflowDivergence;
        this.dotLearningRate = b.dotLearningRate;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int steps() {
        return steps;
    }

    public double etaData() {
        return etaData;
    }

    public double etaParticle() {
        return etaParticle;
    }

    public double etaCondition() {
        return etaCondition;
    }

    public Ridge ridge() {
        return ridge;
    }

    public Bandwidth bandwidth() {
        return bandwidth;
    }

    public Mollifier mollifier() {
        return mollifier;
    }

    public double steinNu() {
        return steinNu;
    }

    public double latentClip() {
        return latentClip;
    }

    public double ddlsStep() {
        return ddlsStep;
    }

    public double dgflowStep() {
        return dgflowStep;
    }

    public double dgflowGamma() {
        return dgflowGamma;
    }

    public DgFlow.Functional dgflowDivergence() {
        return dgflowDivergence;
    }

    public double dotLearningRate() {
        return dotLearningRate;
    }

    /** Every setting by name, for provenance. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("eta_data", etaData);
        m.put("eta_particle", etaParticle);
        m.put("eta_condition", etaCondition);
        m.put("ridge", ridge.toString());
        m.put("bandwidth", bandwidth.toString());
        m.put("mollifier_sigma", mollifier.sigma());
        m.put("mollifier_copies", mollifier.copies());
        m.put("stein_nu", steinNu);
        m.put("latent_clip", latentClip);
        m.put("ddls_step", ddlsStep);
        m.put("dgflow_step", dgflowStep);
        m.put("dgflow_gamma", dgflowGamma);
        m.put("dgflow_divergence", dgflowDivergence.name());
        m.put("dot_learning_rate", dotLearningRate);
        m.put("dot_delta", FlowDefaults.DOT_DELTA);
        m.put("dot_pairs", FlowDefaults.DOT_PAIRS);
        return m;
    }

    /** Step sizes η1, η2, η3 must be &ge; 0 and finite. */
    static void checkStepSizes(double data, double particle, double condition) {
        for (double v : new double[] {data, particle, condition}) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("step sizes must be >= 0 and finite, got " + data + ", " + particle
                        + ", " + condition);
            }
        }
    }

    /** A latent clip must be &ge; 0 (0 = off). */
    static void checkClip(double c) {
        if (!(c >= 0)) {
            throw new IllegalArgumentException("latent clip must be >= 0, got " + c);
        }
    }

    /** Builder holding every default. */
    public static final class Builder {
        private int steps = FlowDefaults.STEPS;
        private double etaData = FlowDefaults.ETA_DATA;
        private double etaParticle = FlowDefaults.ETA_PARTICLE;
        private double etaCondition = FlowDefaults.ETA_CONDITION;
        private Ridge ridge = FlowDefaults.RIDGE;
        private Bandwidth bandwidth = Bandwidth.median();
        private Mollifier mollifier = FlowDefaults.mollifier();
        private double steinNu = FlowDefaults.STEIN_NU;
        private double latentClip = FlowDefaults.LATENT_CLIP;
        private double ddlsStep = FlowDefaults.DDLS_STEP;
        private double dgflowStep = FlowDefaults.DGFLOW_STEP;
        private double dgflowGamma = FlowDefaults.DGFLOW_GAMMA;
        private DgFlow.Functional dgflowDivergence = FlowDefaults.DGFLOW_DIVERGENCE;
        private double dotLearningRate = FlowDefaults.DOT_LEARNING_RATE;

        public Builder optSteps(int s) {
            if (s < 0 || s > 100_000) {
                throw new IllegalArgumentException("steps must be in 0..100000, got " + s);
            }
            this.steps = s;
            return this;
        }

        /** η1 (data), η2 (particles), η3 (condition), each &ge; 0. */
        public Builder optStepSizes(double data, double particle, double condition) {
            checkStepSizes(data, particle, condition);
            this.etaData = data;
            this.etaParticle = particle;
            this.etaCondition = condition;
            return this;
        }

        public Builder optRidge(Ridge r) {
            this.ridge = Objects.requireNonNull(r, "ridge");
            return this;
        }

        public Builder optBandwidth(Bandwidth b) {
            this.bandwidth = Objects.requireNonNull(b, "bandwidth");
            return this;
        }

        /** The method's (GMI's) mollifier; KRR and KDE rows use none. */
        public Builder optMollifier(Mollifier m) {
            this.mollifier = Objects.requireNonNull(m, "mollifier");
            return this;
        }

        public Builder optSteinNu(double nu) {
            KernelMath.requirePositive(nu, "Stein nu");
            this.steinNu = nu;
            return this;
        }

        public Builder optLatentClip(double c) {
            checkClip(c);
            this.latentClip = c;
            return this;
        }

        public Builder optDdlsStep(double e) {
            KernelMath.requirePositive(e, "DDLS step");
            this.ddlsStep = e;
            return this;
        }

        public Builder optDgflow(double eta, double gamma, DgFlow.Functional divergence) {
            KernelMath.requirePositive(eta, "DGflow step");
            if (!(gamma >= 0)) {
                throw new IllegalArgumentException("DGflow gamma must be >= 0, got " + gamma);
            }
            this.dgflowStep = eta;
            this.dgflowGamma = gamma;
            this.dgflowDivergence = Objects.requireNonNull(divergence, "divergence");
            return this;
        }

        public Builder optDotLearningRate(double lr) {
            KernelMath.requirePositive(lr, "DOT learning rate");
            this.dotLearningRate = lr;
            return this;
        }

        public RefineOptions build() {
            return new RefineOptions(this);
        }
    }
}
