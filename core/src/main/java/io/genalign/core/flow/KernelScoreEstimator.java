package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Kernel score estimators on the (mollified) Gaussian kernel: KRR (GMI's eq. 4) and KDE.
 *
 * <p>p̂(x) ∝ Σ_j α_j k̃(x, y_j) and ŝ(x) = ∇_x log p̂(x) = Σ_j α_j ∇k̃(x, y_j) / Σ_j α_j k̃(x, y_j), with α = 1 (KDE)
 * or α = (K̃ + λI)^-1 1 (KRR, no gradient, positivity guard of {@link KrrWeights} unless turned off). The
 * potential is computed as {@code log Σ_{j,m} (α_j / M) exp(a_{jm} − a*) + a*} with {@code a_{jm} = −‖φ_m(x) −
 * φ_m(y_j)‖²/(2h²)} and a* the (detached) largest a over the terms kept, so no exponent underflows. With the self
 * term excluded the query i must be sample i and at least two samples are needed. If the estimate at a query is
 * not positive (possible only without the guard, when some α_j &lt; 0) an {@link IllegalStateException} says so
 * instead of taking the log of a non-positive number.
 */
public final class KernelScoreEstimator implements ScoreEstimator {
    private static final double MASKED = -1e30;

    private final KernelWeights weights;
    private final Bandwidth bandwidth;
    private final Ridge ridge;
    private final Mollifier mollifier;
    private final boolean guard;

    private KernelScoreEstimator(Builder b) {
        this.weights = b.weights;
        this.bandwidth = b.bandwidth;
        this.ridge = b.ridge;
        this.mollifier = b.mollifier;
        this.guard = b.guard;
    }

    /** KRR with {@link FlowDefaults#RIDGE}, median bandwidth, no mollifier, the guard on. */
    public static Builder krr() {
        return new Builder(KernelWeights.KRR);
    }

    /** KDE (uniform weights), median bandwidth, no mollifier. */
    public static Builder kde() {
        return new Builder(KernelWeights.UNIFORM);
    }

    @Override
    public String name() {
        return (weights == KernelWeights.KRR ? "krr" : "kde") + (mollifier.isNone() ? "" : "-mollified");
    }

    @Override
    public Mollifier mollifier() {
        return mollifier;
    }

    public KernelWeights weights() {
        return weights;
    }

    @Override
    public Fit fit(NDArray sampleFeatures) {
        KernelMath.requireFeatures(sampleFeatures, "sample features");
        if (sampleFeatures.getShape().get(1) != mollifier.copies()) {
            throw new IllegalArgumentException("sample features carry " + sampleFeatures.getShape().get(1)
                    + " copies but the mollifier has " + mollifier.copies());
        }
        double[][][] y = KernelMath.toJava(sampleFeatures);
        double h = bandwidth.resolve(y);
        Map<String, Double> diag = new LinkedHashMap<>();
        diag.put("bandwidth", h);
        double[] alpha;
        if (weights == KernelWeights.KRR) {
            double[][] k = KernelMath.gram(y, h);
            double r = KernelMath.maxRowSum(k);
            double lambda = ridge.lambdaFor(r);
            KrrWeights w = guard ? KrrWeights.guarded(k, lambda) : KrrWeights.unguarded(k, lambda);
            alpha = w.alpha();
            diag.put("lambda_requested", w.requestedLambda());
            diag.put("lambda", w.lambda());
            diag.put("lambda_doublings", (double) w.doublings());
            diag.put("row_sum_r", r);
            diag.put("alpha_min", w.minAlpha());
        } else {
            alpha = new double[y.length];
            java.util.Arrays.fill(alpha, 1.0);
        }
        return new Fit(sampleFeatures.stopGradient(), alpha, h, diag);
    }

    /** A fitted kernel estimate. */
    public static final class Fit extends BaseFit {
        private final NDArray samples;
        private final double[] alpha;
        private final double h;

        Fit(NDArray samples, double[] alpha, double h, Map<String, Double> diagnostics) {
            super(h, diagnostics);
            this.samples = samples;
            this.alpha = alpha;
            this.h = h;
        }

        /** The weights α (ones for KDE). */
        public double[] alpha() {
            return alpha.clone();
        }

        @Override
        public NDArray potential(NDArray queries, boolean queriesAreSamples) {
            KernelMath.requireFeatures(queries, "query features");
            int b = (int) queries.getShape().get(0);
            int m = (int) queries.getShape().get(1);
            int n = alpha.length;
            if (queriesAreSamples && (b != n || n < 2)) {
                throw new IllegalArgumentException("excluding the self term needs the queries to be the " + n
                        + " samples (at least 2), got " + b + " queries");
            }
            NDManager mgr = queries.getManager();
            NDArray typed = samples.toType(queries.getDataType(), false);
            if (typed != samples) {
                typed.attach(mgr); // a converted copy of the fit's samples belongs to this call, not to the fit
            }
            NDArray d2 = KernelMath.squaredDistances(queries, typed);
            NDArray a = d2.transpose(1, 0, 2).reshape(b, (long) m * n).mul(Tensors.scalar(d2, -1.0 / (2 * h * h)));
            double[] w = new double[b * m * n];
            double[] mask = new double[b * m * n];
            for (int i = 0; i < b; i++) {
                for (int c = 0; c < m; c++) {
                    for (int j = 0; j < n; j++) {
                        int k = (i * m + c) * n + j;
                        boolean self = queriesAreSamples && i == j;
                        w[k] = self ? 0 : alpha[j] / m;
                        mask[k] = self ? MASKED : 0;
                    }
                }
            }
            Shape shape = new Shape(b, (long) m * n);
            NDArray wArr = mgr.create(w, shape).toType(a.getDataType(), false);
            NDArray kept = queriesAreSamples ? a.add(mgr.create(mask, shape).toType(a.getDataType(), false)) : a;
            NDArray top = kept.stopGradient().max(new int[] {1}, true);
            NDArray sum = kept.sub(top).exp().mul(wArr).sum(new int[] {1});
            double[] s = sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            for (int i = 0; i < s.length; i++) {
                if (!(s[i] > 0) || !Double.isFinite(s[i])) {
                    throw new IllegalStateException("the kernel density estimate at query " + i + " is " + s[i]
                            + " (not positive): some KRR weights are negative; raise lambda or keep the guard on");
                }
            }
            return sum.log().add(top.squeeze(1));
        }
    }

    /** Builder; every setting optional. */
    public static final class Builder {
        private final KernelWeights weights;
        private Bandwidth bandwidth = Bandwidth.median();
        private Ridge ridge = FlowDefaults.RIDGE;
        private Mollifier mollifier = Mollifier.NONE;
        private boolean guard = true;

        private Builder(KernelWeights weights) {
            this.weights = weights;
        }

        public Builder optBandwidth(Bandwidth b) {
            this.bandwidth = Objects.requireNonNull(b, "bandwidth");
            return this;
        }

        /** The KRR ridge (ignored by KDE). */
        public Builder optRidge(Ridge r) {
            this.ridge = Objects.requireNonNull(r, "ridge");
            return this;
        }

        public Builder optMollifier(Mollifier m) {
            this.mollifier = Objects.requireNonNull(m, "mollifier");
            return this;
        }

        /** Turns the positivity guard off (analysis only: the estimate may then be non-positive). */
        public Builder optPositivityGuard(boolean on) {
            this.guard = on;
            return this;
        }

        public KernelScoreEstimator build() {
            return new KernelScoreEstimator(this);
        }
    }
}
