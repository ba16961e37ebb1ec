package io.genalign.core.eval;

import static io.genalign.core.eval.FidTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import org.junit.jupiter.api.Test;

class DiversityTest extends GenalignTestBase {
    @Test
    void triangleByHand() {
        // points (0,0), (3,4), (0,4): distances 5, 4, 3 -> mean 4
        double[][] f = {{0, 0}, {3, 4}, {0, 4}};
        assertEquals(4.0, Diversity.meanPairwiseDistance(f), Tolerances.METRIC_RTOL);
        assertEquals(4.0, Diversity.meanPairwiseDistance(
                manager.create(new float[] {0, 0, 3, 4, 0, 4}, new Shape(3, 2))), 1e-6);
    }

    @Test
    void identicalRowsHaveZeroDiversity() {
        assertEquals(0.0, Diversity.meanPairwiseDistance(new double[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}}), 0.0);
    }

    @Test
    void rejectsBadInput() {
        assertMessage(() -> Diversity.meanPairwiseDistance(new double[][] {{1, 2}}), "at least 2");
        assertMessage(() -> Diversity.meanPairwiseDistance(new double[][] {{1, 2}, {Double.NaN, 0}}), "non-finite");
    }
}
