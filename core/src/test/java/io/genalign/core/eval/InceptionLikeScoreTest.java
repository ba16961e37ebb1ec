package io.genalign.core.eval;

import static io.genalign.core.eval.FidTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import org.junit.jupiter.api.Test;

class InceptionLikeScoreTest extends GenalignTestBase {
    private static final double TOL = Tolerances.METRIC_RTOL;

    @Test
    void uniformPredictionsScoreOne() {
        double[][] p = new double[6][4];
        for (double[] row : p) {
            java.util.Arrays.fill(row, 0.25);
        }
        assertEquals(1.0, InceptionLikeScore.score(p), TOL);
    }

    @Test
    void balancedOneHotOverKClassesScoresK() {
        int k = 5;
        double[][] p = new double[3 * k][k];
        for (int i = 0; i < p.length; i++) {
            p[i][i % k] = 1.0;
        }
        assertEquals(k, InceptionLikeScore.score(p), k * TOL);
        // three splits of 5 rows, each balanced: every split scores K, sd 0
        InceptionLikeScore.Result r = InceptionLikeScore.score(p, 3);
        assertEquals(k, r.mean(), k * TOL);
        assertEquals(0.0, r.sd(), k * TOL);
    }

    @Test
    void twoByTwoByHand() {
        // rows p1 = (1, 0), p2 = (1/2, 1/2); marginal = (3/4, 1/4)
        // KL(p1 || m) = 1 ln(1 / (3/4))               = ln(4/3)
        // KL(p2 || m) = 1/2 ln(2/3) + 1/2 ln(2)       = 1/2 ln(4/3)
        // mean KL     = (ln(4/3) + 1/2 ln(4/3)) / 2   = 3/4 ln(4/3) = 0.21576155433883565...
        // IS          = exp(3/4 ln(4/3)) = (4/3)^(3/4) = 1.2408064788027995...
        double[][] p = {{1.0, 0.0}, {0.5, 0.5}};
        assertEquals(Math.pow(4.0 / 3.0, 0.75), InceptionLikeScore.score(p), TOL);
        assertEquals(1.2408064788027995, InceptionLikeScore.score(p), 1e-15);
        // same via an NDArray (float64)
        assertEquals(1.2408064788027995,
                InceptionLikeScore.score(manager.create(new double[] {1, 0, 0.5, 0.5}, new Shape(2, 2))), 1e-15);
    }

    @Test
    void splitsGiveMeanAndPopulationSd() {
        // split 0 = the 2x2 hand case (score (4/3)^(3/4)); split 1 = two identical rows (score 1)
        double[][] p = {{1.0, 0.0}, {0.5, 0.5}, {0.3, 0.7}, {0.3, 0.7}};
        InceptionLikeScore.Result r = InceptionLikeScore.score(p, 2);
        double a = Math.pow(4.0 / 3.0, 0.75);
        assertArrayEquals(new double[] {a, 1.0}, r.perSplit(), TOL);
        assertEquals((a + 1) / 2, r.mean(), TOL);
        assertEquals((a - 1) / 2, r.sd(), TOL);
    }

    @Test
    void rejectsInvalidRows() {
        assertMessage(() -> InceptionLikeScore.score(new double[][] {{0.5, 0.5}, {1.2, -0.2}}), "negative");
        assertMessage(() -> InceptionLikeScore.score(new double[][] {{0.5, 0.5}, {0.5, 0.4}}), "row 1 sums to");
        assertMessage(() -> InceptionLikeScore.score(new double[][] {{Double.NaN, 1}}), "non-finite");
        assertMessage(() -> InceptionLikeScore.score(new double[][] {{0.5, 0.5}, {1.0}}), "row 1 has 1 classes");
        assertMessage(() -> InceptionLikeScore.score(new double[][] {{0.5, 0.5}}, 2), "into 2 splits");
        assertMessage(() -> InceptionLikeScore.score(new double[0][]), "empty");
    }
}
