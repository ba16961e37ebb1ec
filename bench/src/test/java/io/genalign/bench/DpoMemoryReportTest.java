package io.genalign.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory benchmark's verdict arithmetic: deviation from the warm-up sample, per column, and its table. */
class DpoMemoryReportTest {
    /** {step, RSS kB, non-heap kB, trimmed RSS kB}: RSS 1000 MB at the warm-up, one sample 6% above; trimmed flat. */
    private static final List<int[]> SAMPLES = List.of(new int[] {0, 900 * 1024, 10, 800 * 1024},
            new int[] {200, 1000 * 1024, 10, 900 * 1024}, new int[] {400, 1060 * 1024, 10, 909 * 1024},
            new int[] {600, 1000 * 1024, 10, 900 * 1024});

    @Test
    void deviationIsRelativeToTheWarmUpSampleAndIgnoresEarlierOnes() {
        double[] raw = DpoMemory.deviation(SAMPLES, 1, 1);
        assertArrayEquals(new double[] {1000, 1000, 1060, 0.06, 0}, raw, 1e-12);
        double[] trimmed = DpoMemory.deviation(SAMPLES, 1, 3);
        assertArrayEquals(new double[] {900, 900, 909, 0.01, 0}, trimmed, 1e-12);
    }

    @Test
    void reportGivesBothVerdictsInTrimMode() {
        String md = DpoMemory.report(SAMPLES, List.of(0.0, 1.0, 2.0, 3.0), 600, 4, 200, 200, 250, true, 3.0,
                "0 0 0", "0 0 0");
        assertTrue(md.contains("largest deviation 6.00% (bound 5%): **NOT met**"), md);
        assertTrue(md.contains("largest deviation 1.00% (bound 5%): **flat, met**"), md);
        assertTrue(md.contains("| 400 | 2 | 1060.0 | +6.00% | 0.0 | 909.0 | +1.00% |"), md);
        assertThrows(IllegalArgumentException.class, () -> DpoMemory.report(SAMPLES, List.of(0.0, 1.0, 2.0, 3.0),
                600, 4, 200, 800, 250, false, 3.0, "", ""));
    }
}
