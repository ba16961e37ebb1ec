package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefineExperimentTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    @Test
    void tinyAblationWritesItsTableAndPlots() throws Exception {
        Path out = tmp.resolve("exp");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("experiment", "refine", "--seeds", "2",
                "--particles", "2", "--steps", "1", "--methods", "dgflow,kde", "--classes", "7,9", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        List<String> table = Files.readAllLines(out.resolve("table.md"));
        assertTrue(table.stream().anyMatch(l -> l.startsWith("| base | ")), String.join("\n", table));
        assertTrue(table.stream().anyMatch(l -> l.startsWith("| dgflow | ") && l.contains(" ± ")));
        assertTrue(table.stream().anyMatch(l -> l.startsWith("| kde | ")));
        for (String f : List.of("fid-per-step.png", "samples-base.png", "samples-kde.png", "provenance.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(2, GaussianityCommandTest.run("experiment", "refine", "--methods", "gan", "--out",
                tmp.resolve("bad").toString()).code());
    }

    @Test
    void mollifierAndRidgeReachTheOptionsAndBadValuesExitTwo() throws Exception {
        Path out = tmp.resolve("sweep");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("experiment", "refine", "--seeds", "1",
                "--particles", "2", "--steps", "1", "--methods", "gmi", "--classes", "1", "--mollifier-sigma", "0.3",
                "--ridge", "10r", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        com.fasterxml.jackson.databind.JsonNode opts = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("provenance.json").toFile()).get("config").get("options");
        assertEquals(0.3, opts.get("mollifier_sigma").asDouble(), 0.0);
        assertEquals("10.0r", opts.get("ridge").asText());
        assertEquals(2, GaussianityCommandTest.run("experiment", "refine", "--ridge", "lots", "--out",
                tmp.resolve("bad").toString()).code());
    }
}
