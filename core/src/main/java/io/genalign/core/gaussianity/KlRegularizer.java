package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;

/**
 * KL divergence of the sample's Gaussian fit from N(0, 1) ("generic" form; the paper's source for this
 * baseline is not identified):
 * <pre>
 *   KL(x) = ½ (σ̂² + μ̂² − 1 − ln σ̂²)
 * </pre>
 * with μ̂ the mean and σ̂² the population variance (divide by D) of the D entries. Zero exactly when μ̂ = 0 and
 * σ̂ = 1; it sees only the first two moments.
 */
public final class KlRegularizer implements Regularizer {
    @Override
    public String name() {
        return "kl";
    }

    @Override
    public NDArray perSample(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch);
        NDArray mean = x.mean(new int[] {1});
        NDArray var = x.sub(mean.expandDims(1)).square().mean(new int[] {1});
        return var.add(mean.square()).sub(num(x, 1.0)).sub(var.log()).mul(num(x, 0.5));
    }
}
