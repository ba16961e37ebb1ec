package io.genalign.core.flow;

/**
 * Kernel-ridge-regression weights α = (K̃ + λI)^-1 1 (project convention 1: constant targets, no gradient) with the
 * positivity guard of convention 7: while some α_j &le; 0 (or the factorisation fails), λ is doubled and the
 * system re-solved. λ &gt; 2r (r = largest row sum) guarantees α &gt; 0, so the loop ends; the final λ and the
 * number of doublings are reported.
 *
 * @param alpha the weights, all &gt; 0 when {@code guarded}
 * @param requestedLambda the λ asked for
 * @param lambda the λ used
 * @param doublings how many times λ was doubled
 * @param rowSum r, the Gram matrix's largest row sum
 */
public record KrrWeights(double[] alpha, double requestedLambda, double lambda, int doublings, double rowSum) {
    /** Upper bound on doublings; never reached for finite K̃ (λ &gt; 2r ends the loop). */
    public static final int MAX_DOUBLINGS = 200;

    /** Solves with the positivity guard. */
    public static KrrWeights guarded(double[][] gram, double lambda) {
        return solve(gram, lambda, true);
    }

    /** Solves once, without the guard: some α_j may be &le; 0 (for analysis and tests of the unguarded estimate). */
    public static KrrWeights unguarded(double[][] gram, double lambda) {
        return solve(gram, lambda, false);
    }

    private static KrrWeights solve(double[][] gram, double lambda, boolean guard) {
        KernelMath.requirePositive(lambda, "ridge lambda");
        int n = gram.length;
        double[][] ones = new double[n][1];
        for (double[] o : ones) {
            o[0] = 1;
        }
        double r = KernelMath.maxRowSum(gram);
        double lam = lambda;
        for (int d = 0; d <= MAX_DOUBLINGS; d++) {
            double[] alpha = null;
            try {
                double[][] x = KernelMath.ridgeSolve(gram, lam, ones);
                alpha = new double[n];
                for (int i = 0; i < n; i++) {
                    alpha[i] = x[i][0];
                }
            } catch (ArithmeticException e) {
                if (!guard) {
                    throw e;
                }
            }
            if (alpha != null && (!guard || min(alpha) > 0)) {
                return new KrrWeights(alpha, lambda, lam, d, r);
            }
            lam *= 2;
        }
        throw new IllegalStateException("the KRR positivity guard did not find a lambda with positive weights "
                + "(started at " + lambda + ", largest row sum " + r + "); the Gram matrix is not finite");
    }

    /** min_j α_j. */
    public double minAlpha() {
        return min(alpha);
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
