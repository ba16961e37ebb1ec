package io.genalign.core.model.folder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.io.NpyDtype;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ContractChecks;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.Generator;
import io.genalign.core.model.MissingPartException;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.Reward;
import io.genalign.core.model.torchscript.TorchScriptArchiveWriter;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A FolderModelSet over folders built from Java-written TorchScript archives: values, gradients, errors. */
class FolderModelSetTest extends GenalignTestBase {
    private static final double RTOL = Tolerances.FLOAT32_RTOL;
    private static final double ATOL = Tolerances.FLOAT32_ATOL;

    @TempDir
    Path tmp;

    private Path textFolder() throws IOException {
        return FolderFixtures.writeTextFolder(tmp.resolve("text"), FolderFixtures.textManifest());
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Tolerances.close(actual[i], expected[i], RTOL, ATOL), what + "[" + i + "]: expected "
                    + expected[i] + ", got " + actual[i]);
        }
    }

    private static void assertOneLine(Exception e, String... parts) {
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        for (String p : parts) {
            assertTrue(m.contains(p), "'" + p + "' not in: " + m);
        }
    }

    @Test
    void textSetDescribesItself() throws IOException {
        try (FolderModelSet set = ModelFolder.open(textFolder())) {
            assertEquals("tiny-text", set.name());
            assertEquals(new Shape(1, 4, 4), set.imageShape());
            assertEquals(PromptKind.TEXT, set.promptKind());
            assertEquals(List.of(), set.knownPrompts());
            assertEquals("a photo", set.defaultPrompt());
            assertEquals(List.of("clip-score", "aesthetic"), List.copyOf(set.rewardNames()));
            assertEquals(Map.of("clip-score", 1.0), set.defaultTargets());
            assertEquals(List.of("aesthetic"), set.defaultHeldOut());
            assertEquals(Condition.repeat("a red cat", -1, 3), set.condition("a red cat", 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.condition("  ", 1));
            assertOneLine(e, "blank");
            e = assertThrows(IllegalArgumentException.class, () -> set.reward("pickscore"));
            assertOneLine(e, "pickscore", "clip-score, aesthetic");
        }
    }

    @Test
    void tokenGeneratorMatchesJavaValuesAndGradients() throws IOException {
        try (FolderModelSet set = ModelFolder.open(textFolder())) {
            Generator g = set.generator();
            assertSame(g, set.generator(), "parts load once");
            assertEquals(new Shape(2, 3, 3), g.latentShape());
            List<String> prompts = List.of("a red cat", "a photo of a dog on grass");
            Condition c = Condition.of(prompts, new int[] {-1, -1});
            NDArray z = ContractChecks.normal(manager, new Shape(2, 2, 3, 3), DataType.FLOAT32, SEED);
            double[] zs = ContractChecks.doubles(z);
            double[] w = FolderFixtures.random(32, 1.0, 7);
            z.setRequiresGradient(true);
            double[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray images = g.generate(z, c);
                assertEquals(new Shape(2, 1, 4, 4), images.getShape());
                assertEquals(DataType.FLOAT32, images.getDataType());
                out = ContractChecks.doubles(images);
                gc.backward(images.mul(manager.create(w, images.getShape()).toType(DataType.FLOAT32, false)).sum());
            }
            double[] grad = ContractChecks.doubles(z.getGradient());
            for (int b = 0; b < 2; b++) {
                double[] zb = Arrays.copyOfRange(zs, b * 18, b * 18 + 18);
                long[] t = FolderFixtures.tokens(prompts.get(b), FolderFixtures.MAX_LENGTH);
                assertClose(FolderFixtures.generatorReference(zb, t), Arrays.copyOfRange(out, b * 16, b * 16 + 16),
                        "images of sample " + b);
                assertClose(FolderFixtures.generatorVjp(zb, t, Arrays.copyOfRange(w, b * 16, b * 16 + 16)),
                        Arrays.copyOfRange(grad, b * 18, b * 18 + 18), "latent gradient of sample " + b);
            }
            assertArrayEquals(FolderFixtures.tokens(prompts.get(1), 4), set.tokenizer("clip").encode(prompts)[1]);
        }
    }

    @Test
    void rewardsMatchJavaValuesAndImageGradients() throws IOException {
        try (FolderModelSet set = ModelFolder.open(textFolder())) {
            List<String> prompts = List.of("red dog", "cat");
            Condition c = Condition.of(prompts, new int[] {-1, -1});
            NDArray x = ContractChecks.images(manager, new Shape(2, 1, 4, 4), DataType.FLOAT32, SEED + 1);
            double[] xs = ContractChecks.doubles(x);
            x.setRequiresGradient(true);
            double[] clip;
            double[] aesthetic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray s1 = set.reward("clip-score").score(x, c);
                NDArray s2 = set.reward("aesthetic").score(x, c);
                assertEquals(new Shape(2), s1.getShape());
                assertEquals(new Shape(2), s2.getShape(), "(B, 1) scores come back as (B)");
                clip = ContractChecks.doubles(s1);
                aesthetic = ContractChecks.doubles(s2);
                gc.backward(s1.add(s2).sum());
            }
            double[] grad = ContractChecks.doubles(x.getGradient());
            for (int b = 0; b < 2; b++) {
                double[] xb = Arrays.copyOfRange(xs, b * 16, b * 16 + 16);
                long[] t = FolderFixtures.tokens(prompts.get(b), FolderFixtures.MAX_LENGTH);
                assertClose(new double[] {FolderFixtures.clipScoreReference(xb, t)}, new double[] {clip[b]},
                        "clip-score " + b);
                assertClose(new double[] {FolderFixtures.tanhDot(xb, FolderFixtures.A)}, new double[] {aesthetic[b]},
                        "aesthetic " + b);
                double[] g1 = FolderFixtures.tanhDotGradient(xb, FolderFixtures.V);
                double[] g2 = FolderFixtures.tanhDotGradient(xb, FolderFixtures.A);
                double[] sum = new double[16];
                for (int i = 0; i < 16; i++) {
                    sum[i] = g1[i] + g2[i];
                }
                assertClose(sum, Arrays.copyOfRange(grad, b * 16, b * 16 + 16), "image gradient " + b);
            }
        }
    }

    @Test
    void featuresDiscriminatorAndRealSamples() throws IOException {
        try (FolderModelSet set = ModelFolder.open(textFolder())) {
            NDArray x = ContractChecks.images(manager, new Shape(3, 1, 4, 4), DataType.FLOAT32, SEED + 2);
            double[] xs = ContractChecks.doubles(x);
            assertEquals(8, set.features().orElseThrow().featureDim());
            assertEquals(new Shape(3, 8), set.features().orElseThrow().features(x).getShape());
            Discriminator d = set.discriminator().orElseThrow();
            NDArray logits = d.logits(x, set.condition("a cat", 3));
            assertEquals(new Shape(3), logits.getShape());
            double[] l = ContractChecks.doubles(logits);
            for (int b = 0; b < 3; b++) {
                double s = 0;
                for (int i = 0; i < 16; i++) {
                    s += xs[b * 16 + i] * FolderFixtures.D[i];
                }
                assertClose(new double[] {s}, new double[] {l[b]}, "logit " + b);
            }
            assertEquals(8, d.featureDim(), "the discriminator's features delegate to the features module");
            NDArray real = set.realSamples("anything").orElseThrow();
            assertEquals(new Shape(5, 1, 4, 4), real.getShape());
            assertEquals(DataType.FLOAT32, real.getDataType());
            assertArrayEquals(FolderFixtures.uniform(80, 0.95, 209), ContractChecks.doubles(real), 0.0);
            assertSame(real, set.realSamples("a cat").orElseThrow());
        }
    }

    @Test
    void provenanceNamesFolderAndHashes() throws IOException {
        Path dir = textFolder();
        try (FolderModelSet set = ModelFolder.open(dir)) {
            Map<String, Object> p = set.provenance();
            assertEquals(dir.toRealPath().toString(), p.get("source"));
            assertEquals("tiny-text", p.get("name"));
            assertEquals(FolderModelSet.sha256(dir.resolve(ModelFolder.MANIFEST), "m"), p.get("manifest_sha256"));
            @SuppressWarnings("unchecked")
            Map<String, String> files = (Map<String, String>) p.get("files");
            assertEquals(List.of("tokenizer.json", "generator.pt", "clip_score.pt", "aesthetic.pt", "features.pt",
                    "discriminator.pt", "real.npy"), List.copyOf(files.keySet()));
            for (String h : files.values()) {
                assertTrue(h.matches("[0-9a-f]{64}"), h);
            }
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    FolderModelSet.sha256(Files.writeString(tmp.resolve("empty"), ""), "empty"));
        }
    }

    @Test
    void missingOptionalPartsAreEmptyOrMissingPartException() throws IOException {
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(FolderFixtures.textManifest());
        root.remove(List.of("features", "discriminator", "real_samples"));
        root.put("default_prompt", "a dog");
        String manifest = root.toString();
        Path dir = FolderFixtures.writeTextFolder(tmp.resolve("minimal"), manifest);
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertTrue(set.features().isEmpty());
            assertTrue(set.discriminator().isEmpty());
            assertTrue(set.realSamples("a dog").isEmpty());
            assertEquals("a dog", set.defaultPrompt());
            MissingPartException e = assertThrows(MissingPartException.class,
                    () -> set.requireFeatures("refine --method gmi"));
            assertEquals("features", e.key());
            assertOneLine(e, "tiny-text", "features", "refine --method gmi");
            assertEquals("discriminator", assertThrows(MissingPartException.class,
                    () -> set.requireDiscriminator("x")).key());
            assertEquals("real_samples", assertThrows(MissingPartException.class,
                    () -> set.requireRealSamples("a dog", "fid")).key());
        }
    }

    @Test
    void classSetResolvesNamesAndSynonymsCaseInsensitively() throws IOException {
        try (FolderModelSet set = ModelFolder.open(FolderFixtures.writeClassFolder(tmp.resolve("classes")))) {
            assertEquals(List.of("T-shirt/top", "trouser", "ankle boot"), set.knownPrompts());
            assertEquals(Condition.repeat("T-shirt/top", 0, 2), set.condition("TSHIRT", 2));
            assertEquals(Condition.repeat("ankle boot", 2, 1), set.condition(" Ankle Boot ", 1));
            assertEquals(Condition.repeat("ankle boot", 2, 1), set.condition("boot", 1));
            assertEquals("trouser", set.canonicalPrompt("Trouser"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> set.condition("sandal", 1));
            assertOneLine(e, "unknown prompt \"sandal\"", "[T-shirt/top, trouser, ankle boot]", "tshirt");
            assertTrue(set.defaultHeldOut().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> set.realSamples("sandal"));

            NDArray z = ContractChecks.normal(manager, new Shape(2, 2, 3, 3), DataType.FLOAT32, SEED + 3);
            double[] zs = ContractChecks.doubles(z);
            Condition c = Condition.of(List.of("trouser", "ankle boot"), new int[] {1, 2});
            double[] out = ContractChecks.doubles(set.generator().generate(z, c));
            for (int b = 0; b < 2; b++) {
                assertClose(FolderFixtures.classGeneratorReference(Arrays.copyOfRange(zs, b * 18, b * 18 + 18),
                        b + 1), Arrays.copyOfRange(out, b * 16, b * 16 + 16), "class images " + b);
            }
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> set.generator()
                    .generate(z, Condition.of(List.of("a", "b"), new int[] {1, 3})));
            assertOneLine(range, "generator.pt: class id 3 out of range (0..2)");
            NDArray x = ContractChecks.images(manager, new Shape(2, 1, 4, 4), DataType.FLOAT32, SEED + 4);
            assertEquals(new Shape(2), set.reward("aesthetic").score(x, c).getShape());
        }
    }

    @Test
    void embeddingSetLooksPromptsUpBySlug() throws IOException {
        Map<String, double[]> emb = new LinkedHashMap<>();
        emb.put("a-red-cat", new double[] {1, 2, 3});
        emb.put("dog", new double[] {0.5, -1, 0.25});
        try (FolderModelSet set = ModelFolder.open(FolderFixtures.writeEmbeddingFolder(tmp.resolve("emb"), emb))) {
            assertEquals(List.of("a-red-cat", "dog"), set.knownPrompts());
            assertEquals("a-red-cat", set.defaultPrompt());
            assertEquals(Condition.repeat("A red cat!", -1, 2), set.condition("A red cat!", 2));
            assertEquals("a-red-cat", set.canonicalPrompt("A red cat!"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.condition("a bird",
                    1));
            assertOneLine(e, "unknown prompt \"a bird\"", "prompts/a-bird.npy", "[a-red-cat, dog]");
            NDArray x = ContractChecks.images(manager, new Shape(2, 1, 4, 4), DataType.FLOAT32, SEED + 5);
            double[] xs = ContractChecks.doubles(x);
            Condition c = Condition.of(List.of("A red cat!", "DOG"), new int[] {-1, -1});
            double[] s = ContractChecks.doubles(set.reward("prompt-match").score(x, c));
            assertClose(new double[] {FolderFixtures.tanhDot(Arrays.copyOfRange(xs, 0, 16), FolderFixtures.V) + 6,
                FolderFixtures.tanhDot(Arrays.copyOfRange(xs, 16, 32), FolderFixtures.V) - 0.25}, s, "scores");
            NDArray z = ContractChecks.normal(manager, new Shape(1, 1, 4, 4), DataType.FLOAT32, SEED);
            assertEquals(new Shape(1, 1, 4, 4), set.generator().generate(z, set.condition("dog", 1)).getShape());
        }
    }

    @Test
    void realSamplesAreValidated() throws IOException {
        Path dir = textFolder();
        Npy.write(dir.resolve("real.npy"), new NpyArray(new long[] {2, 1, 4, 2}, new double[16], NpyDtype.FLOAT32));
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertOneLine(assertThrows(ModelFolderException.class, () -> set.realSamples("x")),
                    "real.npy: real samples have shape [2, 1, 4, 2], expected (N, 1, 4, 4)");
        }
        double[] v = new double[32];
        v[7] = 1.5;
        Npy.write(dir.resolve("real.npy"), new NpyArray(new long[] {2, 1, 4, 4}, v, NpyDtype.FLOAT64));
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertOneLine(assertThrows(ModelFolderException.class, () -> set.realSamples("x")),
                    "real.npy: real sample value 1.5 at flat index 7 is outside the image range [-1, 1]");
        }
        v[7] = Double.NaN;
        Npy.write(dir.resolve("real.npy"), new NpyArray(new long[] {2, 1, 4, 4}, v, NpyDtype.FLOAT64));
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertOneLine(assertThrows(ModelFolderException.class, () -> set.realSamples("x")),
                    "real.npy: real samples hold a non-finite value NaN at flat index 7");
        }
        v[7] = 1 + FolderModelSet.REAL_SAMPLE_RANGE_SLACK / 2;
        Npy.write(dir.resolve("real.npy"), new NpyArray(new long[] {2, 1, 4, 4}, v, NpyDtype.FLOAT64));
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertEquals(new Shape(2, 1, 4, 4), set.realSamples("x").orElseThrow().getShape());
        }
        Files.writeString(dir.resolve("real.npy"), "not npy");
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertOneLine(assertThrows(ModelFolderException.class, () -> set.realSamples("x")),
                    "real.npy: cannot read real samples");
        }
    }

    @Test
    void forwardArityErrorsAreOneLineNamingTheFile() throws IOException {
        // the generator takes (z, t) but the manifest says it takes z only
        Path dir = FolderFixtures.writeTextFolder(tmp.resolve("arity"), FolderFixtures.textManifest()
                .replace("\"latent_shape\": [2, 3, 3], \"condition\": \"tokens:clip\"", "\"latent_shape\": [2, 3, 3]")
                .replace("\"aesthetic\": {\"file\": \"aesthetic.pt\", \"condition\": \"none\"}",
                        "\"aesthetic\": {\"file\": \"aesthetic.pt\", \"condition\": \"tokens:clip\"}"));
        try (FolderModelSet set = ModelFolder.open(dir)) {
            NDArray z = ContractChecks.normal(manager, new Shape(1, 2, 3, 3), DataType.FLOAT32, SEED);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> set.generator().generate(z, set.condition("a cat", 1)));
            assertOneLine(e, "generator.pt: ");
            assertTrue(e.getMessage().startsWith("generator.pt: "), e.getMessage());
            assertTrue(e.getCause() != null && e.getCause().getMessage().length() > e.getMessage().length() / 2);
            // the reward takes x only but is given (x, token ids)
            NDArray x = ContractChecks.images(manager, new Shape(1, 1, 4, 4), DataType.FLOAT32, SEED);
            e = assertThrows(IllegalArgumentException.class, () -> set.reward("aesthetic").score(x,
                    set.condition("a cat", 1)));
            assertOneLine(e, "aesthetic.pt: Expected at most 2 argument(s) for operator 'forward', but received 3 argument(s)");
        }
    }

    @Test
    void wrongOutputShapeOrTypeIsOneLineNamingTheFile() throws IOException {
        Path dir = textFolder();
        // declare 2x8 images: the generator returns 4x4
        Path wrongShape = FolderFixtures.writeTextFolder(tmp.resolve("shape"), FolderFixtures.textManifest()
                .replace("\"height\": 4, \"width\": 4", "\"height\": 2, \"width\": 8"));
        try (FolderModelSet set = ModelFolder.open(wrongShape)) {
            NDArray z = ContractChecks.normal(manager, new Shape(1, 2, 3, 3), DataType.FLOAT32, SEED);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> set.generator().generate(z, set.condition("a cat", 1)));
            assertOneLine(e, "generator.pt: generator returned images of shape (1, 1, 4, 4), expected (1, 1, 2, 8)");
        }
        new TorchScriptArchiveWriter("Double", """
                  def forward(self: __torch__.Double,
                    x: Tensor) -> Tensor:
                    return torch.to(torch.sum(torch.flatten(x, 1), [1]), 7)
                """, DataType.FLOAT32).write(dir.resolve("aesthetic.pt"));
        new TorchScriptArchiveWriter("Wide", """
                  def forward(self: __torch__.Wide,
                    x: Tensor) -> Tensor:
                    return torch.flatten(x, 1)
                """, DataType.FLOAT32).write(dir.resolve("discriminator.pt"));
        try (FolderModelSet set = ModelFolder.open(dir)) {
            NDArray x = ContractChecks.images(manager, new Shape(2, 1, 4, 4), DataType.FLOAT32, SEED);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> set.reward("aesthetic").score(x, set.condition("a cat", 2)));
            assertOneLine(e, "aesthetic.pt: forward returned float64 for float32 inputs");
            e = assertThrows(IllegalStateException.class,
                    () -> set.discriminator().orElseThrow().logits(x, set.condition("a cat", 2)));
            assertOneLine(e, "discriminator.pt: discriminator returned logits of shape (2, 16), expected (2) or "
                    + "(2, 1)");
        }
    }

    @Test
    void corruptPartsAreOneLineNamingTheFile() throws IOException {
        Path dir = textFolder();
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 42}", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("features.pt"), "not a zip", StandardCharsets.UTF_8);
        try (FolderModelSet set = ModelFolder.open(dir)) {
            ModelFolderException e = assertThrows(ModelFolderException.class, set::generator);
            assertOneLine(e, "tokenizer.json: not a HuggingFace tokenizer file");
            e = assertThrows(ModelFolderException.class, set::features);
            assertOneLine(e, "features.pt: cannot load features");
            // the aesthetic reward needs no tokenizer and still loads
            Reward r = set.reward("aesthetic");
            assertEquals("aesthetic", r.name());
        }
    }

    @Test
    void closedSetRefusesParts() throws IOException {
        FolderModelSet set = ModelFolder.open(textFolder());
        set.generator();
        set.close();
        set.close();
        assertThrows(IllegalStateException.class, set::generator);
    }
}
