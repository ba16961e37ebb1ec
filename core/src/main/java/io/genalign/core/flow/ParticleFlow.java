package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.genalign.core.runtime.Tensors;
import java.util.Map;
import java.util.Objects;

/**
 * Generative-model inference (GMI, Zhou et al. 2021): the latent Wasserstein gradient flow of
 * KL(p_g(x|c) ‖ p_data(x|c)) with estimated scores, eq. (6), explicit Euler:
 *
 * <pre>
 *   z_{t+1} = z_t + η1 ∇z log p̂_data(G(z_t)) − η2 ∇z log p̂_g(G(z_t)) + η3 ∇z log p(c | G(z_t))
 * </pre>
 *
 * <p>p̂_data is fitted once, at {@link #initialise}, on φ of the real samples' mollifier copies; p̂_g is re-fitted
 * every step on the current particles' features (stop-gradient, fresh mollifier noise, self term excluded); both
 * scores reach z by back-propagation through φ and G. The condition term is any {@link io.genalign.core.model.Reward}
 * read as log p(c|x). With KRR on both sides and the mollifier this is GMI; with KDE, η1 = η2 and η3 = 0 it is the
 * FPK baseline without its noise; a {@link SteinScoreEstimator} on the particle side gives the Stein variant.
 * Optional clipping of z to [−c, c] after each step (for a uniform prior).
 *
 * <p>Step figures: {@code data_potential}, {@code particle_potential}, {@code condition} (means; the potentials are
 * log p̂ up to constants for kernel estimators), {@code velocity_norm} (mean ‖Δz‖ before clipping),
 * {@code bandwidth_particles}, {@code lambda_particles} (KRR), {@code kernel_seconds} (fit: Gram matrix and solve,
 * plus the kernel sums of the potentials), {@code latent_shift}, {@code step_seconds}.
 */
public final class ParticleFlow extends BaseRefiner {
    private final ScoreEstimator dataEstimator;
    private final ScoreEstimator particleEstimator;
    private final double etaData;
    private final double etaParticle;
    private final double etaCondition;
    private final double clip;
    private final String name;
    private NDArray dataFeatures;
    private ScoreFit dataFit;

    private ParticleFlow(Builder b, NDManager parent) {
        super(b.models, parent);
        this.dataEstimator = b.dataEstimator;
        this.particleEstimator = b.particleEstimator;
        this.etaData = b.etaData;
        this.etaParticle = b.etaParticle;
        this.etaCondition = b.etaCondition;
        this.clip = b.clip;
        this.name = b.name;
        if (etaData > 0) {
            models.require(models.realImages(), "real images", name);
        }
        if (etaData > 0 || etaParticle > 0) {
            models.require(models.features(), "a feature extractor", name);
        }
        if (etaCondition > 0) {
            models.require(models.conditionTerm(), "a condition term (reward)", name);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** The data-side fit (after {@link #initialise}; null when η1 = 0). */
    public ScoreFit dataFit() {
        return dataFit;
    }

    @Override
    protected void onInitialise(NDArray z0) {
        if (etaData > 0) {
            if (dataFeatures != null) {
                dataFeatures.close();
            }
            NDArray real = models.realImages().stopGradient().toType(z0.getDataType(), false);
            dataFeatures = dataEstimator.mollifier().features(models.features(), real).stopGradient();
            dataFeatures.attach(manager);
            dataFit = dataEstimator.fit(dataFeatures);
        }
    }

    @Override
    protected NDArray update(NDManager sm, NDArray z, Map<String, Double> figures) {
        double[] kernelSeconds = {0};
        double[] values = new double[3];
        ScoreFit[] particleFit = new ScoreFit[1];
        NDArray grad = gradient(sm, z, zz -> {
            NDArray x = models.generator().generate(zz, models.condition());
            NDArray total = null;
            if (etaData > 0 || etaParticle > 0) {
                NDArray fd = etaData > 0 ? dataEstimator.mollifier().features(models.features(), x) : null;
                NDArray fg = null;
                if (etaParticle > 0) {
                    fg = particleEstimator.mollifier().equals(dataEstimator.mollifier()) && fd != null ? fd
                            : particleEstimator.mollifier().features(models.features(), x);
                }
                if (fd != null) {
                    long t = System.nanoTime();
                    NDArray ld = dataFit.potential(fd, false);
                    kernelSeconds[0] += (System.nanoTime() - t) / 1e9;
                    values[0] = meanOf(ld);
                    total = ld.mul(Tensors.scalar(ld, etaData));
                }
                if (fg != null) {
                    long t = System.nanoTime();
                    particleFit[0] = particleEstimator.fit(fg.stopGradient());
                    NDArray lg = particleFit[0].potential(fg, true);
                    kernelSeconds[0] += (System.nanoTime() - t) / 1e9;
                    values[1] = meanOf(lg);
                    NDArray term = lg.mul(Tensors.scalar(lg, -etaParticle));
                    total = total == null ? term : total.add(term);
                }
            }
            if (etaCondition > 0) {
                NDArray lc = models.conditionTerm().score(x, models.condition());
                values[2] = meanOf(lc);
                NDArray term = lc.mul(Tensors.scalar(lc, etaCondition));
                total = total == null ? term : total.add(term);
            }
            if (total == null) {
                throw new IllegalStateException(name + ": every step size is 0");
            }
            return total;
        });
        figures.put("data_potential", etaData > 0 ? values[0] : Double.NaN);
        figures.put("particle_potential", etaParticle > 0 ? values[1] : Double.NaN);
        figures.put("condition", etaCondition > 0 ? values[2] : Double.NaN);
        figures.put("velocity_norm", meanRowNorm(grad));
        if (particleFit[0] != null) {
            Map<String, Double> d = particleFit[0].diagnostics();
            figures.put("bandwidth_particles", particleFit[0].bandwidth());
            if (d.containsKey("lambda")) {
                figures.put("lambda_particles", d.get("lambda"));
                figures.put("lambda_particles_doublings", d.get("lambda_doublings"));
            }
        }
        figures.put("kernel_seconds", kernelSeconds[0]);
        return clip(z.add(grad), clip);
    }

    /** Builder: generator, condition and the estimators are required; the rest default to {@link FlowDefaults}. */
    public static final class Builder {
        private FlowModels models;
        private ScoreEstimator dataEstimator;
        private ScoreEstimator particleEstimator;
        private double etaData = FlowDefaults.ETA_DATA;
        private double etaParticle = FlowDefaults.ETA_PARTICLE;
        private double etaCondition = FlowDefaults.ETA_CONDITION;
        private double clip = FlowDefaults.LATENT_CLIP;
        private String name = "gmi";

        public Builder setModels(FlowModels m) {
            this.models = Objects.requireNonNull(m, "models");
            return this;
        }

        /** The estimator of ∇ log p_data (fitted once on the real samples). */
        public Builder setDataEstimator(ScoreEstimator e) {
            this.dataEstimator = Objects.requireNonNull(e, "data estimator");
            return this;
        }

        /** The estimator of ∇ log p_g (re-fitted on the particles every step). */
        public Builder setParticleEstimator(ScoreEstimator e) {
            this.particleEstimator = Objects.requireNonNull(e, "particle estimator");
            return this;
        }

        /** η1 &ge; 0, η2 &ge; 0, η3 &ge; 0. */
        public Builder optStepSizes(double data, double particle, double condition) {
            RefineOptions.checkStepSizes(data, particle, condition);
            this.etaData = data;
            this.etaParticle = particle;
            this.etaCondition = condition;
            return this;
        }

        /** Clip z to [−c, c] after each step; 0 turns it off. */
        public Builder optLatentClip(double c) {
            RefineOptions.checkClip(c);
            this.clip = c;
            return this;
        }

        public Builder optName(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        public ParticleFlow build(NDManager parent) {
            Objects.requireNonNull(models, "models");
            Objects.requireNonNull(dataEstimator, "data estimator");
            Objects.requireNonNull(particleEstimator, "particle estimator");
            return new ParticleFlow(this, parent);
        }
    }
}
