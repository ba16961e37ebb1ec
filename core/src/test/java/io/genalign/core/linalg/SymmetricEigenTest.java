package io.genalign.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    private static final double TOL = Tolerances.EIGEN_RTOL;

    @Test
    void twoByTwoMatchesClosedForm() {
        double a = 2.5, b = -1.25, c = 0.75;
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{a, b}, {b, c}});
        // naive reference: roots of l^2 - (a + c) l + (a c - b^2)
        double mid = (a + c) / 2, rad = Math.sqrt((a - c) * (a - c) / 4 + b * b);
        assertEquals(mid - rad, e.values()[0], TOL * 4);
        assertEquals(mid + rad, e.values()[1], TOL * 4);
    }

    @Test
    void recoversPrescribedSpectrumOfRandomOrthogonalConjugate() {
        Random rnd = new Random(GenalignTestBase.SEED);
        int n = 12;
        double[][] q = randomOrthogonal(n, rnd);
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) {
            spectrum[i] = i < 3 ? 0.0 : (i - 6) * 0.7 + 1e-3 * i; // zeros (singular), negatives, positives
        }
        double[][] a = conjugate(q, spectrum);
        SymmetricEigen e = SymmetricEigen.of(a);
        double[] expected = spectrum.clone();
        Arrays.sort(expected);
        double[] got = e.values();
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], got[i], TOL * 10, "eigenvalue " + i);
        }
        // residuals A v = l v and orthonormality against the naive product
        double[][] v = e.vectors();
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i][k] * v[k][j];
                }
                assertEquals(got[j] * v[i][j], av, TOL * 10, "residual (" + i + ", " + j + ")");
            }
            for (int k = 0; k < n; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i][j] * v[i][k];
                }
                assertEquals(j == k ? 1.0 : 0.0, dot, TOL * 10);
            }
        }
    }

    @Test
    void sqrtPsdSquaresBackAndClipsRoundingNegatives() {
        Random rnd = new Random(GenalignTestBase.SEED + 1);
        int n = 8;
        double[][] q = randomOrthogonal(n, rnd);
        double[] spectrum = {0, 0, 1e-300, 0.5, 1, 2, 3, 9};
        double[][] a = conjugate(q, spectrum);
        double[][] r = SymmetricEigen.sqrtPsd(a);
        double[][] rr = SymmetricEigen.multiply(r, r);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(a[i][j], rr[i][j], 1e-12, "(" + i + ", " + j + ")");
                assertEquals(r[i][j], r[j][i], 0.0);
            }
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += r[i][i];
        }
        assertEquals(Math.sqrt(0.5) + 1 + Math.sqrt(2) + Math.sqrt(3) + 3, trace, 1e-12);
    }

    @Test
    void diagonalAndEmptyMatrices() {
        assertEquals(0, SymmetricEigen.of(new double[0][0]).values().length);
        double[] v = SymmetricEigen.of(new double[][] {{3, 0, 0}, {0, -1, 0}, {0, 0, 2}}).values();
        assertTrue(Arrays.equals(new double[] {-1, 2, 3}, v), Arrays.toString(v));
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, 2}, {2}}));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, Double.NaN}, {0, 1}}));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    static double[][] randomOrthogonal(int n, Random rnd) {
        double[][] cols = new double[n][n]; // cols[j] is column j
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                cols[j][i] = rnd.nextGaussian();
            }
            for (int r = 0; r < 2; r++) { // Gram-Schmidt, twice for accuracy
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += cols[j][i] * cols[k][i];
                    }
                    for (int i = 0; i < n; i++) {
                        cols[j][i] -= dot * cols[k][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += cols[j][i] * cols[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                cols[j][i] /= norm;
            }
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = cols[j][i];
            }
        }
        return q;
    }

    static double[][] conjugate(double[][] q, double[] spectrum) {
        int n = spectrum.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i][k] * spectrum[k] * q[j][k];
                }
                a[i][j] = s;
            }
        }
        return a;
    }
}
