package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.model.Condition;
import io.genalign.core.runtime.Tensors;
import java.util.Map;

/**
 * DOT (Tanaka 2019), latent version, as in AkinoriTanaka-phys/DOT {@code Transporter_in_latent}: for each starting
 * latent z_y, SGD steps on
 *
 * <pre>
 *   H(z) = −d(G(z)) / k_eff + ‖z − z_y + δ‖₂      (plain L2 norm, δ = 0.001 elementwise)
 * </pre>
 *
 * with d the raw discriminator output and k_eff = max over random pairs of |d(G(z1)) − d(G(z2))| / ‖z1 − z2‖
 * (z ~ N(0, I), condition of particle 0), computed at {@link #initialise}. For the normal prior the gradient's
 * approximately radial component is removed as in the DOT code: g ← g − z (g·z)/√dim_z. Step figures:
 * {@code logit}, {@code transport_cost} (mean ‖z − z_y + δ‖), {@code velocity_norm}, and {@code k_eff} on every
 * step.
 */
public final class Dot extends BaseRefiner {
    private final double learningRate;
    private final double delta;
    private final int pairs;
    private NDArray start;
    private double kEff;

    public Dot(FlowModels models, NDManager parent, double learningRate, double delta, int pairs) {
        super(models, parent);
        models.require(models.discriminator(), "a discriminator", "dot");
        KernelMath.requirePositive(learningRate, "DOT learning rate");
        if (!(delta >= 0) || pairs < 2) {
            throw new IllegalArgumentException("DOT needs delta >= 0 and at least 2 pairs, got " + delta + ", "
                    + pairs);
        }
        this.learningRate = learningRate;
        this.delta = delta;
        this.pairs = pairs;
    }

    @Override
    public String name() {
        return "dot";
    }

    /** The effective Lipschitz constant (after {@link #initialise}). */
    public double kEff() {
        return kEff;
    }

    @Override
    protected void onInitialise(NDArray z0) {
        if (start != null) {
            start.close();
        }
        start = z0.duplicate();
        start.attach(manager);
        try (NDManager sm = manager.newSubManager()) {
            Condition c = Condition.repeat(models.condition().prompts().get(0), models.condition().classId(0), pairs);
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(pairs)
                    .addAll(models.generator().latentShape());
            NDArray z1 = sm.randomNormal(shape, z0.getDataType());
            NDArray z2 = sm.randomNormal(shape, z0.getDataType());
            double[] d1 = logits(z1, c);
            double[] d2 = logits(z2, c);
            double[] dist = rowNorms(z1.sub(z2));
            double k = 0;
            for (int i = 0; i < pairs; i++) {
                k = Math.max(k, Math.abs(d1[i] - d2[i]) / dist[i]);
            }
            if (!(k > 0)) {
                throw new IllegalStateException("DOT: the discriminator is constant on " + pairs + " random pairs");
            }
            kEff = k;
        }
    }

    private double[] logits(NDArray z, Condition c) {
        return models.discriminator().logits(models.generator().generate(z, c), c).stopGradient()
                .toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Override
    protected NDArray update(NDManager sm, NDArray z, Map<String, Double> figures) {
        double[] stats = new double[2];
        long b = z.getShape().get(0);
        NDArray anchor = start.sub(Tensors.scalar(start, delta));
        NDArray g = gradient(sm, z, zz -> {
            NDArray d = models.discriminator().logits(models.generator().generate(zz, models.condition()),
                    models.condition());
            NDArray cost = zz.sub(anchor).reshape(b, -1).square().sum(new int[] {1}).sqrt();
            stats[0] = meanOf(d);
            stats[1] = meanOf(cost);
            return d.mul(Tensors.scalar(d, -1.0 / kEff)).add(cost);
        });
        figures.put("logit", stats[0]);
        figures.put("transport_cost", stats[1]);
        figures.put("k_eff", kEff);
        long dim = z.getShape().size() / b;
        NDArray gz = g.mul(z).reshape(b, -1).sum(new int[] {1});
        NDArray radial = z.mul(perRow(gz, z)).mul(Tensors.scalar(z, 1.0 / Math.sqrt(dim)));
        NDArray step = g.sub(radial).mul(Tensors.scalar(g, -learningRate));
        figures.put("velocity_norm", meanRowNorm(step));
        return z.add(step);
    }
}
