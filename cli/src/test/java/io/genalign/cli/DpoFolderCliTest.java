package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.io.Npy;
import io.genalign.core.model.Condition;
import io.genalign.core.model.folder.FolderModelSet;
import io.genalign.core.model.folder.ModelFolder;
import io.genalign.core.model.torchscript.TorchScriptEpsilon;
import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code genalign dpo --model examples/tiny-t2i}: makes pairs with the folder's DDIM sampler and rewards, trains
 * the TorchScript epsilon network, writes the report with policy.pt and check/; the saved file reloads to
 * genalign's check outputs; a rerun resumes, other options are refused, bad input exits with 2.
 */
class DpoFolderCliTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    static Path fixture() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tiny-t2i/eps.pt"))) {
                return p.resolve("examples/tiny-t2i");
            }
        }
        throw new IllegalStateException("examples/tiny-t2i not found");
    }

    @Test
    void dpoOnTheFixtureWritesATorchScriptPolicyThatReloads() throws Exception {
        Path out = tmp.resolve("run");
        String[] args = {"dpo", "--model", fixture().toString(), "--divergence", "js", "--steps", "3", "--batch",
                "2", "--per-prompt", "3", "--prompt", "a red shoe", "--prompt", "a photo of a cat", "--ddim-steps", "4",
                "--checkpoint-every", "2", "--lr", "1e-3", "--warmup", "1", "--out", out.toString()};
        GaussianityCommandTest.Run r = GaussianityCommandTest.run(args);
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("made 6 pairs"), r.out());
        for (String f : List.of("index.html", "metrics.csv", "loss.png", "implicit-accuracy.png", "samples-before.png",
                "samples-after.png", "policy.pt", "provenance.json", "check/x.npy", "check/t.npy",
                "check/token_ids.npy", "check/eps.npy")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(4, Files.readAllLines(out.resolve("metrics.csv")).size());
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertTrue(prov.get("config").get("schedule").asText().startsWith("linear T=1000"), prov.toString());

        // the saved TorchScript file, reloaded through the adapter, gives genalign's check outputs
        try (FolderModelSet set = ModelFolder.open(fixture());
             TorchScriptEpsilon eps = set.loadEpsilon(out.resolve("policy.pt"), false);
             TorchScriptEpsilon base = set.loadEpsilon(null, false)) {
            NDArray x = Npy.readNDArray(out.resolve("check/x.npy"), manager);
            double[] td = Npy.read(out.resolve("check/t.npy")).data();
            int[] t = new int[td.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = (int) td[i];
            }
            List<String> prompts = Files.readAllLines(out.resolve("check/prompts.txt"));
            Condition c = Condition.of(prompts, new int[] {-1, -1, -1, -1});
            NDArray expected = Npy.readNDArray(out.resolve("check/eps.npy"), manager);
            NDArray y = eps.predict(x, t, c);
            float scale = expected.abs().max().getFloat();
            assertTrue(y.sub(expected).abs().max().getFloat() <= 1e-5f * scale);
            assertTrue(base.predict(x, t, c).sub(expected).abs().max().getFloat() > 1e-4f, "the network changed");
            assertEquals(new Shape(4, 3, 32, 32), y.getShape());
        }

        // rerun with more steps: resumes from the checkpoint in run.work
        args[6] = "4";
        GaussianityCommandTest.Run again = GaussianityCommandTest.run(withOverwrite(args));
        assertEquals(0, again.code(), again.err() + again.out());
        JsonNode prov2 = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals(3, prov2.get("results").get("resumed_at_step").asInt(), prov2.toString());

        // the report is gone, the work folder stays: another divergence is refused (exit 2), naming the option
        io.genalign.zoo.train.CheckpointStore.deleteRecursively(out);
        String[] other = args.clone();
        other[4] = "reverse-kl";
        GaussianityCommandTest.Run refused = GaussianityCommandTest.run(other);
        assertEquals(2, refused.code(), refused.err() + refused.out());
        assertTrue(refused.err().contains("--divergence js there, reverse-kl now"), refused.err());
    }

    /** pairs --sampler diffusion on a folder, then dpo --pairs on them (text pairs: class -1). */
    @Test
    void pairsFromTheFoldersDiffusionSamplerTrain() throws Exception {
        Path pairs = tmp.resolve("pairs");
        GaussianityCommandTest.Run p = GaussianityCommandTest.run("pairs", "--model", fixture().toString(),
                "--sampler", "diffusion", "--prompt", "a blue car on a road", "--per-prompt", "2", "--out",
                pairs.toString());
        assertEquals(0, p.code(), p.err() + p.out());
        List<String> lines = Files.readAllLines(pairs.resolve("pairs.csv"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).startsWith("a blue car on a road,-1,"), lines.get(1));
        JsonNode prov = new ObjectMapper().readTree(pairs.resolve("provenance.json").toFile());
        assertEquals("diffusion", prov.get("config").get("sampler").asText());
        Path out = tmp.resolve("run");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("dpo", "--model", fixture().toString(),
                "--divergence", "alpha:0.5", "--pairs", pairs.toString(), "--steps", "2", "--batch", "2",
                "--prompt", "a blue car on a road", "--ddim-steps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(Files.size(out.resolve("policy.pt")) > 10_000);
    }

    @Test
    void badInputExitsWith2() throws Exception {
        GaussianityCommandTest.Run noPairs = GaussianityCommandTest.run("dpo", "--model", fixture().toString(),
                "--divergence", "js", "--pairs", tmp.resolve("missing").toString(), "--out", tmp.resolve("o")
                        .toString());
        assertEquals(2, noPairs.code(), noPairs.err());
        assertTrue(noPairs.err().contains("no such folder"), noPairs.err());
        Path noDiffusion = tmp.resolve("nodiff");
        Files.createDirectories(noDiffusion);
        for (String f : List.of("generator.pt", "clip_score.pt", "aesthetic.pt", "tokenizer.json")) {
            Files.copy(fixture().resolve(f), noDiffusion.resolve(f));
        }
        Files.writeString(noDiffusion.resolve("genalign-model.json"), """
                {"format": 1, "name": "nd", "image": {"channels": 3, "height": 32, "width": 32},
                 "prompts": {"kind": "text"}, "tokenizers": {"clip": {"file": "tokenizer.json", "max_length": 16}},
                 "generator": {"file": "generator.pt", "latent_shape": [4, 8, 8], "condition": "tokens:clip"},
                 "rewards": {"aesthetic": {"file": "aesthetic.pt"}}}
                """);
        GaussianityCommandTest.Run missing = GaussianityCommandTest.run("dpo", "--model", noDiffusion.toString(),
                "--divergence", "js", "--out", tmp.resolve("o2").toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("diffusion"), missing.err());
    }

    private static String[] withOverwrite(String[] args) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 1);
        a[args.length] = "--overwrite";
        return a;
    }
}
