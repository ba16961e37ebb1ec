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
        double sign = inverse ? 1 : -1;
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            double ang = sign * 2 * Math.PI / len;
            // twiddles computed directly (not by recurrence) to keep float64 accuracy at large n
            double[] wr = new double[half];
            double[] wi = new double[half];
            for (int k = 0; k < half; k++) {
                wr[k] = Math.cos(ang * k);
                wi[k] = Math.sin(ang * k);
            }
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < half; k++) {
                    int a = i + k;
                    int b = a + half;
                    double xr = re[b] * wr[k] - im[b] * wi[k];
                    double xi = re[b] * wi[k] + im[b] * wr[k];
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    private static void bluestein(double[] re, double[] im, boolean inverse) {
        int n = re.length;
        int m = Integer.highestOneBit(2 * n - 1) << 1;
        double sign = inverse ? 1 : -1;
        double[] cr = new double[n];
        double[] ci = new double[n];
        for (int k = 0; k < n; k++) {
            long kk = ((long) k * k) % (2L * n); // exact angle index: k² mod 2n
            double ang = sign * Math.PI * kk / n;
            cr[k] = Math.cos(ang);
            ci[k] = Math.sin(ang);
        }
        double[] ar = new double[m];
        double[] ai = new double[m];
        for (int k = 0; k < n; k++) {
            ar[k] = re[k] * cr[k] - im[k] * ci[k];
            ai[k] = re[k] * ci[k] + im[k] * cr[k];
        }
        double[] br = new double[m];
        double[] bi = new double[m];
        br[0] = cr[0];
        bi[0] = -ci[0];
        for (int k = 1; k < n; k++) {
            br[k] = br[m - k] = cr[k];
            bi[k] = bi[m - k] = -ci[k];
        }
        radix2(ar, ai, false);
        radix2(br, bi, false);
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
