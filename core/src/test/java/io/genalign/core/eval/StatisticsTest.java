package io.genalign.core.eval;

import static io.genalign.core.testing.Tolerances.VECTOR_ATOL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTest {
    @Test
    void studentIntervalByHand() {
        // 1, 2, 3, 6: mean 3, s² = (4 + 1 + 0 + 9)/3 = 14/3, t(3) = 3.182
        Statistics.Interval i = Statistics.studentT95(List.of(1.0, 2.0, 3.0, 6.0));
        assertEquals(3, i.mean(), VECTOR_ATOL);
        assertEquals(3.182 * Math.sqrt(14.0 / 3) / 2, i.halfWidth(), VECTOR_ATOL);
        assertEquals(4, i.n());
        assertEquals("3.000 ± 3.437", i.format(3));
    }

    @Test
    void oneValueHasNoStudentInterval() {
        Statistics.Interval i = Statistics.studentT95(List.of(2.5));
        assertTrue(Double.isNaN(i.halfWidth()));
        assertEquals("2.500", i.format(3));
        assertEquals(0, Statistics.normal95(List.of(2.5)).halfWidth());
    }

    @Test
    void normalIntervalUses196() {
        Statistics.Interval i = Statistics.normal95(List.of(1.0, 3.0));
        assertEquals(2, i.mean(), VECTOR_ATOL);
        assertEquals(1.96 * Math.sqrt(2) / Math.sqrt(2), i.halfWidth(), VECTOR_ATOL);
    }

    @Test
    void quantileTableThenApproximation() {
        assertEquals(12.706, Statistics.tQuantile975(1));
        assertEquals(2.228, Statistics.tQuantile975(10));
        assertEquals(1.96 + 2.4 / 20, Statistics.tQuantile975(20));
        assertThrows(IllegalArgumentException.class, () -> Statistics.tQuantile975(0));
    }

    @Test
    void pairedDifferenceIsTheIntervalOfTheDifferences() {
        // differences 1, 1, 4: mean 2, s² = (1 + 1 + 4)/2 = 3, t(2) = 4.303
        Statistics.Interval d = Statistics.pairedDifference(List.of(3.0, 4.0, 9.0), List.of(2.0, 3.0, 5.0));
        assertEquals(2, d.mean(), VECTOR_ATOL);
        assertEquals(4.303 * Math.sqrt(3) / Math.sqrt(3), d.halfWidth(), VECTOR_ATOL);
        assertThrows(IllegalArgumentException.class, () -> Statistics.pairedDifference(List.of(1.0), List.of()));
    }
}
