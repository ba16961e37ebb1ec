package io.genalign.core.gaussianity;

/**
 * A plain-Java complex FFT in float64 for any length: iterative radix-2 for powers of two, Bluestein's chirp-z
 * algorithm (three power-of-two FFTs) otherwise, so every length costs O(n log n). Unnormalised:
 * {@code forward} computes X_k = Σ_j x_j e^(−2πi kj/n); {@code inverse} computes Σ_k X_k e^(+2πi kj/n) (no 1/n).
 * Used by {@link WhiteNoiseProjection}, which works on host arrays without gradients.
 */
final class Fft {
    private Fft() {}

    /** In place: (re, im) ← DFT(re, im). */
    static void forward(double[] re, double[] im) {
        transform(re, im, false);
    }

    /** In place: (re, im) ← unnormalised inverse DFT(re, im). */
    static void inverse(double[] re, double[] im) {
        transform(re, im, true);
    }

    private static void transform(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        if (n <= 1) {
            return;
        }
        if ((n & (n - 1)) == 0) {
            radix2(re, im, inverse);
        } else {
            bluestein(re, im, inverse);
        }
    }

    private static void radix2(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        // twiddles from a cached table of cos/sin(2πk/n), k < n/2, each computed directly (not by recurrence)
        double[][] tw = twiddles(n);
        double[] cos = tw[0];
        double[] sin = tw[1];
        double sign = inverse ? 1 : -1;
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            int stride = n / len;
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * stride];
                    double wi = sign * sin[k * stride];
                    int a = i + k;
                    int b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, double[][]> TWIDDLES =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ConcurrentHashMap<Long, double[][]> CHIRPS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** {cos(2πk/n), sin(2πk/n)} for k < n/2, per power-of-two n (cached). */
    private static double[][] twiddles(int n) {
        return TWIDDLES.computeIfAbsent(n, len -> {
            double[] c = new double[Math.max(1, len / 2)];
            double[] sn = new double[c.length];
            for (int k = 0; k < len / 2; k++) {
                c[k] = Math.cos(2 * Math.PI * k / len);
                sn[k] = Math.sin(2 * Math.PI * k / len);
            }
            return new double[][] {c, sn};
        });
    }

    /**
     * Bluestein's plan for length n and direction (cached): the chirp w_k = e^(∓πi k²/n) (re, im) and the
     * transform of the conjugate chirp padded to m (re, im).
     */
    private static double[][] chirp(int n, int m, boolean inverse) {
        return CHIRPS.computeIfAbsent(((long) n << 1) | (inverse ? 1 : 0), key -> {
            double sign = inverse ? 1 : -1;
            double[] cr = new double[n];
            double[] ci = new double[n];
            for (int k = 0; k < n; k++) {
                long kk = ((long) k * k) % (2L * n); // exact angle index: k² mod 2n
                double ang = sign * Math.PI * kk / n;
                cr[k] = Math.cos(ang);
                ci[k] = Math.sin(ang);
            }
            double[] br = new double[m];
            double[] bi = new double[m];
            br[0] = cr[0];
            bi[0] = -ci[0];
            for (int k = 1; k < n; k++) {
                br[k] = br[m - k] = cr[k];
                bi[k] = bi[m - k] = -ci[k];
            }
            radix2(br, bi, false);
            return new double[][] {cr, ci, br, bi};
        });
    }

    private static void bluestein(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        int m = Integer.highestOneBit(2 * n - 1) << 1;
        double[][] plan = chirp(n, m, inverse);
        double[] cr = plan[0];
        double[] ci = plan[1];
        double[] br = plan[2];
        double[] bi = plan[3];
        double[] ar = new double[m];
        double[] ai = new double[m];
        for (int k = 0; k < n; k++) {
            ar[k] = re[k] * cr[k] - im[k] * ci[k];
            ai[k] = re[k] * ci[k] + im[k] * cr[k];
        }
        radix2(ar, ai, false);
        for (int k = 0; k < m; k++) {
            double r = ar[k] * br[k] - ai[k] * bi[k];
            double i = ar[k] * bi[k] + ai[k] * br[k];
            ar[k] = r;
            ai[k] = i;
        }
        radix2(ar, ai, true);
        for (int k = 0; k < n; k++) {
            double r = ar[k] / m;
            double i = ai[k] / m;
            re[k] = r * cr[k] - i * ci[k];
            im[k] = r * ci[k] + i * cr[k];
        }
    }
}
