package io.genalign.core.model.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.folder.ModelFolder.Conditioning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifest parsing and validation: one test per kind of error, each asserting the message names key and file. */
class ModelFolderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path dir;

    @BeforeEach
    void writeFolder() throws IOException {
        dir = FolderFixtures.writeTextFolder(tmp.resolve("model"), FolderFixtures.textManifest());
    }

    /** Rewrites the manifest after {@code edit} and expects a ModelFolderException; returns its message. */
    private String failure(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(FolderFixtures.textManifest());
        edit.accept(root);
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), JSON.writeValueAsString(root), StandardCharsets.UTF_8);
        return failure();
    }

    private String failure() {
        ModelFolderException e = assertThrows(ModelFolderException.class, () -> ModelFolder.read(dir));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }

    private static void assertNames(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' not in: " + message);
        }
    }

    @Test
    void validManifestIsRead() {
        ModelFolder f = ModelFolder.read(dir);
        assertEquals("tiny-text", f.name());
        assertEquals(new Shape(1, 4, 4), f.imageShape());
        assertEquals(PromptKind.TEXT, f.promptKind());
        assertEquals(new Shape(2, 3, 3), f.latentShape());
        assertEquals(List.of("clip-score", "aesthetic"), List.copyOf(f.rewards().keySet()));
        assertEquals(new Conditioning(Conditioning.Kind.TOKENS, "clip"), f.generator().condition());
        assertEquals("tokens:clip", f.generator().condition().toString());
        assertEquals(Conditioning.Kind.NONE, f.rewards().get("aesthetic").condition().kind());
        assertEquals(4, f.tokenizers().get("clip").maxLength());
        assertEquals(0, f.tokenizers().get("clip").padId());
        assertEquals(8, f.features().orElseThrow().dim());
        assertEquals("real.npy", f.realSamples().orElseThrow().relative());
        assertEquals(ModelFolder.DEFAULT_TEXT_PROMPT, f.defaultPrompt());
        assertTrue(f.unknownKeys().isEmpty());
        assertEquals(7, f.files().size());
        assertTrue(f.generator().file().path().isAbsolute());
    }

    @Test
    void optionalPartsMayBeAbsentAndConditionDefaultsToNone() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(FolderFixtures.textManifest());
        root.remove(List.of("features", "discriminator", "real_samples", "tokenizers"));
        ((ObjectNode) root.get("generator")).remove("condition");
        ((ObjectNode) root.get("rewards").get("clip-score")).put("condition", "none");
        root.put("default_prompt", "a red cat");
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), JSON.writeValueAsString(root), StandardCharsets.UTF_8);
        ModelFolder f = ModelFolder.read(dir);
        assertTrue(f.features().isEmpty() && f.discriminator().isEmpty() && f.realSamples().isEmpty());
        assertEquals(Conditioning.Kind.NONE, f.generator().condition().kind());
        assertEquals("a red cat", f.defaultPrompt());
    }

    @Test
    void missingManifest() throws IOException {
        Files.delete(dir.resolve(ModelFolder.MANIFEST));
        assertNames(failure(), "genalign-model.json", "not found");
        Path notAFolder = tmp.resolve("nope");
        ModelFolderException e = assertThrows(ModelFolderException.class, () -> ModelFolder.read(notAFolder));
        assertNames(e.getMessage(), "genalign-model.json", "nope");
    }

    @Test
    void notJsonGivesLineAndColumn() throws IOException {
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), "{\n  \"format\": 1,\n  \"name\": tiny\n}");
        assertNames(failure(), "genalign-model.json: not valid JSON at line 3, column");
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), "");
        assertNames(failure(), "genalign-model.json", "empty");
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), "[1, 2]");
        assertNames(failure(), "genalign-model.json", "JSON object", "a list");
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), "{\"format\": 1} {}");
        assertNames(failure(), "genalign-model.json: not valid JSON");
    }

    @Test
    void unknownOrMissingFormat() throws IOException {
        assertNames(failure(r -> r.put("format", 2)), "genalign-model.json: format 2 is not supported",
                "format 1");
        assertNames(failure(r -> r.remove("format")), "genalign-model.json: missing required key format");
        assertNames(failure(r -> r.put("format", "1")), "genalign-model.json: format must be an integer",
                "\"1\"");
    }

    @Test
    void missingKeys() throws IOException {
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).remove("file")),
                "genalign-model.json: missing required key generator.file");
        assertNames(failure(r -> r.remove("name")), "genalign-model.json: missing required key name");
        assertNames(failure(r -> ((ObjectNode) r.get("image")).remove("width")),
                "genalign-model.json: missing required key image.width");
        assertNames(failure(r -> r.remove("rewards")), "genalign-model.json: missing required key rewards");
        assertNames(failure(r -> ((ObjectNode) r.get("tokenizers").get("clip")).remove("max_length")),
                "genalign-model.json: missing required key tokenizers.clip.max_length");
        assertNames(failure(r -> ((ObjectNode) r.get("prompts")).remove("kind")),
                "genalign-model.json: missing required key prompts.kind");
    }

    @Test
    void wrongTypes() throws IOException {
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("latent_shape", "4x8x8")),
                "genalign-model.json: generator.latent_shape must be a list of positive integers, got \"4x8x8\"");
        assertNames(failure(r -> ((ArrayNode) r.get("generator").get("latent_shape")).set(1, 0)),
                "generator.latent_shape must be a list of positive integers", "[2,0,3]");
        assertNames(failure(r -> ((ObjectNode) r.get("image")).put("channels", "3")),
                "genalign-model.json: image.channels must be a positive integer, got \"3\"");
        assertNames(failure(r -> ((ObjectNode) r.get("image")).put("height", 2.5)),
                "image.height must be a positive integer");
        assertNames(failure(r -> r.put("generator", "generator.pt")),
                "genalign-model.json: generator must be a JSON object");
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("file", 3)),
                "genalign-model.json: generator.file must be a file path");
        assertNames(failure(r -> ((ObjectNode) r.get("features")).put("dim", -1)),
                "genalign-model.json: features.dim must be a positive integer");
        assertNames(failure(r -> ((ObjectNode) r.get("prompts")).put("kind", "sound")),
                "genalign-model.json: prompts.kind \"sound\" is not one of class, text, embedding");
        assertNames(failure(r -> r.put("name", " ")), "genalign-model.json: name must be a non-blank string");
    }

    @Test
    void fileNamedByAKeyIsMissing() throws IOException {
        Files.delete(dir.resolve("aesthetic.pt"));
        assertNames(failure(), "genalign-model.json: rewards.aesthetic.file names aesthetic.pt, which does not "
                + "exist");
        Files.delete(dir.resolve("tokenizer.json"));
        assertNames(failure(), "tokenizers.clip.file names tokenizer.json");
    }

    @Test
    void pathsLeavingTheFolderAreRefused() throws IOException {
        Files.writeString(tmp.resolve("outside.pt"), "x");
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("file", "../outside.pt")),
                "genalign-model.json: generator.file \"../outside.pt\" leads outside the model folder (refused)");
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("file", "sub/../../outside.pt")),
                "generator.file", "leads outside the model folder");
        String abs = tmp.resolve("outside.pt").toAbsolutePath().toString();
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("file", abs)),
                "genalign-model.json: generator.file", "absolute path", "refused");
        assertNames(failure(r -> r.put("real_samples", "..")), "real_samples \"..\" leads outside");
    }

    @Test
    void symlinksResolvingOutsideAreRefusedAndInsideAccepted() throws IOException {
        Files.writeString(tmp.resolve("outside.pt"), "x");
        Files.createSymbolicLink(dir.resolve("escape.pt"), tmp.resolve("outside.pt"));
        assertNames(failure(r -> ((ObjectNode) r.get("discriminator")).put("file", "escape.pt")),
                "genalign-model.json: discriminator.file \"escape.pt\" resolves through a symlink", "outside the "
                        + "model folder (refused)");
        Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("linked"), tmp.resolve("elsewhere"));
        Files.writeString(tmp.resolve("elsewhere/f.pt"), "x");
        assertNames(failure(r -> ((ObjectNode) r.get("discriminator")).put("file", "linked/f.pt")),
                "discriminator.file \"linked/f.pt\" resolves through a symlink");
        Files.createSymbolicLink(dir.resolve("dangling.pt"), tmp.resolve("gone.pt"));
        assertNames(failure(r -> ((ObjectNode) r.get("discriminator")).put("file", "dangling.pt")),
                "discriminator.file names dangling.pt, which is a symlink whose target does not exist");
        // a symlink whose target is inside the folder is fine
        Files.createDirectories(dir.resolve("weights"));
        Files.move(dir.resolve("discriminator.pt"), dir.resolve("weights/discriminator.pt"));
        Files.createSymbolicLink(dir.resolve("discriminator.pt"), Path.of("weights/discriminator.pt"));
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), FolderFixtures.textManifest());
        assertEquals(dir.resolve("weights/discriminator.pt").toRealPath(),
                ModelFolder.read(dir).discriminator().orElseThrow().file().path());
    }

    @Test
    void manifestSymlinkedFromOutsideIsRefused() throws IOException {
        Path elsewhere = tmp.resolve("manifest.json");
        Files.move(dir.resolve(ModelFolder.MANIFEST), elsewhere);
        Files.createSymbolicLink(dir.resolve(ModelFolder.MANIFEST), elsewhere);
        assertNames(failure(), "genalign-model.json: a symlink resolving outside the model folder");
    }

    /** The diffusion section: a named schedule or an alphas_cumprod file; every error names its key. */
    @Test
    void diffusionSectionIsValidated() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(FolderFixtures.textManifest());
        ObjectNode d = root.putObject("diffusion");
        d.put("file", "generator.pt").put("condition", "tokens:clip");
        d.putObject("schedule").put("kind", "linear").put("T", 10).put("beta_start", 1e-4).put("beta_end", 0.02);
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), JSON.writeValueAsString(root), StandardCharsets.UTF_8);
        ModelFolder f = ModelFolder.read(dir);
        ModelFolder.DiffusionSpec spec = f.diffusion().orElseThrow();
        assertEquals(10, spec.alphasCumprod().length);
        assertEquals(1 - 1e-4, spec.alphasCumprod()[0], 1e-15);
        double prod = 1;
        for (int t = 0; t < 10; t++) {
            prod *= 1 - (1e-4 + (0.02 - 1e-4) * t / 9.0);
        }
        assertEquals(prod, spec.alphasCumprod()[9], 1e-15);
        assertEquals(new Conditioning(Conditioning.Kind.TOKENS, "clip"), spec.module().condition());
        assertTrue(f.unknownKeys().isEmpty());
        assertEquals(8, f.files().size(), "the diffusion network is listed (provenance hashes it)");

        io.genalign.core.io.Npy.write(dir.resolve("ab.npy"), new io.genalign.core.io.NpyArray(new long[] {3},
                new double[] {0.9, 0.5, 0.1}, io.genalign.core.io.NpyDtype.FLOAT64));
        d.remove("schedule");
        d.put("alphas_cumprod", "ab.npy");
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), JSON.writeValueAsString(root), StandardCharsets.UTF_8);
        assertEquals(0.5, ModelFolder.read(dir).diffusion().orElseThrow().alphasCumprod()[1], 0);

        io.genalign.core.io.Npy.write(dir.resolve("up.npy"), new io.genalign.core.io.NpyArray(new long[] {3},
                new double[] {0.5, 0.9, 0.1}, io.genalign.core.io.NpyDtype.FLOAT64));
        assertNames(failure(r -> {
            diffusion(r).remove("schedule");
            ((ObjectNode) r.get("diffusion")).put("alphas_cumprod", "up.npy");
        }), "genalign-model.json: "
                + "diffusion.alphas_cumprod up.npy must decrease strictly and lie in (0, 1); value 1 is 0.9");
        assertNames(failure(r -> {
            diffusion(r).put("alphas_cumprod", "ab.npy");
        }), "diffusion needs exactly one of schedule and alphas_cumprod (both are given)");
        assertNames(failure(r -> diffusion(r).remove("schedule")), "diffusion needs exactly one of schedule and "
                + "alphas_cumprod (neither is given)");
        assertNames(failure(r -> ((ObjectNode) diffusion(r).get("schedule")).put("kind", "quadratic")),
                "diffusion.schedule.kind \"quadratic\" is not a known schedule");
        assertNames(failure(r -> ((ObjectNode) diffusion(r).get("schedule")).put("T", 1)),
                "diffusion.schedule.T must be at least 2");
        assertNames(failure(r -> ((ObjectNode) diffusion(r).get("schedule")).put("beta_start", 2)),
                "diffusion.schedule.beta_start must be a number in (0, 1), got 2");
        assertNames(failure(r -> diffusion(r).put("file", "nope.pt")), "diffusion.file names nope.pt, which does "
                + "not exist");
        assertNames(failure(r -> diffusion(r).put("condition", "tokens:t5")), "diffusion.condition \"tokens:t5\"");
    }

    private static ObjectNode diffusion(ObjectNode root) {
        ObjectNode d = root.putObject("diffusion");
        d.put("file", "generator.pt").put("condition", "tokens:clip");
        d.putObject("schedule").put("kind", "linear").put("T", 10).put("beta_start", 1e-4).put("beta_end", 0.02);
        return d;
    }

    @Test
    void unknownCondition() throws IOException {
        assertNames(failure(r -> ((ObjectNode) r.get("rewards").get("aesthetic")).put("condition", "prompt")),
                "genalign-model.json: rewards.aesthetic.condition \"prompt\" is not a known condition");
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("condition", "tokens:")),
                "genalign-model.json: generator.condition \"tokens:\" is not a known condition");
        assertNames(failure(r -> ((ObjectNode) r.get("generator")).put("condition", "class")),
                "genalign-model.json: generator.condition \"class\" needs prompts.kind \"class\"");
        assertNames(failure(r -> ((ObjectNode) r.get("discriminator")).put("condition", "embedding")),
                "genalign-model.json: discriminator.condition \"embedding\" needs prompts.kind \"embedding\"");
    }

    @Test
    void tokensConditionNeedsItsTokenizer() throws IOException {
        assertNames(failure(r -> ((ObjectNode) r.get("rewards").get("clip-score")).put("condition", "tokens:t5")),
                "genalign-model.json: rewards.clip-score.condition \"tokens:t5\" names tokenizer \"t5\", but "
                        + "tokenizers has no \"t5\" (declared: clip)");
        assertNames(failure(r -> r.remove("tokenizers")), "generator.condition", "no tokenizers are declared");
    }

    @Test
    void duplicateAndEmptyRewardNames() throws IOException {
        String text = FolderFixtures.textManifest().replace("\"aesthetic\": {", "\"clip-score\": {");
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), text);
        assertNames(failure(), "genalign-model.json: duplicate key \"clip-score\" in rewards", "line 9",
                "reward names must be unique");
        assertNames(failure(r -> ((ObjectNode) r.get("rewards")).set("", r.get("rewards").get("aesthetic"))),
                "genalign-model.json: rewards has an empty reward name");
        assertNames(failure(r -> ((ObjectNode) r.get("rewards")).set("  ", r.get("rewards").get("aesthetic"))),
                "rewards has an empty reward name");
        assertNames(failure(r -> r.set("rewards", JSON.createObjectNode())),
                "genalign-model.json: rewards must name at least one reward");
    }

    @Test
    void onlyTheMinusOneToOneRangeIsSupported() throws IOException {
        assertNames(failure(r -> ((ObjectNode) r.get("image")).set("range", JSON.createArrayNode().add(0).add(1))),
                "genalign-model.json: image.range [0,1] is not supported: only [-1, 1] is");
        assertNames(failure(r -> ((ObjectNode) r.get("image")).put("range", "[-1, 1]")),
                "image.range must be a list of two numbers");
        ObjectNode root = (ObjectNode) JSON.readTree(FolderFixtures.textManifest());
        ((ObjectNode) root.get("image")).set("range", JSON.createArrayNode().add(-1.0).add(1.0));
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), JSON.writeValueAsString(root));
        assertEquals(new Shape(1, 4, 4), ModelFolder.read(dir).imageShape());
    }

    @Test
    void unknownKeysAreListedNotRefused() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(FolderFixtures.textManifest());
        root.put("license", "MIT");
        ((ObjectNode) root.get("generator")).put("dtype", "float16");
        ((ObjectNode) root.get("rewards").get("aesthetic")).put("weight", 2);
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), JSON.writeValueAsString(root));
        assertEquals(List.of("license", "generator.dtype", "rewards.aesthetic.weight"),
                ModelFolder.read(dir).unknownKeys());
    }

    @Test
    void classPromptsAreValidated() throws IOException {
        Path classes = FolderFixtures.writeClassFolder(tmp.resolve("classes"));
        ModelFolder f = ModelFolder.read(classes);
        assertEquals(List.of("T-shirt/top", "trouser", "ankle boot"), f.classes());
        assertEquals(Map.of("tshirt", "T-shirt/top", "boot", "ankle boot"), f.synonyms());
        assertEquals("T-shirt/top", f.defaultPrompt());
        dir = classes;
        String manifest = Files.readString(classes.resolve(ModelFolder.MANIFEST));
        Files.writeString(classes.resolve(ModelFolder.MANIFEST), manifest.replace("\"Ankle Boot\"", "\"sandal\""));
        assertNames(failure(), "genalign-model.json: prompts.synonyms.boot names \"sandal\", which is not one of "
                + "prompts.classes");
        Files.writeString(classes.resolve(ModelFolder.MANIFEST), manifest.replace("\"trouser\"", "\"TROUSER\", "
                + "\"trouser\""));
        assertNames(failure(), "genalign-model.json: prompts.classes[2] \"trouser\" repeats an earlier class");
        Files.writeString(classes.resolve(ModelFolder.MANIFEST), manifest.replace("\"classes\": [\"T-shirt/top\", "
                + "\"trouser\", \"ankle boot\"]", "\"classes\": []"));
        assertNames(failure(), "genalign-model.json: prompts.classes must be a non-empty list");
        Files.writeString(classes.resolve(ModelFolder.MANIFEST), manifest.replace("\"format\": 1,",
                "\"format\": 1, \"default_prompt\": \"sandal\","));
        assertNames(failure(), "genalign-model.json: default_prompt \"sandal\" is not one of prompts.classes");
    }

    @Test
    void embeddingPromptsAreValidated() throws IOException {
        Path emb = FolderFixtures.writeEmbeddingFolder(tmp.resolve("emb"), Map.of("a-red-cat", new double[] {1, 2, 3},
                "dog", new double[] {0, 0, 1}));
        ModelFolder f = ModelFolder.read(emb);
        assertEquals(List.of("a-red-cat", "dog"), List.copyOf(f.embeddings().keySet()));
        assertEquals("prompts/dog.npy", f.embeddings().get("dog").relative());
        assertEquals("a-red-cat", f.defaultPrompt());
        dir = emb;
        Files.writeString(emb.resolve("prompts/Big Dog.npy"), "x");
        assertNames(failure(), "prompts/Big Dog.npy: the file name is not a prompt slug", "big-dog.npy");
        Files.delete(emb.resolve("prompts/Big Dog.npy"));
        String manifest = Files.readString(emb.resolve(ModelFolder.MANIFEST));
        Files.writeString(emb.resolve(ModelFolder.MANIFEST), manifest.replace("\"dir\": \"prompts\"",
                "\"dir\": \"generator.pt\""));
        assertNames(failure(), "genalign-model.json: prompts.dir names generator.pt, which is not a folder");
        Files.createDirectories(emb.resolve("empty"));
        Files.writeString(emb.resolve(ModelFolder.MANIFEST), manifest.replace("\"dir\": \"prompts\"",
                "\"dir\": \"empty\""));
        assertNames(failure(), "genalign-model.json: prompts.dir \"empty\" holds no .npy embeddings");
    }

    @Test
    void slugs() {
        assertEquals("a-photo-of-a-cat", ModelFolder.slug("A photo of a Cat!"));
        assertEquals("t-shirt-top", ModelFolder.slug("  T-shirt/top "));
        assertEquals("caf", ModelFolder.slug("café"));
        assertEquals("", ModelFolder.slug("!!!"));
        assertEquals("x1-2", ModelFolder.slug("--x1__2--"));
    }

    @Test
    void longValuesAreShortenedInMessages() throws IOException {
        String longName = "x".repeat(200);
        String m = failure(r -> ((ObjectNode) r.get("generator")).set("latent_shape",
                JSON.createArrayNode().add(longName)));
        assertTrue(m.length() < 200, m);
    }
}
