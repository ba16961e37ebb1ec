package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Circular covariance matching, computed in the spatial domain: O(D²) time, for verification and benchmarks
 * only (MPGR's spectral term does the same job in O(D log D)).
 * <pre>
 *   r(τ) = (1/D) Σ_n x_n x_((n+τ) mod D),   C_ij = r((j − i) mod D)
 *   ‖C − I‖_F² = D · Σ_τ (r(τ) − [τ = 0])²     (each lag occurs D times in C)
 * </pre>
 * All D lags are summed directly, in chunks of lags that bound memory, from shifted copies of x (no FFT). Since the DFT diagonalises circulant
 * matrices, the eigenvalues of C are P_k = |X_k|²/D, so ‖C − I‖_F² = Σ_k (P_k − 1)² ({@link #spectralForm}) and
 * ‖C − I‖₂ = max_k |P_k − 1| ({@link #spectralNorm}).
 */
public final class CircularCovarianceMatching implements Regularizer {
    /** Upper bound on the values held at once per chunk of lags (the shifted copies of x). */
    private static final long CHUNK_VALUES = 1L << 23;

    @Override
    public String name() {
        return "covariance";
    }

    @Override
    public NDArray perSample(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch);
        long b = x.getShape().get(0);
        int d = (int) x.getShape().get(1);
        NDManager m = x.getManager();
        int perChunk = (int) Math.max(1, Math.min(d, CHUNK_VALUES / Math.max(1, b * d)));
        NDArray total = null;
        for (int tau0 = 0; tau0 < d; tau0 += perChunk) {
            int c = Math.min(perChunk, d - tau0);
            // Row t must hold x_((n + tau0 + t) mod D), n = 0..D-1. Tiling x and reading rows of length D + 1
            // from offset tau0 gives exactly that, since (D + 1)·t ≡ t (mod D); the last column is dropped.
            long need = tau0 + (long) c * (d + 1);
            long reps = (need + d - 1) / d;
            NDArray shifted = x.tile(new long[] {1, reps}).get(":, " + tau0 + ":" + need).reshape(b, c, d + 1L)
                    .get(":, :, :" + d);
            NDArray r = shifted.mul(x.expandDims(1)).sum(new int[] {2}).div(num(x, d)); // (B, c)
            if (tau0 == 0) {
                double[] delta = new double[c];
                delta[0] = 1.0;
                r = r.sub(m.create(delta).toType(x.getDataType(), false).expandDims(0));
            }
            NDArray part = r.square().sum(new int[] {1});
            total = total == null ? part : total.add(part);
        }
        return total.mul(num(x, d));
    }

    /** Σ_k (|X_k|²/D − 1)² per sample, from the FFT. */
    public static NDArray spectralForm(NDArray batch) {
        NDArray p = periodogram(batch);
        return p.sub(num(p, 1.0)).square().sum(new int[] {1});
    }

    /** max_k | |X_k|²/D − 1 | per sample: the spectral norm ‖C − I‖₂. */
    public static NDArray spectralNorm(NDArray batch) {
        NDArray p = periodogram(batch);
        return p.sub(num(p, 1.0)).abs().max(new int[] {1});
    }

    /** P_k = |X_k|²/D for all D bins, shape (B, D). */
    static NDArray periodogram(NDArray batch) {
        NDArray x = Flat.flatten(batch);
        long d = x.getShape().get(1);
        return Mpgr.magnitudes(x).square().div(num(x, d));
    }
}
