package io.genalign.core.gaussianity;

import java.util.Arrays;

/**
 * Summary statistics of a sample's D entries against N(0, 1): the mean, the population standard deviation
 * (divide by D), and the two-sided Kolmogorov–Smirnov distance
 * <pre>
 *   KS = sup_t |F_D(t) − Φ(t)| = max_i max( i/D − Φ(x_(i)), Φ(x_(i)) − (i−1)/D )
 * </pre>
 * over the sorted entries x_(1) ≤ … ≤ x_(D) (SciPy's {@code kstest} statistic).
 *
 * @param mean the mean
 * @param std  the population standard deviation
 * @param ks   the Kolmogorov–Smirnov distance to N(0, 1)
 */
public record GaussianityStats(double mean, double std, double ks) {

    /** The statistics of {@code x}; NaN or infinite values and an empty array are rejected. */
    public static GaussianityStats of(double[] x) {
        if (x.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("value " + i + " is " + x[i]);
            }
            sum += x[i];
        }
        double mean = sum / x.length;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double[] s = x.clone();
        Arrays.sort(s);
        double n = s.length;
        double ks = 0;
        for (int i = 0; i < s.length; i++) {
            double cdf = normalCdf(s[i]);
            ks = Math.max(ks, Math.max((i + 1) / n - cdf, cdf - i / n));
        }
        return new GaussianityStats(mean, Math.sqrt(ss / x.length), ks);
    }

    /** Φ(t) = ½(1 + erf(t/√2)), accurate to about 1e-16 in absolute terms. */
    public static double normalCdf(double t) {
        return 0.5 * (1.0 + erf(t / Math.sqrt(2.0)));
    }

    /**
     * erf(x) from the series erf(x) = (2x/√π)·e^(−x²)·Σ_{n≥0} (2x²)^n / (1·3·…·(2n+1)), whose terms are all
     * positive (no cancellation); |erf(x)| = 1 to double precision for |x| ≥ 6.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax >= 6.0) {
            return Math.signum(x);
        }
        double x2 = ax * ax;
        double term = 1.0;
        double sum = 1.0;
        for (int n = 1; n < 500; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        double v = 2.0 * ax / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
        return Math.copySign(Math.min(v, 1.0), x);
    }
}
