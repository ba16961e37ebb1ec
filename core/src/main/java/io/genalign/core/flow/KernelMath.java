package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.runtime.Tensors;

/**
 * The Gaussian-kernel arithmetic shared by the score estimators, on feature tensors of shape (n, M, F): n points,
 * M mollifier copies per point (M = 1 without a mollifier), F features.
 *
 * <ul>
 *   <li>{@code k(u, v) = exp(−‖u − v‖² / (2h²))};
 *   <li>mollified, two-sided: {@code k̃(x, y) = (1/M) Σ_m k(φ(x + ε_m), φ(y + ε'_m))}, copy m of x paired with copy
 *       m of y; on the diagonal two different copies of the same point are paired,
 *       {@code k̃(y, y) = (1/M) Σ_m k(φ(y + ε_m), φ(y + ε_{(m+1) mod M}))}, which is exactly 1 when M = 1;
 *   <li>squared distances by the expansion {@code ‖u‖² + ‖v‖² − 2 u·v}, clamped at 0.
 * </ul>
 * Everything here that returns Java arrays works on detached values (no gradient).
 */
public final class KernelMath {
    private KernelMath() {}

    /**
     * Squared distances between copy m of every query and copy m of every sample: queries (B, M, F), samples
     * (n, M, F), result (M, B, n). Differentiable with respect to both inputs.
     */
    public static NDArray squaredDistances(NDArray queries, NDArray samples) {
        requireFeatures(queries, "queries");
        requireFeatures(samples, "samples");
        if (queries.getShape().get(1) != samples.getShape().get(1)
                || queries.getShape().get(2) != samples.getShape().get(2)) {
            throw new IllegalArgumentException("queries " + queries.getShape() + " and samples " + samples.getShape()
                    + " must have the same copies and features");
        }
        NDArray q = queries.transpose(1, 0, 2);
        NDArray s = samples.transpose(1, 0, 2);
        // DJL puts a result in its first operand's manager: a view of long-lived samples (a data fit's) would put
        // every array derived from it there, one set per call; in the queries' manager they die with the step
        s.attach(queries.getManager());
        NDArray qq = q.mul(q).sum(new int[] {2}).expandDims(2);
        NDArray ss = s.mul(s).sum(new int[] {2}).expandDims(1);
        NDArray cross = q.batchMatMul(s.transpose(0, 2, 1));
        return qq.add(ss).sub(cross.mul(Tensors.scalar(cross, 2.0))).maximum(Tensors.scalar(cross, 0.0));
    }

    /** Checks a feature tensor of shape (n, M, F) with n, M, F &ge; 1 and a float type. */
    public static void requireFeatures(NDArray f, String what) {
        Shape s = f.getShape();
        if (s.dimension() != 3 || s.get(0) < 1 || s.get(1) < 1 || s.get(2) < 1) {
            throw new IllegalArgumentException(what + " must have shape (points, copies, features), got " + s);
        }
        if (!Tensors.isSupportedFloat(f.getDataType())) {
            throw new IllegalArgumentException(what + " must be float32 or float64, got " + f.getDataType());
        }
    }

    /** Detached float64 copy of a (n, M, F) feature tensor as [n][M][F]. */
    public static double[][][] toJava(NDArray features) {
        requireFeatures(features, "features");
        int n = (int) features.getShape().get(0);
        int m = (int) features.getShape().get(1);
        int f = (int) features.getShape().get(2);
        double[] flat = features.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        double[][][] out = new double[n][m][f];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < m; c++) {
                System.arraycopy(flat, (i * m + c) * f, out[i][c], 0, f);
            }
        }
        return out;
    }

    /** ‖u − v‖². */
    public static double squaredDistance(double[] u, double[] v) {
        double s = 0;
        for (int k = 0; k < u.length; k++) {
            double d = u[k] - v[k];
            s += d * d;
        }
        return s;
    }

    /**
     * The mollified Gram matrix K̃ (n x n) of the samples at bandwidth h (see the class comment for the pairing of
     * copies and the diagonal). Symmetric, entries in (0, 1].
     */
    public static double[][] gram(double[][][] samples, double h) {
        requirePositive(h, "bandwidth");
        int n = samples.length;
        int m = samples[0].length;
        double inv = 1.0 / (2 * h * h);
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            double diag = 0;
            for (int c = 0; c < m; c++) {
                diag += m == 1 ? 1.0 : Math.exp(-squaredDistance(samples[i][c], samples[i][(c + 1) % m]) * inv);
            }
            k[i][i] = diag / m;
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int c = 0; c < m; c++) {
                    s += Math.exp(-squaredDistance(samples[i][c], samples[j][c]) * inv);
                }
                k[i][j] = s / m;
                k[j][i] = k[i][j];
            }
        }
        return k;
    }

    /** r = max_j Σ_l K_jl, the largest row sum (the scale that λ is compared with). */
    public static double maxRowSum(double[][] k) {
        double r = 0;
        for (double[] row : k) {
            double s = 0;
            for (double v : row) {
                s += v;
            }
            r = Math.max(r, s);
        }
        return r;
    }

    /**
     * Solves (K + λI) X = B for symmetric positive semi-definite K and λ &gt; 0 by a Cholesky factorisation;
     * B is n x c (column-major use: {@code b[i][col]}). Throws {@link ArithmeticException} if K + λI is not
     * numerically positive definite.
     */
    public static double[][] ridgeSolve(double[][] k, double lambda, double[][] b) {
        int n = k.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = k[i][j] + (i == j ? lambda : 0);
                double[] li = l[i];
                double[] lj = l[j];
                for (int p = 0; p < j; p++) {
                    s -= li[p] * lj[p];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new ArithmeticException("K + lambda I is not positive definite at lambda = " + lambda);
                    }
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / lj[j];
                }
            }
        }
        int c = b[0].length;
        double[][] x = new double[n][c];
        for (int col = 0; col < c; col++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double s = b[i][col];
                for (int p = 0; p < i; p++) {
                    s -= l[i][p] * y[p];
                }
                y[i] = s / l[i][i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double s = y[i];
                for (int p = i + 1; p < n; p++) {
                    s -= l[p][i] * x[p][col];
                }
                x[i][col] = s / l[i][i];
            }
        }
        return x;
    }

    /** Median of the squared distances over pairs i &lt; j of copy 0 of the points (mean of the two middle values). */
    public static double medianSquaredDistance(double[][][] points) {
        int n = points.length;
        if (n < 2) {
            throw new IllegalArgumentException("the median heuristic needs at least 2 points, got " + n);
        }
        double[] d = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[k++] = squaredDistance(points[i][0], points[j][0]);
            }
        }
        java.util.Arrays.sort(d);
        int mid = d.length / 2;
        return d.length % 2 == 1 ? d[mid] : 0.5 * (d[mid - 1] + d[mid]);
    }

    static void requirePositive(double v, String what) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + v);
        }
    }
}
