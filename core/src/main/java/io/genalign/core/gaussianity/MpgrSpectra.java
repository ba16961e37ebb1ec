package io.genalign.core.gaussianity;

import java.util.Arrays;

/**
 * The host part of MPGR's closed-form value and gradient ({@link Mpgr#valueAndGradient}), one row (one ordering of
 * one sample) at a time, in float64, from the row's half spectrum X_0 … X_(h−1), h = ⌊D/2⌋ + 1 (interleaved real and
 * imaginary parts as read from the engine):
 * <ul>
 *   <li>the magnitudes |X_k| (floored as in the autograd path), the block means of the full spectrum a_k = |X_k|/√D
 *       (bins k ≥ h mirror bin D − k) and L_power = mean over blocks of |block mean − mu_power|;</li>
 *   <li>the factors r_k with ∇_x = irfft(r ⊙ X): r_k = c_k·√D·(g_k + g_(D−k))/|X_k|, g_k = weight·sign(block mean of
 *       k's block − mu_power)/(16·blocks) (0 for dropped bins), c_0 = 1 and c_k = ½ otherwise (for even D the Nyquist
 *       bin pairs with itself, which gives c = 1); 0 where |X_k|² is at or below the floor;</li>
 *   <li>optionally the moment losses folded into the same factors: L_1 = |mean| with mean = X_0/D adds sign(mean)/X_0
 *       to r_0 (an inverse FFT of a DC bin sign(mean) is the constant sign(mean)/D, L_1's gradient), and
 *       L_2 = |rms − 1| with mean x² = Σ_k |X_k|²/D² (Parseval) adds sign(rms − 1)/(D·rms) to every r_k (the inverse
 *       FFT of that multiple of X is that multiple of x, L_2's gradient).</li>
 * </ul>
 * Small methods with simple loops, so that the JIT compiles (and vectorises) them early and independently of the
 * tensor calls around them.
 */
final class MpgrSpectra {
    private final int d;
    private final int h;
    private final int blockSize;
    private final int blocks;
    private final int kept;
    private final double muPower;
    private final double floor;
    private final double gUnit;
    private final double blockScale;
    private final double[] pw;
    private final double[] mag;
    private final double[] inv;
    private final double[] full;
    private final double[] gFull;

    MpgrSpectra(int d, int blockSize, double muPower, double weight, double floor) {
        this.d = d;
        this.h = d / 2 + 1;
        this.blockSize = blockSize;
        this.blocks = d / blockSize;
        this.kept = blocks * blockSize;
        this.muPower = muPower;
        this.floor = floor;
        double sqrtD = Math.sqrt(d);
        this.gUnit = sqrtD * weight / ((double) blockSize * blocks);
        this.blockScale = 1.0 / (blockSize * sqrtD);
        this.pw = new double[h];
        this.mag = new double[h];
        this.inv = new double[h];
        this.full = new double[kept];
        this.gFull = new double[d + 1]; // per bin of the full spectrum: the sign of its block (0 if dropped)
    }

    /**
     * Processes row {@code row} of {@code reIm}: writes its factors into {@code r} (row-major, h per row) and returns
     * its L_power, or NaN when the row's energy is not finite and positive (NaN or Inf in the input, an all-zero
     * sample, an overflow). With {@code l1} or {@code l2}, folds those moment losses into the factors and writes their
     * sum to {@code moments[0]}.
     */
    double row(double[] reIm, int row, double[] r, boolean l1, boolean l2, double[] moments) {
        int off = row * h;
        powers(reIm, 2 * off);
        double parseval = parseval();
        if (!(parseval > 0) || !Double.isFinite(parseval)) {
            return Double.NaN;
        }
        magnitudes();
        double loss = blocks();
        factors(r, off);
        if (l1 || l2) {
            double x0 = reIm[2 * off];
            double sum = 0;
            if (l1) {
                double mean = x0 / d;
                sum += Math.abs(mean);
                double s1 = Math.signum(mean);
                if (s1 != 0) {
                    r[off] += s1 / x0;
                }
            }
            if (l2) {
                double rms = Math.sqrt(parseval / ((double) d * d));
                double target = Mpgr.momentTarget(2);
                sum += Math.abs(rms - target);
                double alpha = Math.signum(rms - target) / (d * rms);
                if (alpha != 0) {
                    addAll(r, off, alpha);
                }
            }
            moments[0] = sum;
        }
        return loss;
    }

    private void powers(double[] reIm, int start) {
        for (int k = 0, j = start; k < h; k++, j += 2) {
            pw[k] = reIm[j] * reIm[j] + reIm[j + 1] * reIm[j + 1];
        }
    }

    /** Σ_k |X_k|² over all D bins: bins 1..⌈D/2⌉−1 count twice (their mirrors), bin 0 and the Nyquist bin once. */
    private double parseval() {
        double sum = 0;
        for (int k = 0; k < h; k++) {
            sum += pw[k];
        }
        double nyquist = d % 2 == 0 ? pw[h - 1] : 0;
        return 2 * sum - pw[0] - nyquist;
    }

    private void magnitudes() {
        for (int k = 0; k < h; k++) {
            mag[k] = Math.sqrt(Math.max(pw[k], floor));
        }
        for (int k = 0; k < h; k++) {
            inv[k] = 1.0 / mag[k];
        }
        for (int k = 0; k < h; k++) {
            if (!(pw[k] > floor)) {
                inv[k] = 0; // zero gradient below the floor, as in the autograd path (rare)
            }
        }
        System.arraycopy(mag, 0, full, 0, Math.min(h, kept));
        for (int k = h; k < kept; k++) {
            full[k] = full[d - k]; // |X_k| = |X_(D−k)|, and D − k < h ≤ kept here
        }
    }

    /** L_power of the row; spreads each block's sign over its bins in {@link #gFull}. */
    private double blocks() {
        double lossSum = 0;
        for (int k = 0; k < kept; k += blockSize) {
            double sum = 0;
            for (int j = k, end = k + blockSize; j < end; j++) {
                sum += full[j];
            }
            double dev = sum * blockScale - muPower;
            lossSum += Math.abs(dev);
            Arrays.fill(gFull, k, k + blockSize, Math.signum(dev));
        }
        return lossSum / blocks;
    }

    private void factors(double[] r, int off) {
        r[off] = gUnit * gFull[0] * inv[0];
        double half = 0.5 * gUnit;
        for (int k = 1; k < h; k++) {
            r[off + k] = half * (gFull[k] + gFull[d - k]) * inv[k];
        }
    }

    private void addAll(double[] r, int off, double alpha) {
        for (int k = 0; k < h; k++) {
            r[off + k] += alpha;
        }
    }
}
