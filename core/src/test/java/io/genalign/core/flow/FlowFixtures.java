package io.genalign.core.flow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.genalign.core.model.Condition;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import java.util.Map;
import java.util.Random;

/** Test fixtures for the flow: float64 point sets, autodiff scores, linear generators, identity features. */
final class FlowFixtures {
    private FlowFixtures() {}

    /** Points (n, d) as a (n, 1, d) float64 feature tensor. */
    static NDArray features(NDManager m, double[][] pts) {
        return rows(m, pts).expandDims(1);
    }

    /** Points (n, d) as a (n, d) float64 array. */
    static NDArray rows(NDManager m, double[][] pts) {
        int n = pts.length;
        int d = pts[0].length;
        double[] flat = new double[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pts[i], 0, flat, i * d, d);
        }
        return m.create(flat, new Shape(n, d));
    }

    static double[][] toRows(NDArray a) {
        int n = (int) a.getShape().get(0);
        double[] flat = a.toType(DataType.FLOAT64, false).toDoubleArray();
        int d = flat.length / n;
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }

    /** The score ∇ U at the queries by autodiff of the fit's potential (copy 0 of one-copy queries). */
    static double[][] score(NDManager m, ScoreFit fit, double[][] queries, boolean self) {
        try (NDManager sm = m.newSubManager()) {
            NDArray q = features(sm, queries);
            q.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(fit.potential(q, self).sum());
            }
            return toRows(q.getGradient().reshape(queries.length, queries[0].length));
        }
    }

    /** The potential values at the queries. */
    static double[] potential(NDManager m, ScoreFit fit, double[][] queries, boolean self) {
        try (NDManager sm = m.newSubManager()) {
            return fit.potential(features(sm, queries), self).toDoubleArray();
        }
    }

    static double[][] gaussian(Random r, int n, int d, double mean, double std) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = mean + std * r.nextGaussian();
            }
        }
        return x;
    }

    /** The closed-form estimate score Σ α_j k(x, y_j)(y_j − x)/h² / Σ α_j k(x, y_j) (identity features). */
    static double[] closedFormScore(double[] x, double[][] y, double[] alpha, double h) {
        double den = 0;
        double[] num = new double[x.length];
        for (int j = 0; j < y.length; j++) {
            double k = alpha[j] * Math.exp(-KernelMath.squaredDistance(x, y[j]) / (2 * h * h));
            den += k;
            for (int c = 0; c < x.length; c++) {
                num[c] += k * (y[j][c] - x[c]) / (h * h);
            }
        }
        for (int c = 0; c < x.length; c++) {
            num[c] /= den;
        }
        return num;
    }

    static double maxAbsDiff(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < a[i].length; c++) {
                m = Math.max(m, Math.abs(a[i][c] - b[i][c]));
            }
        }
        return m;
    }

    static Condition condition(int n) {
        return Condition.repeat("x", 0, n);
    }

    /** G(z) = A z + b on vectors: latents (B, d), images (B, d). */
    static final class LinearGenerator implements Generator {
        private final double[][] a;
        private final double[] b;

        LinearGenerator(double[][] a, double[] b) {
            this.a = a;
            this.b = b;
        }

        static LinearGenerator identity(int d) {
            double[][] a = new double[d][d];
            for (int i = 0; i < d; i++) {
                a[i][i] = 1;
            }
            return new LinearGenerator(a, new double[d]);
        }

        @Override
        public Shape latentShape() {
            return new Shape(a[0].length);
        }

        @Override
        public Shape imageShape() {
            return new Shape(a.length);
        }

        @Override
        public NDArray generate(NDArray latents, Condition condition) {
            NDManager m = latents.getManager();
            NDArray at = rows(m, a).transpose().toType(latents.getDataType(), false);
            NDArray bias = m.create(b).toType(latents.getDataType(), false);
            return latents.matMul(at).add(bias);
        }
    }

    /** φ(x) = x for (B, d) "images". */
    static final class IdentityFeatures implements FeatureExtractor {
        private final int d;

        IdentityFeatures(int d) {
            this.d = d;
        }

        @Override
        public String name() {
            return "identity";
        }

        @Override
        public int featureDim() {
            return d;
        }

        @Override
        public NDArray features(NDArray images) {
            return images.reshape(images.getShape().get(0), d);
        }
    }

    /** Figures map lookup that fails loudly. */
    static double figure(Map<String, Double> m, String k) {
        Double v = m.get(k);
        if (v == null) {
            throw new AssertionError("missing figure " + k + " in " + m);
        }
        return v;
    }
}
