package io.genalign.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FidTest extends GenalignTestBase {
    private static final double TOL = Tolerances.METRIC_RTOL;

    @Test
    void oneDimensionalClosedForm() {
        // 1-D: d = (m1 - m2)^2 + (sqrt s1 - sqrt s2)^2
        GaussianFit a = new GaussianFit(new double[] {1.5}, new double[][] {{4.0}}, 10);
        GaussianFit b = new GaussianFit(new double[] {-0.5}, new double[][] {{0.25}}, 10);
        assertEquals(4.0 + 1.5 * 1.5, Fid.distance(a, b), TOL * 10);
    }

    @Test
    void commutingDiagonalCovariances() {
        // diagonal: d = |dm|^2 + sum_i (sqrt a_i - sqrt b_i)^2 ; a zero variance makes S1 singular
        GaussianFit a = new GaussianFit(new double[] {0, 0, 0}, diag(1, 9, 0), 5);
        GaussianFit b = new GaussianFit(new double[] {1, 2, 2}, diag(4, 1, 16), 5);
        double expected = 9 + 1 + 4 + 16;
        assertEquals(expected, Fid.distance(a, b), expected * TOL * 10);
        assertEquals(expected, Fid.distance(b, a), expected * TOL * 10);
    }

    @Test
    void identicalAndTranslatedSingularFits() {
        Random rnd = new Random(SEED);
        double[][] x = gaussianRows(rnd, 5, 16); // n < F: covariance of rank 4
        GaussianFit fx = GaussianFit.of(x);
        assertEquals(0.0, Fid.distance(fx, fx), 1e-10);
        double[] shift = new double[16];
        double sq = 0;
        double[][] y = new double[5][16];
        for (int j = 0; j < 16; j++) {
            shift[j] = 0.1 * (j - 8);
            sq += shift[j] * shift[j];
        }
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 16; j++) {
                y[i][j] = x[i][j] + shift[j];
            }
        }
        assertEquals(sq, Fid.distance(fx, GaussianFit.of(y)), 1e-10);
    }

    @Test
    void ndArrayFitEqualsArrayFit() {
        Random rnd = new Random(SEED + 2);
        double[][] x = gaussianRows(rnd, 7, 3);
        double[] flat = new double[21];
        for (int i = 0; i < 7; i++) {
            System.arraycopy(x[i], 0, flat, i * 3, 3);
        }
        NDArray arr = manager.create(flat, new Shape(7, 3));
        assertEquals(GaussianFit.of(x), GaussianFit.of(arr));
        GaussianFit f32 = GaussianFit.of(arr.toType(DataType.FLOAT32, false));
        assertEquals(x[0][0], x[0][0]);
        assertEquals(GaussianFit.of(x).cov()[1][2], f32.cov()[1][2], 1e-5);
    }

    @Test
    void unbiasedCovarianceByHand() {
        // rows (0,0), (2,2), (4,-2): mean (2, 0); centred (-2,0), (0,2), (2,-2)
        // cov = [[4+0+4, 0+0-4], [-4, 0+4+4]] / (3 - 1) = [[4, -2], [-2, 4]]
        GaussianFit f = GaussianFit.of(new double[][] {{0, 0}, {2, 2}, {4, -2}});
        assertEquals(2.0, f.mean()[0], 0.0);
        assertEquals(0.0, f.mean()[1], 0.0);
        assertEquals(4.0, f.cov()[0][0], 1e-15);
        assertEquals(-2.0, f.cov()[0][1], 1e-15);
        assertEquals(4.0, f.cov()[1][1], 1e-15);
        assertEquals(3, f.n());
    }

    @Test
    void rejectsBadInputWithClearMessages() {
        assertMessage(() -> GaussianFit.of(new double[][] {{1, Double.NaN}, {2, 3}}), "non-finite");
        assertMessage(() -> GaussianFit.of(new double[][] {{1, Double.POSITIVE_INFINITY}, {2, 3}}), "non-finite");
        assertMessage(() -> GaussianFit.of(new double[][] {{1, 2}}), "at least 2");
        assertMessage(() -> GaussianFit.of(new double[][] {{1, 2}, {3}}), "ragged");
        assertMessage(() -> new GaussianFit(new double[] {0, 0}, diag(1, 1, 1), 4), "length 2");
        assertMessage(() -> new GaussianFit(new double[] {0, 0}, new double[][] {{1, 0.5}, {0, 1}}, 4),
                "not symmetric");
        GaussianFit two = new GaussianFit(new double[] {0, 0}, diag(1, 1), 4);
        GaussianFit three = new GaussianFit(new double[] {0, 0, 0}, diag(1, 1, 1), 4);
        assertMessage(() -> Fid.distance(two, three), "F = 2");
        assertMessage(() -> GaussianFit.of(manager.create(new double[] {1, 2, 3})), "(B, F)");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), "message '" + ex.getMessage() + "' should mention " + part);
    }

    static double[][] diag(double... d) {
        double[][] m = new double[d.length][d.length];
        for (int i = 0; i < d.length; i++) {
            m[i][i] = d[i];
        }
        return m;
    }

    static double[][] gaussianRows(Random rnd, int n, int f) {
        double[][] x = new double[n][f];
        for (double[] row : x) {
            for (int j = 0; j < f; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return x;
    }
}
