package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;

/**
 * Kurtosis regularizer ("generic" form; the paper's source for this baseline is not identified):
 * <pre>
 *   K(x) = | mean(x⁴) / mean(x²)² − 3 |
 * </pre>
 * with raw (uncentred) moments over the D entries. A Gaussian has kurtosis 3; for x ∈ {±1}^D the value is 2.
 */
public final class KurtosisRegularizer implements Regularizer {
    @Override
    public String name() {
        return "kurtosis";
    }

    @Override
    public NDArray perSample(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch);
        NDArray m2 = x.square().mean(new int[] {1});
        NDArray m4 = x.square().square().mean(new int[] {1});
        return m4.div(m2.square()).sub(num(x, 3.0)).abs();
    }
}
