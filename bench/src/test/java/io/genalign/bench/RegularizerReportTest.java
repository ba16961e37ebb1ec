package io.genalign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The markdown writer and the target rules on hand-made numbers (no JMH run, no timing). */
class RegularizerReportTest {
    private static final int[] DIMS = {4096, 16384, 65536, 262144};

    /** Times t = c·(D ln D)^p for MPGR and PRNO at both batch sizes. */
    private static List<Measurement> synthetic(double mpgrC, double mpgrP, double prnoC) {
        List<Measurement> out = new ArrayList<>();
        for (int b : new int[] {1, 8}) {
            for (int d : DIMS) {
                double x = d * Math.log(d);
                out.add(Measurement.of("mpgr", d, b, "avgt", 5, b * mpgrC * Math.pow(x, mpgrP), 0.01));
                out.add(Measurement.of("prno", d, b, "ss", 3, b * prnoC * x, Double.NaN));
            }
        }
        return out;
    }

    private static RegularizerReport.Context context(double othersMean) {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPU", "Test CPU");
        return new RegularizerReport.Context(machine,
                new RegularizerReport.Sharing("0.10 / 0.20 / 0.30", "1.90 / 1.50 / 0.80", othersMean, othersMean, 3, 2),
                "bash bench/run-regularizers.sh", "- method text");
    }

    @Test
    void allTargetsMetWhenTheNumbersSaySo() {
        // MPGR at D = 65536: 1e-6 · 65536·ln 65536 ≈ 0.727 ms; PRNO 100× that
        List<Measurement> r = synthetic(1e-6, 1.0, 1e-4);
        List<RegularizerReport.Verdict> v = RegularizerReport.targets(r);
        assertEquals(3, v.size());
        v.forEach(x -> assertTrue(x.met() && x.known(), x.toString()));
        String md = RegularizerReport.markdown(context(0.0), r);
        assertTrue(md.contains("| mpgr | 65536 | 1 | 0.727 | 0.01 |"), md);
        assertTrue(md.contains("| prno | 4096 | 8 |") && md.contains("| n/a |"), md);
        assertEquals(3, md.split("\\*\\*met\\*\\*", -1).length - 1, md);
        assertTrue(md.contains("No significant CPU use"), md);
        assertTrue(md.contains("bash bench/run-regularizers.sh"), md);
        assertTrue(md.contains("| 65536 | 1 | 72.7 | 0.727 | 100 |"), md);
    }

    @Test
    void eachTargetCanFailAndSharingIsReported() {
        // MPGR quadratic-ish (p = 2) and slow; PRNO only 2× slower at D = 65536
        List<Measurement> r = synthetic(1e-11, 2.0, 2e-11 * 65536 * Math.log(65536));
        List<RegularizerReport.Verdict> v = RegularizerReport.targets(r);
        v.forEach(x -> assertFalse(x.met(), x.toString()));
        String md = RegularizerReport.markdown(context(0.8), r);
        assertEquals(3, md.split("\\*\\*NOT met\\*\\*", -1).length - 1, md);
        assertTrue(md.contains("the machine was shared during this run"), md);
        assertTrue(md.contains("p = 2.00"), md);
    }

    @Test
    void missingCasesAreReportedNotGuessed() {
        List<Measurement> r = new ArrayList<>(synthetic(1e-6, 1.0, 1e-4));
        r.removeIf(m -> m.regularizer().equals("prno") && m.dim() == 65536);
        r.add(Measurement.missing("prno", 65536, 1, "failed: out of memory"));
        List<RegularizerReport.Verdict> v = RegularizerReport.targets(r);
        assertFalse(v.get(0).known());
        assertTrue(v.get(1).met());
        String md = RegularizerReport.markdown(context(0.0), r);
        assertTrue(md.contains("UNKNOWN (not measured)"), md);
        assertTrue(md.contains("| prno | 65536 | 1 | — | — | — | failed: out of memory | 0 |"), md);
    }

    @Test
    void growthExponentRecoversThePower() {
        List<Measurement> s = new ArrayList<>();
        for (int d : DIMS) {
            s.add(Measurement.of("x", d, 1, "avgt", 5, 3.0 * Math.pow(d * Math.log(d), 1.3), 0));
        }
        assertEquals(1.3, RegularizerReport.growthExponent(s), 1e-12);
    }

    @Test
    void numbersAreShortAndPlain() {
        assertEquals("0.000123", RegularizerReport.fmt(1.2345e-4));
        assertEquals("2.50", RegularizerReport.fmt(2.5));
        assertEquals("12.3", RegularizerReport.fmt(12.34));
        assertEquals("1235", RegularizerReport.fmt(1234.5));
        assertEquals("n/a", RegularizerReport.fmt(Double.NaN));
    }

    @Test
    void forkFlagsInTheAnnotationMatchTheParentPom() {
        List<String> flags = BenchConfig.offlineFlags();
        assertEquals(List.of(BenchConfig.OFFLINE_FLAG_DJL, BenchConfig.OFFLINE_FLAG_TRACKING), flags);
        assertTrue(List.of(BenchConfig.forkJvmArgs()).containsAll(flags));
    }

    @Test
    void theFftFloorRowIsComparedWithMpgrWhenMeasured() {
        List<Measurement> r = synthetic(1e-6, 1.0, 1e-4);
        assertFalse(RegularizerReport.markdown(context(0.0), r).contains("FFT floor"), "no floor row measured");
        r.add(Measurement.of(FftFloor.NAME, 65536, 1, "avgt", 5, 0.5, 0.01));
        String md = RegularizerReport.markdown(context(0.0), r);
        // MPGR 0.727 ms at D = 65536, batch 1; floor 0.5 ms: 0.227 ms above it, floor = 68.8% of MPGR
        assertTrue(md.contains("| 65536 | 1 | 0.727 | 0.5 | 0.227 | 68.8% |"), md);
    }

    @Test
    void theFftFloorIsTwiceTheMeanMagnitude() {
        io.genalign.core.runtime.EngineBootstrap.start(1);
        try (ai.djl.ndarray.NDManager m = io.genalign.core.runtime.Tensors.newManager()) {
            // x = (1, 0, 0, 0): every bin of its DFT has magnitude 1, so the mean is 1 and the floor 2;
            // x = (1, -1, 1, -1): rfft bins (0, 0, 4), mean 4/3, floor 8/3
            ai.djl.ndarray.NDArray x = m.create(new float[] {1, 0, 0, 0, 1, -1, 1, -1}, new ai.djl.ndarray.types.Shape(2, 4));
            float[] v = new FftFloor().perSample(x).toFloatArray();
            assertEquals(2.0, v[0], 1e-6);
            assertEquals(8.0 / 3.0, v[1], 1e-6);
        }
    }
}
