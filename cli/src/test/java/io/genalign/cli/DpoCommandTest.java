package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.arch.BlockParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** genalign pairs and genalign dpo on tiny settings (a freshly initialised UNet stands in for the base). */
class DpoCommandTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    Path freshUnet() throws Exception {
        Path f = tmp.resolve("fresh-unet.params");
        try (NDManager m = manager.newSubManager()) {
            Block u = Diffusion.newUNet();
            u.initialize(m, DataType.FLOAT32, Diffusion.inputShapes(1));
            BlockParameters.save(u, f);
        }
        return f;
    }

    @Test
    void pairsThenDpoWriteTheirFoldersAndBadPairsExitWith2() throws Exception {
        Path pairs = tmp.resolve("pairs");
        GaussianityCommandTest.Run p = GaussianityCommandTest.run("pairs", "--sampler", "generator", "--prompt", "ankle boot",
                "--prompt", "bag", "--per-prompt", "2", "--out", pairs.toString());
        assertEquals(0, p.code(), p.err() + p.out());
        List<String> lines = Files.readAllLines(pairs.resolve("pairs.csv"));
        assertEquals(5, lines.size(), "header + 2 prompts x 2 pairs");
        assertTrue(lines.get(1).startsWith("ankle boot,9,images/00000a.png,images/00000b.png,"), lines.get(1));
        assertTrue(Files.size(pairs.resolve("preview.png")) > 0);
        JsonNode prov = new ObjectMapper().readTree(pairs.resolve("provenance.json").toFile());
        assertEquals("1*realism + 1*contrast", prov.get("config").get("judge").asText());

        Path base = freshUnet();
        Path out = tmp.resolve("run");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("dpo", "--divergence", "alpha:0.5", "--pairs",
                pairs.toString(), "--base", base.toString(), "--steps", "2", "--batch", "2", "--eval-per-class", "2",
                "--checkpoint-every", "1", "--ddim-steps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        for (String f : List.of("index.html", "metrics.csv", "logratios.csv", "loss.png", "implicit-accuracy.png",
                "logratios.png", "logratio-histogram.png", "samples-before.png", "samples-after.png", "policy.params",
                "provenance.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(3, metrics.size());
        assertTrue(metrics.get(1).startsWith("1,0.69314718,"), "log 2 at step 1: " + metrics.get(1));
        assertEquals(1 + 2 * 2, Files.readAllLines(out.resolve("logratios.csv")).size(), "2 steps x 2 pairs");

        // a bad line stops the run with exit code 2 and names the line
        Files.writeString(pairs.resolve("pairs.csv"), Files.readString(pairs.resolve("pairs.csv"))
                + "bag,8,images/nope.png,images/00000b.png,a\n");
        GaussianityCommandTest.Run bad = GaussianityCommandTest.run("dpo", "--divergence", "js", "--pairs",
                pairs.toString(), "--base", base.toString(), "--steps", "1", "--out", tmp.resolve("bad").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("line 6") && bad.err().contains("nope.png") && bad.err().contains(
                "--skip-bad-pairs"), bad.err());
        GaussianityCommandTest.Run unknown = GaussianityCommandTest.run("dpo", "--divergence", "hellinger", "--out",
                tmp.resolve("u").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("alpha:A"), unknown.err());
    }
}
