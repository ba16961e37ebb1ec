package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;

/**
 * ReNO's norm regularizer (Eyring et al., NeurIPS 2024; ExplainableML/ReNO {@code training/trainer.py}), with
 * weight 1:
 * <pre>
 *   R(x) = ½‖x‖² − (D − 1)·ln‖x‖
 * </pre>
 * the negative log-density of the chi_D law of r = ‖x‖ up to a constant. It is minimal at ‖x‖ = √(D − 1) and
 * its gradient (1 − (D − 1)/‖x‖²)·x is purely radial. ReNO weights it by {@link #RENO_DEFAULT_WEIGHT}; in
 * genalign the optimizer applies the weight.
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
}
