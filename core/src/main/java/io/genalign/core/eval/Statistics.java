package io.genalign.core.eval;

import java.util.List;
import java.util.Locale;

/**
 * The summary statistics of the experiments, in one place: means over seeds, 95% intervals and paired
 * differences.
 *
 * <ul>
 *   <li>mean x̄ = (1/n) Σ x_i (compensated summation, as {@link java.util.stream.DoubleStream#average()});</li>
 *   <li>sample standard deviation s = sqrt(Σ (x_i − x̄)² / (n − 1));</li>
 *   <li>Student-t 95% interval x̄ ± t_{0.975, n−1} · s / sqrt(n), with t from a table to 10 degrees of freedom and
 *       1.96 + 2.4/df beyond ({@link #tQuantile975}); undefined (NaN half-width) for n &lt; 2;</li>
 *   <li>normal 95% interval x̄ ± 1.96 · s / sqrt(n) (s = 0 for n = 1): the large-sample approximation, narrower
 *       than Student-t for few seeds; kept for the regularizer experiment's committed tables;</li>
 *   <li>paired difference: the Student-t interval of d_i = a_i − b_i (the same seed, class and draw on both
 *       sides).</li>
 * </ul>
 */
public final class Statistics {
    /** Two-sided 95% (0.975 quantile) Student-t values for 1..10 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};
    /** The standard normal 0.975 quantile (rounded as in the tables). */
    public static final double Z975 = 1.96;

    private Statistics() {}

    /**
     * A mean with the half-width of its interval.
     *
     * @param mean      the mean
     * @param halfWidth the half-width (NaN where undefined)
     * @param n         the number of values
     */
    public record Interval(double mean, double halfWidth, int n) {
        /** "mean ± half" with {@code decimals} decimals, or the mean alone where the half-width is NaN. */
        public String format(int decimals) {
            String f = "%." + decimals + "f";
            return Double.isNaN(halfWidth) ? String.format(Locale.ROOT, f, mean)
                    : String.format(Locale.ROOT, f + " ± " + f, mean, halfWidth);
        }
    }

    /** The mean of {@code v} (NaN if empty). */
    public static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The sample standard deviation of {@code v} around {@code mean} (NaN for fewer than two values). */
    public static double standardDeviation(List<Double> v, double mean) {
        if (v.size() < 2) {
            return Double.NaN;
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (v.size() - 1));
    }

    /** The 0.975 quantile of Student's t with {@code df} ≥ 1 degrees of freedom (table to 10, then 1.96 + 2.4/df). */
    public static double tQuantile975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        }
        return df <= T975.length ? T975[df - 1] : Z975 + 2.4 / df;
    }

    /** The mean of {@code v} with its Student-t 95% half-width (NaN for fewer than two values). */
    public static Interval studentT95(List<Double> v) {
        int n = v.size();
        double mean = mean(v);
        if (n < 2) {
            return new Interval(mean, Double.NaN, n);
        }
        return new Interval(mean, tQuantile975(n - 1) * standardDeviation(v, mean) / Math.sqrt(n), n);
    }

    /** The mean of {@code v} with the normal-approximation 95% half-width 1.96 s/sqrt(n) (0 for one value). */
    public static Interval normal95(List<Double> v) {
        int n = v.size();
        double mean = mean(v);
        double sd = n > 1 ? standardDeviation(v, mean) : 0;
        return new Interval(mean, Z975 * sd / Math.sqrt(n), n);
    }

    /** The paired differences a_i − b_i, summarised by {@link #studentT95}. */
    public static Interval pairedDifference(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("paired lists differ in length: " + a.size() + " and " + b.size());
        }
        Double[] d = new Double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i) - b.get(i);
        }
        return studentT95(List.of(d));
    }
}
