package io.genalign.core.linalg;

import java.util.Arrays;
import java.util.Objects;

/**
 * Eigendecomposition {@code A = V diag(lambda) V^T} of a real symmetric matrix by the cyclic Jacobi method, in
 * plain Java double precision.
 *
 * <p>Conventions: eigenvalues are returned in ascending order; column {@code j} of {@link #vectors()} is the unit
 * eigenvector of {@code values()[j]}; the input is symmetrised as {@code (A + A^T) / 2} first, so rounding
 * asymmetry of a product such as {@code B C B} does not matter. Sweeps of plane rotations (Rutishauser's stable
 * formulas) run until the off-diagonal Frobenius norm is below {@code 1e-15} times the matrix's Frobenius norm
 * (at most {@value #MAX_SWEEPS} sweeps, ample: Jacobi converges quadratically). Jacobi is chosen for its
 * accuracy on small eigenvalues of positive semi-definite matrices; its cost is about {@code 10 n^3} flops per
 * sweep, which is seconds for n of a few hundred.
 *
 * <p>Edge cases: a 0 x 0 matrix gives empty results; a non-square, ragged or non-finite input throws
 * {@link IllegalArgumentException} naming the problem.
 */
public final class SymmetricEigen {
    /** Upper bound on Jacobi sweeps; convergence normally takes 6 to 10. */
    public static final int MAX_SWEEPS = 60;
    /** Relative off-diagonal threshold at which the iteration stops. */
    public static final double RELATIVE_TOLERANCE = 1e-15;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes the symmetric matrix {@code a} (not modified). */
    public static SymmetricEigen of(double[][] a) {
        int n = requireSquareFinite(a, "matrix");
        double[][] m = new double[n][n];
        double[][] v = new double[n][n];
        diagonalise(a, m, v);
        // sort ascending
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final double[][] mm = m;
        Arrays.sort(order, (x, y) -> Double.compare(mm[x][x], mm[y][y]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int j = 0; j < n; j++) {
            values[j] = m[order[j]][order[j]];
            for (int i = 0; i < n; i++) {
                vectors[i][j] = v[i][order[j]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * The Jacobi iteration itself, without allocating (for hot loops over many small matrices): writes
     * {@code (A + A^T)/2} into {@code m} and rotates it to diagonal form in place, accumulating the rotations in
     * {@code v} (set to the identity first), so that {@code A = v diag(m) v^T}; the diagonal is not sorted. No input
     * checks: {@code a}, {@code m} and {@code v} are n x n and {@code a} is finite. {@link #of} is this plus
     * checks and an ascending (stable) sort.
     */
    public static void diagonalise(double[][] a, double[][] m, double[][] v) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = 0.5 * (a[i][j] + a[j][i]);
                v[i][j] = i == j ? 1.0 : 0.0;
            }
        }
        double total = frobeniusSq(m);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = offDiagonalSq(m);
            if (off <= RELATIVE_TOLERANCE * RELATIVE_TOLERANCE * total || off == 0.0) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(m, v, p, q);
                }
            }
        }
    }

    /** Zeroes m[p][q] by the rotation J (J_pp = J_qq = c, J_pq = s, J_qp = -s): m := J^T m J, v := v J. */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double apq = m[p][q];
        if (apq == 0.0) {
            return;
        }
        double app = m[p][p];
        double aqq = m[q][q];
        double tau = (aqq - app) / (2.0 * apq);
        double t = (tau >= 0 ? 1.0 : -1.0) / (Math.abs(tau) + Math.sqrt(1.0 + tau * tau));
        if (Double.isInfinite(tau)) {
            t = 0.0; // |apq| negligible next to the diagonal gap
        }
        double c = 1.0 / Math.sqrt(1.0 + t * t);
        double s = t * c;
        int n = m.length;
        for (int k = 0; k < n; k++) { // columns: m := m J
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) { // rows: m := J^T m
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
        }
        m[p][q] = 0.0;
        m[q][p] = 0.0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    /** Eigenvalues, ascending (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** Eigenvectors as columns, in the order of {@link #values()} (a copy). */
    public double[][] vectors() {
        return copy(vectors);
    }

    /**
     * {@code V diag(f(lambda)) V^T} for a function of the eigenvalues, e.g. the principal square root of a
     * positive semi-definite matrix with {@code f = l -> Math.sqrt(Math.max(l, 0))}.
     */
    public double[][] reconstruct(java.util.function.DoubleUnaryOperator f) {
        Objects.requireNonNull(f, "f");
        int n = values.length;
        double[] fl = new double[n];
        for (int j = 0; j < n; j++) {
            fl[j] = f.applyAsDouble(values[j]);
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = i; k < n; k++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += vectors[i][j] * fl[j] * vectors[k][j];
                }
                out[i][k] = s;
                out[k][i] = s;
            }
        }
        return out;
    }

    /**
     * The rounding level of the computed eigenvalues, {@code n * ulp(1) * max_k |lambda_k|}: an eigenvalue whose
     * magnitude is below it cannot be told apart from 0 (the exact zeros of a singular matrix come out as
     * +-1e-16-sized noise, whose square roots would be 1e-8-sized errors).
     */
    public double noiseFloor() {
        double max = 0;
        for (double l : values) {
            max = Math.max(max, Math.abs(l));
        }
        return values.length * Math.ulp(1.0) * max;
    }

    /**
     * {@code sqrt(lambda)} for an eigenvalue of a matrix meant to be positive semi-definite, with values at or
     * below {@link #noiseFloor()} (including rounding negatives) taken as 0.
     */
    public double psdSqrt(double lambda) {
        return lambda <= noiseFloor() ? 0.0 : Math.sqrt(lambda);
    }

    /**
     * Principal square root {@code V diag(sqrt(lambda)) V^T} of a symmetric positive semi-definite matrix;
     * eigenvalues at or below the {@link #noiseFloor()} (rounding of a singular matrix, including small
     * negatives) are taken as 0.
     */
    public static double[][] sqrtPsd(double[][] a) {
        SymmetricEigen e = of(a);
        double floor = e.noiseFloor();
        return e.reconstruct(l -> l <= floor ? 0.0 : Math.sqrt(l));
    }

    /** Checks that {@code a} is a finite square matrix and returns its order. */
    public static int requireSquareFinite(double[][] a, String what) {
        Objects.requireNonNull(a, what);
        int n = a.length;
        for (int i = 0; i < n; i++) {
            if (a[i] == null || a[i].length != n) {
                throw new IllegalArgumentException(what + " must be square: row " + i + " has "
                        + (a[i] == null ? "no" : String.valueOf(a[i].length)) + " entries, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException(what + " has a non-finite entry " + a[i][j] + " at ("
                            + i + ", " + j + ")");
                }
            }
        }
        return n;
    }

    /** Plain matrix product (row-major arrays). */
    public static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = k == 0 ? 0 : b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            if (a[i].length != k) {
                throw new IllegalArgumentException("cannot multiply: row " + i + " of the left matrix has "
                        + a[i].length + " entries, the right matrix has " + k + " rows");
            }
            for (int l = 0; l < k; l++) {
                double ail = a[i][l];
                double[] bl = b[l];
                for (int j = 0; j < m; j++) {
                    out[i][j] += ail * bl[j];
                }
            }
        }
        return out;
    }

    private static double frobeniusSq(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double x : row) {
                s += x * x;
            }
        }
        return s;
    }

    private static double offDiagonalSq(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    s += m[i][j] * m[i][j];
                }
            }
        }
        return s;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
