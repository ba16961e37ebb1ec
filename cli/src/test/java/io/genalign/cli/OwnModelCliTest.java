package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.cli.GaussianityCommandTest.Run;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.testing.Tolerances;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model command end to end through the CLI on a user's model folder: the tiny text-to-image pipeline exported
 * by real PyTorch ({@code examples/tiny-t2i}, committed with PyTorch's reference outputs), and the one-line errors
 * of bad model folders. The built-in set goes through the same commands in the other command tests.
 */
class OwnModelCliTest {
    static Path fixture;
    static Path reference;

    @TempDir
    Path tmp;

    @BeforeAll
    static void locate() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tiny-t2i/genalign-model.json"))) {
                fixture = p.resolve("examples/tiny-t2i");
                reference = fixture.resolve("reference");
                return;
            }
        }
        throw new IllegalStateException("examples/tiny-t2i not found above the working directory");
    }

    private static Run ok(String... args) {
        Run r = GaussianityCommandTest.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        return r;
    }

    /** A bad input: exit 2 and one line on stderr, no stack trace. */
    private static String bad(String... args) {
        Run r = GaussianityCommandTest.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line expected, got:\n" + err);
        assertFalse(err.contains("\tat "), err);
        return err;
    }

    @Test
    void sampleWritesTheGridAndImagesThatMatchPyTorch() throws Exception {
        Path png = tmp.resolve("shoe.png");
        Path npy = tmp.resolve("shoe.npy");
        // the reference's first latent was generated with "a red shoe"
        NpyArray z = Npy.read(reference.resolve("z.npy"));
        Path z0 = tmp.resolve("z0.npy");
        Npy.write(z0, new NpyArray(new long[] {1, 4, 8, 8}, Arrays.copyOf(z.data(), 256), z.dtype()));
        Run r = ok("sample", "--model", fixture.toString(), "--prompt", "a red shoe", "--latents", z0.toString(),
                "--out", png.toString(), "--npy", npy.toString());
        assertTrue(r.out().contains("tiny-t2i"), r.out());
        assertTrue(Files.size(png) > 0);
        NpyArray got = Npy.read(npy);
        assertEquals(List.of(1L, 3L, 32L, 32L), Arrays.stream(got.shape()).boxed().toList());
        double[] want = Arrays.copyOf(Npy.read(reference.resolve("images.npy")).data(), 3 * 32 * 32);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Tolerances.close(got.data()[i], want[i], Tolerances.PYTORCH_OUTPUT_RTOL, Tolerances.PYTORCH_OUTPUT_RTOL), "pixel " + i);
        }
        assertTrue(Files.exists(tmp.resolve("shoe.png.provenance.json")));
        ok("sample", "--model", fixture.toString(), "--prompt", "a red shoe", "--count", "4", "--out",
                tmp.resolve("seeded.jpg").toString());
        byte[] jpg = Files.readAllBytes(tmp.resolve("seeded.jpg"));
        assertEquals((byte) 0xFF, jpg[0], "JPEG magic");
        assertEquals((byte) 0xD8, jpg[1], "JPEG magic");
    }

    @Test
    void alignRaisesTheClipScoreAndWritesItsReport() throws Exception {
        Path out = tmp.resolve("align");
        Run r = ok("align", "--model", fixture.toString(), "--prompt", "a red shoe", "--reward", "clip-score",
                "--steps", "10", "--seeds", "2", "--out", out.toString());
        assertTrue(r.out().contains("report: "), r.out());
        for (String f : List.of("index.html", "before-after.png", "metrics.csv", "provenance.json", "target.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals("tiny-t2i", prov.get("config").get("model").get("name").asText(), prov.toString());
        JsonNode before = prov.get("results").get("initial_target");
        JsonNode best = prov.get("results").get("best_target");
        for (int i = 0; i < 2; i++) {
            assertTrue(best.get(i).asDouble() > before.get(i).asDouble(), prov.get("results").toString());
        }
        assertTrue(Files.readAllLines(out.resolve("metrics.csv")).get(0).contains("heldout_aesthetic"));
    }

    @Test
    void alignPreconditionedRunsOnTheUsersModel() throws Exception {
        Path out = tmp.resolve("align-pre");
        Run r = ok("align", "--model", fixture.toString(), "--prompt", "a red shoe", "--reward", "clip-score",
                "--update", "preconditioned", "--steps", "4", "--seeds", "2", "--out", out.toString());
        assertTrue(r.out().contains("report: "), r.out());
        JsonNode prov = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        assertEquals("PRECONDITIONED", prov.get("config").get("options").get("update").asText(), prov.toString());
        assertEquals("COMPLETED", prov.get("results").get("stop_reason").asText());
        assertTrue(Files.size(out.resolve("best_latents.npy")) > 0);
    }

    @Test
    void refineAndPairsRunOnTheFolder() throws Exception {
        Path out = tmp.resolve("refine");
        Run r = ok("refine", "--model", fixture.toString(), "--prompt", "a red shoe", "--steps", "2",
                "--particles", "8", "--out", out.toString());
        assertTrue(r.out().contains("fid"), r.out());
        assertTrue(Files.size(out.resolve("index.html")) > 0);
        Path pairs = tmp.resolve("pairs");
        ok("pairs", "--model", fixture.toString(), "--prompt", "a red shoe", "--prompt", "a photo of a cat",
                "--per-prompt", "2", "--judge", "aesthetic", "--out", pairs.toString());
        List<String> lines = Files.readAllLines(pairs.resolve("pairs.csv"));
        assertEquals(1 + 4, lines.size(), lines.toString());
    }

    @Test
    void experimentsRunOnTheFolder() throws Exception {
        ok("experiment", "regularizers", "--model", fixture.toString(), "--prompt", "a red shoe", "--reward",
                "clip-score", "--regularizers", "none,mpgr", "--seeds", "2", "--steps", "2", "--toy-steps", "2",
                "--out", tmp.resolve("regs").toString());
        assertTrue(Files.size(tmp.resolve("regs/table.md")) > 0);
        ok("experiment", "refine", "--model", fixture.toString(), "--prompt", "a red shoe", "--methods", "gmi",
                "--seeds", "1", "--particles", "8", "--steps", "2", "--out", tmp.resolve("ref").toString());
        assertTrue(Files.size(tmp.resolve("ref/table.md")) > 0);
    }

    @Test
    void theBuiltinSetGoesThroughTheSameCommands() throws Exception {
        Path npy = tmp.resolve("boots.npy");
        ok("sample", "--model", "builtin", "--prompt", "ankle boot", "--count", "4", "--out",
                tmp.resolve("boots.png").toString(), "--npy", npy.toString());
        assertEquals(List.of(4L, 1L, 28L, 28L), Arrays.stream(Npy.read(npy).shape()).boxed().toList());
        ok("experiment", "regularizers", "--model", "builtin", "--classes", "9", "--regularizers", "none,mpgr",
                "--seeds", "2", "--steps", "2", "--toy-steps", "2", "--out", tmp.resolve("regs").toString());
        assertTrue(Files.readString(tmp.resolve("regs/table.md")).contains("mpgr"));
    }

    @Test
    void badModelFoldersGiveOneLine() throws Exception {
        String e = bad("sample", "--model", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("a.png").toString());
        assertTrue(e.contains("nowhere"), e);
        e = bad("align", "--model", fixture.toString(), "--reward", "beauty", "--out", tmp.resolve("b").toString());
        assertTrue(e.contains("clip-score"), e);
        Path copy = copyFixture();
        Files.write(copy.resolve("generator.pt"), new byte[] {1, 2, 3, 4});
        e = bad("sample", "--model", copy.toString(), "--out", tmp.resolve("c.png").toString());
        assertTrue(e.contains("generator.pt"), e);
        Path copy2 = copyFixture();
        Files.delete(copy2.resolve("tokenizer.json"));
        e = bad("sample", "--model", copy2.toString(), "--out", tmp.resolve("d.png").toString());
        assertTrue(e.contains("tokenizer.json"), e);
        Path copy3 = copyFixture();
        Files.writeString(copy3.resolve("genalign-model.json"), Files.readString(copy3.resolve("genalign-model.json"))
                .replace("\"features\"", "\"featurez\""));
        e = bad("refine", "--model", copy3.toString(), "--steps", "1", "--particles", "4", "--out",
                tmp.resolve("e").toString());
        assertTrue(e.contains("features"), e);
        assertFalse(Files.exists(tmp.resolve("e")));
    }

    @Test
    void overwriteNeverReplacesTheModelFolderItReads() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve(".genalign-run.json"), "{}"); // looks like a run folder genalign made
        Path model = run.resolve("model");
        Files.createDirectories(model);
        Path copy = copyFixture();
        try (Stream<Path> s = Files.list(copy)) {
            for (Path f : s.toList()) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        String e = bad("align", "--model", model.toString(), "--reward", "clip-score", "--steps", "1", "--seeds", "1",
                "--out", run.toString(), "--overwrite");
        assertTrue(e.contains("--overwrite") || e.contains("reads"), e);
        assertTrue(Files.isRegularFile(model.resolve("genalign-model.json")), "the model folder is intact");
    }

    private Path copyFixture() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "model");
        try (Stream<Path> s = Files.list(fixture)) {
            for (Path f : s.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        return dir;
    }
}
