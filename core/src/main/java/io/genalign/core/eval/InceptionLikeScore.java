package io.genalign.core.eval;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * The Inception-Score-like score of a set of class-probability rows {@code p(y|x_i)}:
 * {@code IS = exp( (1/n) sum_i KL(p(y|x_i) || p(y)) )} with the marginal {@code p(y) = (1/n) sum_i p(y|x_i)}
 * and {@code KL(p || q) = sum_y p_y ln(p_y / q_y)}, where terms with {@code p_y = 0} count 0.
 *
 * <p>It ranges from 1 (every row equal to the marginal, e.g. uniform predictions) to K (confident one-hot
 * predictions spread evenly over K classes). With {@code splits > 1} the rows are cut into that many
 * contiguous parts of sizes differing by at most one (part s holds rows {@code [s n / k, (s+1) n / k)}, as in
 * the original Inception Score code), the score is computed per part, and the result is the mean and the
 * population standard deviation (divide by the number of splits) of the per-part scores.
 *
 * <p>Rows must be finite, non-negative and sum to 1 within {@value #SUM_TOLERANCE}; violations, fewer rows
 * than splits, or splits &lt; 1 throw {@link IllegalArgumentException} naming the row.
 */
public final class InceptionLikeScore {
    /** Allowed |sum_y p(y|x) - 1| for a row. */
    public static final double SUM_TOLERANCE = 1e-6;

    private InceptionLikeScore() {}

    /** Mean and population standard deviation over splits, and the per-split scores. */
    public record Result(double mean, double sd, double[] perSplit) {
        public Result {
            perSplit = perSplit.clone();
        }

        @Override
        public double[] perSplit() {
            return perSplit.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && Double.compare(mean, r.mean) == 0 && Double.compare(sd, r.sd) == 0
                    && Arrays.equals(perSplit, r.perSplit);
        }

        @Override
        public int hashCode() {
            return Double.hashCode(mean) * 31 + Arrays.hashCode(perSplit);
        }

        @Override
        public String toString() {
            return "IS " + mean + " +- " + sd + " over " + perSplit.length + " split(s)";
        }
    }

    /** The score over all rows at once (one split). */
    public static double score(double[][] probabilities) {
        validate(probabilities);
        return scoreOfRange(probabilities, 0, probabilities.length);
    }

    /** The score of a (B, K) probability array (one split). */
    public static double score(NDArray probabilities) {
        return score(FeatureRows.fromArray(probabilities, "probabilities"));
    }

    /** Mean and standard deviation of the score over {@code splits} contiguous parts. */
    public static Result score(double[][] probabilities, int splits) {
        validate(probabilities);
        int n = probabilities.length;
        if (splits < 1) {
            throw new IllegalArgumentException("splits must be at least 1, got " + splits);
        }
        if (splits > n) {
            throw new IllegalArgumentException("cannot cut " + n + " rows into " + splits + " splits");
        }
        double[] per = new double[splits];
        for (int s = 0; s < splits; s++) {
            int from = (int) ((long) s * n / splits);
            int to = (int) ((long) (s + 1) * n / splits);
            per[s] = scoreOfRange(probabilities, from, to);
        }
        double mean = Arrays.stream(per).average().orElseThrow();
        double var = 0;
        for (double v : per) {
            var += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(var / splits), per);
    }

    /** Mean and standard deviation over splits for a (B, K) probability array. */
    public static Result score(NDArray probabilities, int splits) {
        return score(FeatureRows.fromArray(probabilities, "probabilities"), splits);
    }

    private static double scoreOfRange(double[][] p, int from, int to) {
        int k = p[0].length;
        int n = to - from;
        double[] marginal = new double[k];
        for (int i = from; i < to; i++) {
            for (int y = 0; y < k; y++) {
                marginal[y] += p[i][y];
            }
        }
        for (int y = 0; y < k; y++) {
            marginal[y] /= n;
        }
        double klSum = 0;
        for (int i = from; i < to; i++) {
            double kl = 0;
            for (int y = 0; y < k; y++) {
                double py = p[i][y];
                if (py > 0) {
                    kl += py * Math.log(py / marginal[y]);
                }
            }
            klSum += kl;
        }
        return Math.exp(klSum / n);
    }

    private static void validate(double[][] p) {
        if (p == null || p.length == 0) {
            throw new IllegalArgumentException("probabilities are empty (0 rows)");
        }
        int k = -1;
        for (int i = 0; i < p.length; i++) {
            double[] row = p[i];
            if (row == null) {
                throw new IllegalArgumentException("probability row " + i + " is null");
            }
            if (k < 0) {
                k = row.length;
                if (k == 0) {
                    throw new IllegalArgumentException("probability rows have 0 classes");
                }
            } else if (row.length != k) {
                throw new IllegalArgumentException("probability row " + i + " has " + row.length
                        + " classes, row 0 has " + k);
            }
            double sum = 0;
            for (int y = 0; y < k; y++) {
                double v = row[y];
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("probability row " + i + " has a non-finite value " + v
                            + " at class " + y);
                }
                if (v < 0) {
                    throw new IllegalArgumentException("probability row " + i + " has a negative value " + v
                            + " at class " + y);
                }
                sum += v;
            }
            if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("probability row " + i + " sums to " + sum
                        + ", not 1 (tolerance " + SUM_TOLERANCE + ")");
            }
        }
    }
}
