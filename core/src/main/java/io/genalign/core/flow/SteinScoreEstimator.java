package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Stein gradient estimator (Li &amp; Turner, ICLR 2018) at its own samples: with K_ik = k(y_i, y_k) (Gaussian,
 * bandwidth h, copy 0 of the features: no mollifier),
 * {@code Ĝ = −(K + νI)^-1 ⟨∇, K⟩}, {@code ⟨∇, K⟩_i = Σ_k K_ik (y_i − y_k)/h²}; row i estimates ∇ log q(y_i). ν is the
 * Stein ridge. It gives scores only at the samples, so the potential requires {@code queriesAreSamples} and is
 * {@code U_i = φ_i · sg(Ĝ_i)} (its gradient with respect to φ_i is Ĝ_i). As ν → ∞, Ĝ turns toward the KDE score
 * and shrinks like 1/ν. No self term is involved (the estimator is not a density).
 */
public final class SteinScoreEstimator implements ScoreEstimator {
    private final Bandwidth bandwidth;
    private final double nu;

    private SteinScoreEstimator(Builder b) {
        this.bandwidth = b.bandwidth;
        this.nu = b.nu;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "stein";
    }

    @Override
    public Mollifier mollifier() {
        return Mollifier.NONE;
    }

    @Override
    public Fit fit(NDArray sampleFeatures) {
        KernelMath.requireFeatures(sampleFeatures, "sample features");
        double[][][] y = KernelMath.toJava(sampleFeatures);
        int n = y.length;
        int f = y[0][0].length;
        double h = bandwidth.resolve(y);
        double[][][] first = new double[n][1][];
        for (int i = 0; i < n; i++) {
            first[i][0] = y[i][0];
        }
        double[][] k = KernelMath.gram(first, h);
        double[][] div = new double[n][f];
        double inv = 1.0 / (h * h);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double kij = k[i][j];
                for (int c = 0; c < f; c++) {
                    div[i][c] += kij * (first[i][0][c] - first[j][0][c]) * inv;
                }
            }
        }
        double[][] g = KernelMath.ridgeSolve(k, nu, div);
        for (double[] row : g) {
            for (int c = 0; c < f; c++) {
                row[c] = -row[c];
            }
        }
        Map<String, Double> diag = new LinkedHashMap<>();
        diag.put("bandwidth", h);
        diag.put("stein_nu", nu);
        return new Fit(g, h, diag);
    }

    /** A fitted Stein estimate. */
    public static final class Fit extends BaseFit {
        private final double[][] scores;

        Fit(double[][] scores, double h, Map<String, Double> diagnostics) {
            super(h, diagnostics);
            this.scores = scores;
        }

        /** Ĝ, one row per sample (copy 0 feature space). */
        public double[][] scores() {
            double[][] c = new double[scores.length][];
            for (int i = 0; i < c.length; i++) {
                c[i] = scores[i].clone();
            }
            return c;
        }

        @Override
        public NDArray potential(NDArray queries, boolean queriesAreSamples) {
            KernelMath.requireFeatures(queries, "query features");
            int b = (int) queries.getShape().get(0);
            int f = (int) queries.getShape().get(2);
            if (!queriesAreSamples || b != scores.length || f != scores[0].length) {
                throw new IllegalArgumentException("the Stein estimator scores only its own " + scores.length
                        + " samples; it cannot be evaluated at other points (use it for the particle score)");
            }
            double[] flat = new double[b * f];
            for (int i = 0; i < b; i++) {
                System.arraycopy(scores[i], 0, flat, i * f, f);
            }
            NDArray g = queries.getManager().create(flat, new Shape(b, f)).toType(queries.getDataType(), false);
            NDArray first = queries.get(":, 0, :");
            return first.mul(g).sum(new int[] {1});
        }
    }

    /** Builder; every setting optional. */
    public static final class Builder {
        private Bandwidth bandwidth = Bandwidth.median();
        private double nu = FlowDefaults.STEIN_NU;

        public Builder optBandwidth(Bandwidth b) {
            this.bandwidth = Objects.requireNonNull(b, "bandwidth");
            return this;
        }

        /** The Stein ridge ν &gt; 0. */
        public Builder optNu(double nu) {
            KernelMath.requirePositive(nu, "Stein ridge nu");
            this.nu = nu;
            return this;
        }

        public SteinScoreEstimator build() {
            return new SteinScoreEstimator(this);
        }
    }
}
