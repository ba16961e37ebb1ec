package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * ReNO's norm regularizer (Eyring et al., NeurIPS 2024; ExplainableML/ReNO {@code training/trainer.py}), with
 * weight 1:
 * <pre>
 *   R(x) = ½‖x‖² − (D − 1)·ln‖x‖
 * </pre>
 * the negative log-density of the chi_D law of r = ‖x‖ up to a constant. It is minimal at ‖x‖ = √(D − 1) and
 * its gradient (1 − (D − 1)/‖x‖²)·x is purely radial. ReNO weights it by {@link #RENO_DEFAULT_WEIGHT}; in
 * genalign the optimizer applies the weight.
 *
 * <p>{@link #valueAndGradient(NDArray)} uses that closed form: one reduction (‖x‖² per sample) read back to the
 * host, where the values and the factors 1 − (D − 1)/‖x‖² are computed in float64, and one multiplication.
 */
public final class RenoNorm implements Regularizer {
    /** ReNO's default weight of this term (its {@code arguments.py}). */
    public static final double RENO_DEFAULT_WEIGHT = 0.01;

    @Override
    public String name() {
        return "norm";
    }

    @Override
    public NDArray perSample(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch);
        long d = x.getShape().get(1);
        NDArray sq = x.square().sum(new int[] {1});
        // ln‖x‖ = ½ ln‖x‖²
        return sq.mul(num(x, 0.5)).sub(sq.log().mul(num(x, 0.5 * (d - 1))));
    }

    /** Closed form: value ½s − ½(D−1)·ln s and gradient (1 − (D−1)/s)·x with s = ‖x‖², per sample. */
    @Override
    public Gradients.ValueAndGradient valueAndGradient(NDArray batch) {
        InputChecks.requireShapeAndType(batch, "latents");
        NDManager owner = batch.getManager();
        int b = (int) batch.getShape().get(0);
        long d = batch.getShape().size() / b;
        try (NDManager sub = owner.newSubManager()) {
            NDArray x = batch.stopGradient();
            x.attach(sub);
            NDArray flat = x.reshape(b, d);
            double[] s = Flat.doubles(flat.square().sum(new int[] {1}));
            double[] values = new double[b];
            double[] factor = new double[b];
            for (int i = 0; i < b; i++) {
                if (!(s[i] > 0) || !Double.isFinite(s[i])) {
                    // NaN, Inf or an all-zero sample (or an over/underflowing ‖x‖²): the full check names the problem;
                    // if it passes, the generic path handles the extreme values exactly as perSample does
                    InputChecks.requireLatentBatch(batch, "latents");
                    return Gradients.autograd(this, batch);
                }
                values[i] = 0.5 * s[i] - 0.5 * (d - 1) * Math.log(s[i]);
                factor[i] = 1.0 - (d - 1) / s[i];
            }
            NDArray grad = x.mul(FastPaths.column(sub, factor, x, batch.getShape().dimension()));
            grad.attach(owner);
            return new Gradients.ValueAndGradient(values, grad);
        }
    }
}
