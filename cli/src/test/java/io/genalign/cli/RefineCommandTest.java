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

class RefineCommandTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    @Test
    void writesAFullReportAndRefusesToOverwriteIt() throws Exception {
        Path out = tmp.resolve("run");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("refine", "--prompt", "sneaker", "--particles", "8",
                "--steps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("report: "), r.out());
        for (String f : List.of("index.html", "before.png", "after.png", "before-after.png", "metrics.csv",
                "metrics.json", "fid.png", "quality.png", "realism.png", "flow.png", "provenance.json",
                "initial_latents.npy", "final_latents.npy")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(1 + 3, csv.size(), "header, step 0 and 2 steps");
        assertTrue(csv.get(0).startsWith("step,fid,inception_like,diversity,classifier_b_share,realism_logit"),
                csv.get(0));
        assertTrue(csv.get(0).contains("velocity_norm") && csv.get(0).contains("lambda_particles"), csv.get(0));
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals("COMPLETED", prov.get("results").get("stop").asText());
        assertTrue(prov.get("results").get("last_step_figures").get("lambda_particles").asDouble() > 0);
        assertTrue(prov.get("results").get("after").get("fid").asDouble() > 0);
        String before = Files.readString(out.resolve("metrics.csv"));
        GaussianityCommandTest.Run again = GaussianityCommandTest.run("refine", "--steps", "1", "--out",
                out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(before, Files.readString(out.resolve("metrics.csv")));
    }

    @Test
    void everyBaselineRuns() throws Exception {
        for (String m : List.of("dot", "ddls", "dgflow", "stein")) {
            Path out = tmp.resolve(m);
            GaussianityCommandTest.Run r = GaussianityCommandTest.run("refine", "--method", m, "--particles", "4",
                    "--steps", "1", "--out", out.toString());
            assertEquals(0, r.code(), m + ": " + r.err() + r.out());
            assertTrue(Files.size(out.resolve("after.png")) > 0, m);
        }
    }

    @Test
    void badInputExitsWith2() {
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("refine", "--method", "gan", "--out",
                tmp.resolve("a").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("dgflow"), r.err());
        r = GaussianityCommandTest.run("refine", "--prompt", "a cat", "--out", tmp.resolve("b").toString());
        assertEquals(2, r.code());
        r = GaussianityCommandTest.run("refine", "--particles", "1", "--out", tmp.resolve("c").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--particles"), r.err());
        r = GaussianityCommandTest.run("refine", "--ridge", "big", "--out", tmp.resolve("d").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("ridge"), r.err());
        r = GaussianityCommandTest.run("refine", "--eta-data", "-1", "--out", tmp.resolve("e").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("step sizes"), r.err());
        assertTrue(!Files.exists(tmp.resolve("a")) && !Files.exists(tmp.resolve("e")));
    }
}
