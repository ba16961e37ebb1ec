package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.runtime.Tensors;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * DGflow (Ansari, Ang &amp; Soh, ICLR 2021), latent version, as in clear-nus/DGflow {@code _refine_batch}:
 *
 * <pre>
 *   z_{t+1} = z_t + η s(d) ∇z d(G(z_t)) + √(2ηγ) ξ_t,   ξ_t ~ N(0, I)
 * </pre>
 *
 * with d the discriminator logit (≈ log p_data/p_g) and s(d) = 1 (KL), 1/(1 + e^d) (logD), 1/(1 + e^−d) (JS),
 * evaluated without gradient. DGflow-KL's velocity ∇d ≈ ∇log p_data − ∇log p_g is the GMI velocity with η3 = 0.
 * No clipping. Step figures: {@code logit} (mean d before the step), {@code velocity_norm}.
 */
public final class DgFlow extends BaseRefiner {
    /**
     * The f-divergence functional whose gradient flow is followed ({@code --dgflow-divergence}); not to be confused
     * with {@link io.genalign.core.preference.Divergence}, the f-DPO divergence.
     */
    public enum Functional {
        KL, JS, LOGD;

        /** s(d). */
        double factor(double d) {
            switch (this) {
                case KL:
                    return 1.0;
                case LOGD:
                    return 1.0 / (1.0 + Math.exp(d));
                default:
                    return 1.0 / (1.0 + Math.exp(-d));
            }
        }
    }

    private final double eta;
    private final double gamma;
    private final Functional divergence;

    public DgFlow(FlowModels models, NDManager parent, double eta, double gamma, Functional divergence) {
        super(models, parent);
        models.require(models.discriminator(), "a discriminator", "dgflow");
        KernelMath.requirePositive(eta, "DGflow step eta");
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("DGflow gamma must be >= 0, got " + gamma);
        }
        this.eta = eta;
        this.gamma = gamma;
        this.divergence = Objects.requireNonNull(divergence, "divergence");
    }

    @Override
    public String name() {
        return "dgflow-" + divergence.name().toLowerCase(Locale.ROOT);
    }

    @Override
    protected NDArray update(NDManager sm, NDArray z, Map<String, Double> figures) {
        double[][] logits = new double[1][];
        NDArray g = gradient(sm, z, zz -> {
            NDArray d = models.discriminator().logits(models.generator().generate(zz, models.condition()),
                    models.condition());
            logits[0] = d.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] s = new double[logits[0].length];
            for (int i = 0; i < s.length; i++) {
                s[i] = divergence.factor(logits[0][i]);
            }
            return d.mul(sm.create(s).toType(d.getDataType(), false));
        });
        figures.put("logit", mean(logits[0]));
        NDArray v = g.mul(Tensors.scalar(g, eta));
        figures.put("velocity_norm", meanRowNorm(v));
        NDArray next = z.add(v);
        return gamma > 0 ? next.add(noise(sm, z, Math.sqrt(2 * eta * gamma))) : next;
    }
}
