package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.genalign.core.runtime.Tensors;
import java.util.Map;

/**
 * DDLS (Che et al. 2020): Langevin dynamics on the latent energy E(z) = ‖z‖²/2 − d(G(z)) (N(0, I) prior, d the
 * discriminator logit):
 *
 * <pre>
 *   z_{t+1} = z_t − (ε/2) ∇z E(z_t) + √ε ξ_t,   ξ_t ~ N(0, I)
 * </pre>
 *
 * Step figures: {@code logit} (mean d before the step), {@code energy} (mean E), {@code velocity_norm} (mean of
 * the drift's norm).
 */
public final class Ddls extends BaseRefiner {
    private final double epsilon;

    public Ddls(FlowModels models, NDManager parent, double epsilon) {
        super(models, parent);
        models.require(models.discriminator(), "a discriminator", "ddls");
        KernelMath.requirePositive(epsilon, "DDLS step epsilon");
        this.epsilon = epsilon;
    }

    @Override
    public String name() {
        return "ddls";
    }

    @Override
    protected NDArray update(NDManager sm, NDArray z, Map<String, Double> figures) {
        double[] stats = new double[2];
        NDArray gradE = gradient(sm, z, zz -> {
            NDArray d = models.discriminator().logits(models.generator().generate(zz, models.condition()),
                    models.condition());
            long b = zz.getShape().get(0);
            NDArray e = zz.reshape(b, -1).square().sum(new int[] {1}).mul(Tensors.scalar(zz, 0.5)).sub(d);
            stats[0] = meanOf(d);
            stats[1] = meanOf(e);
            return e;
        });
        figures.put("logit", stats[0]);
        figures.put("energy", stats[1]);
        NDArray drift = gradE.mul(Tensors.scalar(gradE, -epsilon / 2));
        figures.put("velocity_norm", meanRowNorm(drift));
        return z.add(drift).add(noise(sm, z, Math.sqrt(epsilon)));
    }
}
