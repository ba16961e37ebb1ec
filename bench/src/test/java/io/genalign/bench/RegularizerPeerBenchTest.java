package io.genalign.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The side-by-side report on hand-made round files (no timing, no Python). */
class RegularizerPeerBenchTest {
    private static String round(String side, int round, double mpgr, double prno, double norm) {
        StringBuilder s = new StringBuilder("{\"side\":\"" + side + "\",\"round\":" + round
                + ",\"load_before\":\"1.00 / 1.00 / 1.00\",\"load_after\":\"1.10 / 1.00 / 1.00\",\"cases\":[");
        String sep = "";
        for (int d : BenchConfig.DIMS) {
            double f = d / 4096.0;
            for (String[] c : new String[][] {{"mpgr", "" + mpgr * f}, {"prno", "" + prno * f}, {"norm", "" + norm * f}}) {
                s.append(sep).append("{\"regularizer\":\"").append(c[0]).append("\",\"D\":").append(d)
                        .append(",\"median_ms\":").append(c[1]).append(",\"calls\":10,\"min_ms\":").append(c[1]).append("}");
                sep = ",";
            }
        }
        return s.append("],\"checks\":[]}").toString();
    }

    @Test
    void reportTakesEachSidesBestRoundAndJudgesTheTargets(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("java-1.json"), round("genalign", 1, 0.3, 20, 0.05));
        Files.writeString(dir.resolve("java-2.json"), round("genalign", 2, 0.2, 25, 0.04));
        Files.writeString(dir.resolve("torch-1.json"), round("pytorch", 1, 0.25, 30, 0.03));
        String md = RegularizerPeerBench.report(dir, "test");
        assertTrue(md.contains("| 4,096 | 0.200 | 0.250 | 0.80× | 20.0 | 30.0 | 0.67× | 0.040 | 0.030 | 1.33× |"), md);
        assertTrue(md.contains("| genalign MPGR ≤ 1.0× PyTorch at every D (wall) | **met** |"), md);
        assertTrue(md.contains("| genalign norm ≤ 2.0× PyTorch at every D (wall) | **met** |"), md);
        assertTrue(md.contains("MPGR ≥ 50× faster than PRNO at D = 65,536 (genalign, wall) | **met** | "
                + "PRNO 320 ms / MPGR 3.20 ms = 100.0×"), md);
        assertTrue(md.contains("genalign round 2"), md);
    }
}
