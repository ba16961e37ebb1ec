package io.genalign.core.flow;

import java.util.Locale;

/**
 * How the Gaussian kernel's bandwidth h is chosen from the samples an estimator is fitted on.
 *
 * <ul>
 *   <li>{@link #median()}: the median heuristic {@code h² = median_{i<j} ‖φ_i − φ_j‖² / (2 ln(n + 1))}, over copy 0
 *       of the n samples (re-estimated at every fit, so a particle estimator follows the particles);
 *   <li>{@link #fixed(double)}: a fixed h &gt; 0.
 * </ul>
 * Immutable.
 */
public final class Bandwidth {
    private final double fixed; // NaN = median heuristic

    private Bandwidth(double fixed) {
        this.fixed = fixed;
    }

    /** The median heuristic (the default). */
    public static Bandwidth median() {
        return new Bandwidth(Double.NaN);
    }

    /** A fixed bandwidth h &gt; 0. */
    public static Bandwidth fixed(double h) {
        KernelMath.requirePositive(h, "bandwidth h");
        return new Bandwidth(h);
    }

    /** Parses "median" or a positive number. */
    public static Bandwidth parse(String s) {
        if ("median".equalsIgnoreCase(s.trim())) {
            return median();
        }
        try {
            return fixed(Double.parseDouble(s.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bandwidth must be 'median' or a positive number, got '" + s + "'");
        }
    }

    public boolean isMedian() {
        return Double.isNaN(fixed);
    }

    /** h for these samples (n, M, F); the median heuristic needs n &ge; 2 and distinct points. */
    public double resolve(double[][][] samples) {
        if (!isMedian()) {
            return fixed;
        }
        double med = KernelMath.medianSquaredDistance(samples);
        if (!(med > 0)) {
            throw new IllegalArgumentException("the median heuristic found a median squared distance of " + med
                    + " (the samples coincide); use a fixed bandwidth");
        }
        return Math.sqrt(med / (2 * Math.log(samples.length + 1)));
    }

    @Override
    public String toString() {
        return isMedian() ? "median" : String.format(Locale.ROOT, "%s", fixed);
    }
}
