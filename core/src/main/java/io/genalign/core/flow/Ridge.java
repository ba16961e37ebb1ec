package io.genalign.core.flow;

import java.util.Locale;

/**
 * The KRR ridge λ: either an absolute value or a multiple of r = max_j Σ_l K̃_jl, the Gram matrix's largest row sum
 * (λ &gt; 2r guarantees positive weights; λ ≫ r approaches KDE; λ ≪ r flattens the estimate). Immutable.
 */
public final class Ridge {
    private final double value;
    private final boolean relative;

    private Ridge(double value, boolean relative) {
        KernelMath.requirePositive(value, relative ? "relative ridge" : "ridge lambda");
        this.value = value;
        this.relative = relative;
    }

    /** λ itself. */
    public static Ridge absolute(double lambda) {
        return new Ridge(lambda, false);
    }

    /** λ = factor · r. */
    public static Ridge relativeToRowSum(double factor) {
        return new Ridge(factor, true);
    }

    /** "0.5r" (relative) or "1e3" (absolute). */
    public static Ridge parse(String s) {
        String t = s.trim();
        try {
            if (t.endsWith("r")) {
                return relativeToRowSum(Double.parseDouble(t.substring(0, t.length() - 1)));
            }
            return absolute(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ridge must be a positive number (absolute lambda) or a number followed "
                    + "by r (a multiple of the Gram matrix's largest row sum), got '" + s + "'");
        }
    }

    /** The λ to start from for a Gram matrix with largest row sum {@code r}. */
    public double lambdaFor(double r) {
        return relative ? value * r : value;
    }

    @Override
    public String toString() {
        return relative ? String.format(Locale.ROOT, "%sr", value) : String.format(Locale.ROOT, "%s", value);
    }
}
