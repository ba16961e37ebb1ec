package io.genalign.core.eval;

import ai.djl.ndarray.NDArray;

/**
 * Diversity of a set of feature vectors: the mean pairwise Euclidean distance
 * {@code (2 / (n (n-1))) sum_{i<j} ||f_i - f_j||_2} over all unordered pairs of distinct rows, in float64.
 *
 * <p>Identical rows give 0. Fewer than 2 rows, ragged rows or NaN/Inf values throw
 * {@link IllegalArgumentException}. Cost O(n^2 F).
 */
public final class Diversity {
    private Diversity() {}

    /** Mean pairwise distance of the rows of {@code features} (n x F, n &ge; 2). */
    public static double meanPairwiseDistance(double[][] features) {
        int f = FeatureRows.requireRectangularFinite(features, "features");
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("diversity needs at least 2 feature rows, got " + n);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double[] a = features[i];
            for (int j = i + 1; j < n; j++) {
                double[] b = features[j];
                double s = 0;
                for (int k = 0; k < f; k++) {
                    double d = a[k] - b[k];
                    s += d * d;
                }
                sum += Math.sqrt(s);
            }
        }
        return sum / ((double) n * (n - 1) / 2.0);
    }

    /** Mean pairwise distance of the rows of a (B, F) float array. */
    public static double meanPairwiseDistance(NDArray features) {
        return meanPairwiseDistance(FeatureRows.fromArray(features, "features"));
    }
}
