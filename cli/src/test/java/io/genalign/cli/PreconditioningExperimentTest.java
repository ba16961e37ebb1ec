package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreconditioningExperimentTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    @Test
    void tinyComparisonWritesBothRegimesAndTheTimeToMpgrTable() throws Exception {
        Path out = tmp.resolve("exp");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("experiment", "preconditioning", "--targets",
                "realism", "--methods", "preconditioned,none", "--classes", "7", "--seeds", "2", "--steps", "3",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        String table = Files.readString(out.resolve("table.md"));
        for (String row : List.of("| - | initial |", "| steps | mpgr |", "| steps | preconditioned |",
                "| time | preconditioned |", "| time | none |", "| preconditioned | ")) {
            assertTrue(table.contains(row), row + "\n" + table);
        }
        for (String f : List.of("curve-realism.png", "aligned-realism.png", "runs.csv", "provenance.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(2, GaussianityCommandTest.run("experiment", "preconditioning", "--methods", "magic", "--out",
                tmp.resolve("bad").toString()).code());
        assertEquals(2, GaussianityCommandTest.run("experiment", "preconditioning", "--time-fraction", "0", "--out",
                tmp.resolve("bad2").toString()).code());
    }
}
