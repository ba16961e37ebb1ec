package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import io.genalign.core.gaussianity.Regularizer;

/**
 * A reference row for the regularizer benchmark, not a regularizer: the FFT work that MPGR's default (BOTH) mode
 * cannot avoid on this engine. For a batch x of shape (B, D) it stacks [x; x] (B natural and B "permuted" rows,
 * here unpermuted), takes one real FFT per row, the magnitudes |X_k| and their mean per sample:
 * <pre>
 *   floor(x_b) = mean_k |X_k(x_b)| + mean_k |X_k(x_b)|   over the D/2 + 1 bins of the real FFT
 * </pre>
 * with value and autograd gradient measured exactly as for the regularizers. MPGR adds to this the moments, the
 * permutation (a gather), the mirroring of the half spectrum, the 16-bin blocks and their absolute deviations.
 */
final class FftFloor implements Regularizer {
    /** The name the benchmark uses for this row. */
    static final String NAME = "fft-floor";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray perSample(NDArray batch) {
        long b = batch.getShape().get(0);
        int d = (int) (batch.getShape().size() / b);
        NDArray x = batch.reshape(b, d);
        NDArray spec = x.concat(x, 0).rfft(d, 1).real(); // (2B, D/2 + 1, 2)
        NDArray mag = spec.square().sum(new int[] {2}).maximum(1e-40f).sqrt().mean(new int[] {1});
        return mag.get(":" + b).add(mag.get(b + ":"));
    }
}
