package io.genalign.core.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/** Numerically stable softplus and sigmoid, on tensors (differentiable) and doubles. */
public final class StableMath {
    private StableMath() {}

    /**
     * softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^(-|z|)), with max(z, 0) written as (z + |z|)/2 so the
     * gradient at z = 0 is exactly 1/2 (autograd's |z| has gradient 0 there). DJL has no log1p, so log1p(u) for
     * u in (0, 1] is computed as log(w)·u/(w − 1) with w = 1 + u (exact to rounding; u itself where w rounds
     * to 1).
     */
    public static NDArray softplus(NDArray z) {
        NDArray u = z.abs().neg().exp();
        NDArray w = u.add(Divergence.num(u, 1.0));
        NDArray wm1 = w.sub(Divergence.num(w, 1.0));
        NDArray isOne = wm1.eq(Divergence.num(wm1, 0.0));
        NDArray safeDen = NDArrays.where(isOne, u.onesLike(), wm1);
        NDArray log1p = NDArrays.where(isOne, u, w.log().mul(u).div(safeDen));
        return z.add(z.abs()).mul(Divergence.num(z, 0.5)).add(log1p);
    }

    public static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
