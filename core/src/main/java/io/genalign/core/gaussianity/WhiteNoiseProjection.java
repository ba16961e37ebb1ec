package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * The projection onto the white-Gaussian-noise feasible set of Hwang &amp; Sung, "Gradient Preconditioning for
 * Efficient and Reliable Reward-Guided Generation" (ICML 2026, arXiv 2602.08646), as the project reconstructs it
 * ({@code docs/preconditioning.md}; the paper's method section could not be read).
 *
 * <p>For one sample flattened in C order to x ∈ R^N (N even, N ≥ 4):
 * <pre>
 *   x̂_k = N^(−1/2) Σ_n x_n e^(−2πi kn/N)                   (unitary DFT)
 *   y_0 = (x̂_0 + i·x̂_(N/2))/√2,  y_k = x̂_k (1 ≤ k &lt; N/2)   (compact spectrum, y ∈ C^(N/2))
 *   W   = { x : for every block b of y,  ‖y_b‖₁ = (√π/2)·m_b  and  ‖y_b‖₂² = m_b }
 * </pre>
 * with contiguous blocks of {@code blockSize} (16) entries from k = 0; a remainder joins the last block, and
 * N/2 &lt; blockSize gives one block. x ↦ y is orthogonal up to the factor √2, so the Euclidean projection works
 * block by block in y: it keeps every coefficient's phase and replaces the block's magnitudes r by the nearest
 * s ≥ 0 with the two norms, s = t·(r − λ)₊ (a sort per block finds the support). Cost O(N log N): one FFT, one
 * sort per block, one inverse FFT, in plain Java float64 on host copies (no gradients).
 *
 * <p>When every candidate support has equal magnitudes (e.g. a zero block) every point of W is equally near;
 * the projection then returns a fixed ramp of magnitudes with the block's phases.
 */
public final class WhiteNoiseProjection {
    /** Default block size (MPGR's, which the paper follows). */
    public static final int DEFAULT_BLOCK_SIZE = 16;
    /** E|y_k| for y_k ~ CN(0, 1): the per-entry ℓ1 target. */
    public static final double L1_PER_ENTRY = Math.sqrt(Math.PI) / 2;

    /** Relative spread of a block's magnitudes below which they count as equal (FFT rounding is ~1e-15). */
    private static final double TIE = 1e-10;

    private final int blockSize;

    private WhiteNoiseProjection(int blockSize) {
        if (blockSize < 2) {
            throw new IllegalArgumentException("block size must be >= 2, got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /** The paper's set: blocks of 16. */
    public static WhiteNoiseProjection create() {
        return new WhiteNoiseProjection(DEFAULT_BLOCK_SIZE);
    }

    /** A set with blocks of {@code blockSize} (≥ 2) entries of the compact spectrum. */
    public static WhiteNoiseProjection withBlockSize(int blockSize) {
        return new WhiteNoiseProjection(blockSize);
    }

    public int blockSize() {
        return blockSize;
    }

    /**
     * Projects every sample of a batch (B, ...) of float32 or float64 values; returns a new array of the same
     * shape and type in the batch's manager (no gradient).
     */
    public NDArray project(NDArray batch) {
        // not InputChecks.requireLatentBatch: an all-zero sample (a zero gradient) is a valid input here
        if (batch.getShape().dimension() < 2 || batch.getShape().get(0) < 1) {
            throw new IllegalArgumentException("the white-noise projection needs a batch (B, ...), got shape "
                    + batch.getShape());
        }
        if (batch.getDataType() != DataType.FLOAT32 && batch.getDataType() != DataType.FLOAT64) {
            throw new IllegalArgumentException("the white-noise projection needs float32 or float64, got "
                    + batch.getDataType());
        }
        long b = batch.getShape().get(0);
        NDArray x = batch.stopGradient();
        double[] all = Flat.doubles(x);
        int n = (int) (all.length / b);
        requireLength(n);
        double[] out = new double[all.length];
        double[] row = new double[n];
        for (int i = 0; i < b; i++) {
            System.arraycopy(all, i * n, row, 0, n);
            System.arraycopy(project(row), 0, out, i * n, n);
        }
        NDArray r = batch.getManager().create(out, batch.getShape());
        return batch.getDataType() == DataType.FLOAT64 ? r : r.toType(batch.getDataType(), false);
    }

    /** The projection of one sample x ∈ R^N (N even, ≥ 4); x is not modified. */
    public double[] project(double[] x) {
        int n = x.length;
        requireLength(n);
        for (double v : x) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("the sample holds a NaN or infinite value");
            }
        }
        int h = n / 2;
        double[] yr = new double[h];
        double[] yi = new double[h];
        compact(x, yr, yi);
        double[] r = new double[h];
        for (int k = 0; k < h; k++) {
            r[k] = Math.hypot(yr[k], yi[k]);
        }
        int[] starts = blockStarts(h);
        for (int bi = 0; bi < starts.length; bi++) {
            int from = starts[bi];
            int to = bi + 1 < starts.length ? starts[bi + 1] : h;
            int m = to - from;
            double[] s = magnitudes(Arrays.copyOfRange(r, from, to), L1_PER_ENTRY * m, m);
            for (int j = 0; j < m; j++) {
                int k = from + j;
                if (r[k] > 0) {
                    double f = s[j] / r[k];
                    yr[k] *= f;
                    yi[k] *= f;
                } else {
                    yr[k] = s[j];
                    yi[k] = 0;
                }
            }
        }
        return expand(yr, yi, n);
    }

    /** Per block of the compact spectrum of x: {ℓ1, ℓ2², number of entries}. */
    public double[][] blockNorms(double[] x) {
        int n = x.length;
        requireLength(n);
        int h = n / 2;
        double[] yr = new double[h];
        double[] yi = new double[h];
        compact(x, yr, yi);
        int[] starts = blockStarts(h);
        double[][] out = new double[starts.length][3];
        for (int bi = 0; bi < starts.length; bi++) {
            int from = starts[bi];
            int to = bi + 1 < starts.length ? starts[bi + 1] : h;
            for (int k = from; k < to; k++) {
                double a = Math.hypot(yr[k], yi[k]);
                out[bi][0] += a;
                out[bi][1] += a * a;
            }
            out[bi][2] = to - from;
        }
        return out;
    }

    /** The compact spectrum y of x as (re, im), each of length N/2. */
    public static void compact(double[] x, double[] yr, double[] yi) {
        int n = x.length;
        int h = n / 2;
        double[] re = x.clone();
        double[] im = new double[n];
        Fft.forward(re, im);
        double scale = 1 / Math.sqrt(n);
        yr[0] = re[0] * scale / Math.sqrt(2);
        yi[0] = re[h] * scale / Math.sqrt(2);
        for (int k = 1; k < h; k++) {
            yr[k] = re[k] * scale;
            yi[k] = im[k] * scale;
        }
    }

    /** The real x ∈ R^N whose compact spectrum is y (inverse of {@link #compact}). */
    public static double[] expand(double[] yr, double[] yi, int n) {
        int h = n / 2;
        double[] re = new double[n];
        double[] im = new double[n];
        re[0] = yr[0] * Math.sqrt(2);
        re[h] = yi[0] * Math.sqrt(2);
        for (int k = 1; k < h; k++) {
            re[k] = yr[k];
            im[k] = yi[k];
            re[n - k] = yr[k];
            im[n - k] = -yi[k];
        }
        Fft.inverse(re, im);
        double scale = 1 / Math.sqrt(n);
        for (int j = 0; j < n; j++) {
            re[j] *= scale;
        }
        return re;
    }

    private int[] blockStarts(int h) {
        int blocks = Math.max(1, h / blockSize);
        int[] starts = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            starts[i] = i * blockSize;
        }
        return starts;
    }

    private static void requireLength(int n) {
        if (n < 4 || n % 2 != 0) {
            throw new IllegalArgumentException("the white-noise projection needs an even sample length >= 4, got " + n);
        }
    }

    /**
     * The nearest s ∈ R^m, s ≥ 0, with Σ s = l1 and Σ s² = l2sq to the magnitudes r ≥ 0 (m ≥ 2,
     * l1² ≤ m·l2sq): maximises ⟨s, r⟩. Public for the tests.
     */
    public static double[] magnitudes(double[] r, double l1, double l2sq) {
        int m = r.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(r[q], r[p])); // decreasing; ties keep index order
        double[] sorted = new double[m];
        for (int i = 0; i < m; i++) {
            sorted[i] = r[order[i]];
        }
        double scaleR = sorted[0];
        double[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        int kMin = Math.max(1, (int) Math.ceil(l1 * l1 / l2sq - 1e-12));
        double sum = 0;
        double sumSq = 0;
        double[] prefix = new double[m + 1];
        double[] prefixSq = new double[m + 1];
        for (int i = 0; i < m; i++) {
            sum += sorted[i];
            sumSq += sorted[i] * sorted[i];
            prefix[i + 1] = sum;
            prefixSq[i + 1] = sumSq;
        }
        for (int k = m; k >= kMin; k--) {
            double rho2 = l2sq - l1 * l1 / k;
            if (rho2 < 0) {
                continue;
            }
            // two passes (mean, then the deviations re-centred): the normalised deviations sum to 0 and their
            // squares to 1 to rounding, so both norms hold to ~1e-15 even when the spread is small
            double mu = prefix[k] / k;
            double[] dev = new double[k];
            double mu2 = 0;
            for (int i = 0; i < k; i++) {
                dev[i] = sorted[i] - mu;
                mu2 += dev[i];
            }
            mu2 /= k;
            double dev2 = 0;
            for (int i = 0; i < k; i++) {
                dev[i] -= mu2;
                dev2 += dev[i] * dev[i];
            }
            double delta = Math.sqrt(dev2);
            double rho = Math.sqrt(rho2);
            double[] s = null;
            if (scaleR == 0 || !(delta > TIE * scaleR * Math.sqrt(k))) {
                // equal magnitudes on the support (to rounding): every arrangement on it is equally near (a tie);
                // valid only when the support ends where the magnitudes drop
                if (k == m || sorted[k] < sorted[k - 1] - TIE * scaleR || scaleR == 0) {
                    s = new double[m];
                    System.arraycopy(ramp(k, l1, l2sq), 0, s, 0, k);
                }
            } else {
                double lambda = mu + mu2 - (l1 / k) * delta / rho;
                if (sorted[k - 1] > lambda && (k == m || sorted[k] <= lambda)) {
                    s = new double[m];
                    for (int i = 0; i < k; i++) {
                        s[i] = l1 / k + rho * dev[i] / delta;
                    }
                }
            }
            if (s == null || s[k - 1] < 0) {
                continue;
            }
            double score = 0;
            for (int i = 0; i < k; i++) {
                score += s[i] * sorted[i];
            }
            if (score > bestScore) {
                bestScore = score;
                best = s;
            }
        }
        if (best == null) {
            best = ramp(m, l1, l2sq);
        }
        double[] out = new double[m];
        for (int i = 0; i < m; i++) {
            out[order[i]] = best[i];
        }
        return out;
    }

    /** l1/m + ρ·e, e a unit zero-mean decreasing ramp: a feasible point for ties (non-negative for the paper's targets). */
    private static double[] ramp(int m, double l1, double l2sq) {
        double rho = Math.sqrt(Math.max(0, l2sq - l1 * l1 / m));
        double c = (m - 1) / 2.0;
        double norm = 0;
        for (int i = 0; i < m; i++) {
            norm += (c - i) * (c - i);
        }
        norm = Math.sqrt(norm);
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[i] = l1 / m + rho * (c - i) / norm;
        }
        return s;
    }
}
