package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlignCommandTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    @Test
    void preconditionedUpdateRunsOnTheBuiltInModelAndIsRecorded() throws Exception {
        Path out = tmp.resolve("pre");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("align", "--prompt", "sneaker", "--steps", "3",
                "--seeds", "2", "--update", "preconditioned", "--regularizer", "none", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals("PRECONDITIONED", prov.get("config").get("options").get("update").asText(), prov.toString());
        assertEquals("COMPLETED", prov.get("results").get("stop_reason").asText());
        GaussianityCommandTest.Run bad = GaussianityCommandTest.run("align", "--update", "projected", "--out",
                tmp.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--update"), bad.err());
    }

    @Test
    void writesAFullReportAndRefusesToOverwriteIt() throws Exception {
        Path out = tmp.resolve("run");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("align", "--prompt", "sneaker", "--steps", "3",
                "--seeds", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("report: "), r.out());
        for (String f : List.of("index.html", "initial.png", "best.png", "metrics.csv", "metrics.json", "target.png",
                "heldout.png", "gaussianity.png", "provenance.json", "best_latents.npy", "initial_latents.npy")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(1 + 4 * 2, csv.size(), "3 steps + the final evaluation, 2 seeds");
        // the built-in demo's defaults: target realism, held out the first two others (classifier B, classifier A)
        assertTrue(csv.get(0).contains("reward_realism") && csv.get(0).contains("heldout_classifier-b")
                && csv.get(0).contains("heldout_classifier-a"), csv.get(0));
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals("COMPLETED", prov.get("results").get("stop_reason").asText());
        assertTrue(prov.get("peak_memory").get("process_peak_rss_bytes").asLong() > 0);
        String before = Files.readString(out.resolve("metrics.csv"));
        GaussianityCommandTest.Run again = GaussianityCommandTest.run("align", "--prompt", "sneaker", "--steps", "2",
                "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(before, Files.readString(out.resolve("metrics.csv")));
    }

    @Test
    void unknownPromptRewardOrRegularizerExitWith2() {
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("align", "--prompt", "a cat", "--out",
                tmp.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("ankle boot"), r.err());
        r = GaussianityCommandTest.run("align", "--reward", "beauty", "--out", tmp.resolve("y").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("classifier-a"), r.err());
        r = GaussianityCommandTest.run("align", "--regularizer", "l2", "--out", tmp.resolve("z").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mpgr"), r.err());
    }

    @Test
    void aDivergingRunStillWritesItsReportAndNamesTheFlag() throws Exception {
        Path out = tmp.resolve("diverged");
        // KL's autograd value overflows float32 once the latents reach ~1e20 (MPGR's closed form, computed in double,
        // stays finite there, so it would not diverge)
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("align", "--lr", "1e20", "--steps", "3", "--seeds",
                "1", "--regularizer", "kl", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("--lr"), r.out());
        for (String f : List.of("index.html", "target.png", "heldout.png", "gaussianity.png", "metrics.csv")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals("DIVERGED", prov.get("results").get("stop_reason").asText());
        GaussianityCommandTest.Run nan = GaussianityCommandTest.run("align", "--lr", "NaN", "--out",
                tmp.resolve("nan").toString());
        assertEquals(2, nan.code());
        assertTrue(nan.err().contains("--lr"), nan.err());
        GaussianityCommandTest.Run zero = GaussianityCommandTest.run("align", "--reward", "contrast=0", "--out",
                tmp.resolve("zero").toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--reward"), zero.err());
    }
}
