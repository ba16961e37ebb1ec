package io.genalign.core.model.folder;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.genalign.core.model.PromptKind;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's model folder: {@value #MANIFEST} (format {@value #FORMAT}) beside the files it names, parsed and
 * validated. {@link #open(Path)} turns it into a {@link FolderModelSet}, the {@link io.genalign.core.model.ModelSet}
 * commands use.
 *
 * <p>Manifest (keys not listed are allowed and logged as a warning naming them, see {@link #unknownKeys()}):
 *
 * <pre>
 * format         1 (required)
 * name           non-blank string (required)
 * image          {"channels": C, "height": H, "width": W, "range": [-1, 1]} (required; range optional, and
 *                only [-1, 1] is supported: other ranges are refused, the modules must map to [-1, 1] themselves)
 * prompts        {"kind": "class", "classes": [...], "synonyms": {alias: class}}  (synonyms optional)
 *              | {"kind": "text"}
 *              | {"kind": "embedding", "dir": folder of PROMPT-SLUG.npy files}            (required)
 * tokenizers     {NAME: {"file": tokenizer.json, "max_length": L, "pad_id": 0}}      (optional; pad_id optional)
 * generator      {"file": F, "latent_shape": [positive ints], "condition": C}         (required)
 * rewards        {NAME: {"file": F, "condition": C}, ...}                (required, at least one, non-blank names)
 * features       {"file": F, "dim": D}                                                 (optional)
 * discriminator  {"file": F, "condition": C}                                           (optional)
 * real_samples   F, a .npy of shape (N, C, H, W)                                       (optional)
 * default_prompt a prompt of the set (optional; for text sets the default is "a photo")
 * diffusion      {"file": F, "condition": C, "schedule": S} | {"file": F, "condition": C, "alphas_cumprod": N}
 *                (optional) an epsilon-prediction TorchScript network forward(x_t (B,C,H,W) float, t (B) int64,
 *                condition) -&gt; eps (B,C,H,W) on images of the manifest's image shape, with its noise schedule:
 *                S = {"kind": "linear" | "scaled_linear", "T": T, "beta_start": b0, "beta_end": b1}
 *                  | {"kind": "cosine", "T": T}; or N, a .npy of abar_t for t = 0..T−1 (1-D, decreasing, in (0, 1))
 * </pre>
 *
 * <p>A condition C is {@code none} (the module's {@code forward} takes the input only; the default when the key is
 * absent), {@code class} (prompts.kind must be {@code class}), {@code embedding} (prompts.kind must be {@code
 * embedding}), or {@code tokens:NAME} (NAME must be a key of {@code tokenizers}). See {@link Conditioning}.
 *
 * <p>Files: every file value is a path relative to the folder. Absolute paths, paths that leave the folder
 * ({@code ..}) and symlinks whose target lies outside the folder are refused, as is a missing file. The
 * manifest is read once; files are checked for existence here but only read when a part is loaded.
 *
 * <p>Errors: everything wrong throws {@link ModelFolderException} (an {@link IllegalArgumentException}) with a
 * one-line message starting with the folder-relative file at fault and naming the JSON key path, e.g. {@code
 * genalign-model.json: generator.latent_shape must be a list of positive integers, got "4x8x8"}. Immutable.
 */
public final class ModelFolder {
    /** The manifest's file name. */
    public static final String MANIFEST = "genalign-model.json";
    /** The manifest format this class reads. */
    public static final int FORMAT = 1;
    /** The default prompt of text sets without {@code default_prompt}. */
    public static final String DEFAULT_TEXT_PROMPT = "a photo";

    private static final Logger LOG = LoggerFactory.getLogger(ModelFolder.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** A file named by the manifest: the text given there and the resolved absolute path inside the folder. */
    public record FileRef(String relative, Path path) {
        public FileRef {
            Objects.requireNonNull(relative, "relative");
            Objects.requireNonNull(path, "path");
        }
    }

    /** How a module receives the condition (the manifest's {@code condition} value). */
    public record Conditioning(Kind kind, String tokenizer) {
        /** The condition kinds. */
        public enum Kind {
            /** {@code forward(x)}. */
            NONE,
            /** {@code forward(x, class_ids)}, int64 (B). */
            CLASS,
            /** {@code forward(x, token_ids)}, int64 (B, max_length) from the named tokenizer. */
            TOKENS,
            /** {@code forward(x, embeddings)}, the prompts' .npy embeddings stacked to (B, ...). */
            EMBEDDING
        }

        public Conditioning {
            Objects.requireNonNull(kind, "kind");
            if ((kind == Kind.TOKENS) != (tokenizer != null)) {
                throw new IllegalArgumentException("a tokenizer name goes with TOKENS only");
            }
        }

        /** The manifest form: {@code none}, {@code class}, {@code embedding} or {@code tokens:NAME}. */
        @Override
        public String toString() {
            return kind == Kind.TOKENS ? "tokens:" + tokenizer : kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A TorchScript module of the folder.
     *
     * @param key       the manifest key path ({@code generator}, {@code rewards.NAME}, {@code discriminator},
     *                  {@code features})
     * @param file      its file
     * @param condition how it receives the condition
     */
    public record ModuleSpec(String key, FileRef file, Conditioning condition) {}

    /** A tokenizer of the folder ({@code tokenizers.NAME}). */
    public record TokenizerSpec(String name, FileRef file, int maxLength, long padId) {}

    /** The feature extractor ({@code features}). */
    public record FeaturesSpec(FileRef file, int dim) {}

    /**
     * {@code diffusion}: the epsilon network and its forward process.
     *
     * @param module        the network (key {@code diffusion})
     * @param alphasCumprod abar_t for t = 0..T−1
     * @param schedule      the schedule as the manifest gave it, e.g. {@code linear T=1000 beta 0.0001..0.02}
     */
    public record DiffusionSpec(ModuleSpec module, double[] alphasCumprod, String schedule) {}

    private final Path dir;
    private final Path manifest;
    private final String name;
    private final Shape imageShape;
    private final PromptKind promptKind;
    private final List<String> classes;
    private final Map<String, String> synonyms;
    private final FileRef promptDir;
    private final Map<String, FileRef> embeddings;
    private final String defaultPrompt;
    private final Map<String, TokenizerSpec> tokenizers;
    private final ModuleSpec generator;
    private final Shape latentShape;
    private final Map<String, ModuleSpec> rewards;
    private final FeaturesSpec features;
    private final ModuleSpec discriminator;
    private final FileRef realSamples;
    private final DiffusionSpec diffusion;
    private final List<String> unknownKeys;

    private ModelFolder(Parser p) {
        this.dir = p.dir;
        this.manifest = p.manifest;
        this.name = p.name;
        this.imageShape = p.imageShape;
        this.promptKind = p.promptKind;
        this.classes = List.copyOf(p.classes);
        this.synonyms = Collections.unmodifiableMap(new LinkedHashMap<>(p.synonyms));
        this.promptDir = p.promptDir;
        this.embeddings = Collections.unmodifiableMap(new LinkedHashMap<>(p.embeddings));
        this.defaultPrompt = p.defaultPrompt;
        this.tokenizers = Collections.unmodifiableMap(new LinkedHashMap<>(p.tokenizers));
        this.generator = p.generator;
        this.latentShape = p.latentShape;
        this.rewards = Collections.unmodifiableMap(new LinkedHashMap<>(p.rewards));
        this.features = p.features;
        this.discriminator = p.discriminator;
        this.realSamples = p.realSamples;
        this.diffusion = p.diffusion;
        this.unknownKeys = List.copyOf(p.unknown);
    }

    /**
     * Reads and validates the folder's manifest and checks that every file it names exists inside the folder;
     * logs a warning naming unknown keys. Nothing heavy is loaded.
     *
     * @throws ModelFolderException for every problem, with a one-line message naming the file and key
     */
    public static ModelFolder read(Path dir) {
        Objects.requireNonNull(dir, "model folder");
        ModelFolder folder = new ModelFolder(new Parser(dir).parse());
        if (!folder.unknownKeys.isEmpty()) {
            LOG.warn("{}: ignoring unknown keys {} in {}", MANIFEST, String.join(", ", folder.unknownKeys),
                    folder.dir);
        }
        return folder;
    }

    /** {@link #read(Path)} then a {@link FolderModelSet} over it (parts load lazily); the caller closes it. */
    public static FolderModelSet open(Path dir) {
        return new FolderModelSet(read(dir));
    }

    /**
     * The file name of a prompt's embedding without {@code .npy}: the prompt lowercased, every run of characters
     * other than {@code a-z} and {@code 0-9} replaced by one {@code -}, and leading/trailing {@code -} removed
     * ({@code "A photo of a Cat!"} → {@code a-photo-of-a-cat}). May be empty.
     */
    public static String slug(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        String s = prompt.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '-') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '-') {
            to--;
        }
        return s.substring(from, to);
    }

    /** The folder (absolute, symlinks resolved). */
    public Path dir() {
        return dir;
    }

    /** The manifest file. */
    public Path manifest() {
        return manifest;
    }

    /** The manifest's {@code name}. */
    public String name() {
        return name;
    }

    /** (C, H, W) from {@code image}. */
    public Shape imageShape() {
        return imageShape;
    }

    /** {@code prompts.kind}. */
    public PromptKind promptKind() {
        return promptKind;
    }

    /** {@code prompts.classes} (class sets; empty otherwise). */
    public List<String> classes() {
        return classes;
    }

    /** {@code prompts.synonyms}: alias → class name as written in {@code classes} (class sets; may be empty). */
    public Map<String, String> synonyms() {
        return synonyms;
    }

    /** {@code prompts.dir} (embedding sets). */
    public Optional<FileRef> promptDir() {
        return Optional.ofNullable(promptDir);
    }

    /** Embedding sets: prompt slug → its .npy file, sorted by slug; empty otherwise. */
    public Map<String, FileRef> embeddings() {
        return embeddings;
    }

    /** {@code default_prompt}, else the first class, the first embedding, or {@value #DEFAULT_TEXT_PROMPT}. */
    public String defaultPrompt() {
        return defaultPrompt;
    }

    /** {@code tokenizers}, in manifest order. */
    public Map<String, TokenizerSpec> tokenizers() {
        return tokenizers;
    }

    /** {@code generator}. */
    public ModuleSpec generator() {
        return generator;
    }

    /** {@code generator.latent_shape}. */
    public Shape latentShape() {
        return latentShape;
    }

    /** {@code rewards}, in manifest order (at least one). */
    public Map<String, ModuleSpec> rewards() {
        return rewards;
    }

    /** {@code features}. */
    public Optional<FeaturesSpec> features() {
        return Optional.ofNullable(features);
    }

    /** {@code diffusion}. */
    public Optional<DiffusionSpec> diffusion() {
        return Optional.ofNullable(diffusion);
    }

    /** {@code discriminator}. */
    public Optional<ModuleSpec> discriminator() {
        return Optional.ofNullable(discriminator);
    }

    /** {@code real_samples}. */
    public Optional<FileRef> realSamples() {
        return Optional.ofNullable(realSamples);
    }

    /** Key paths of the manifest this version does not know (ignored, logged as a warning when read). */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /** Every file the manifest names (manifest order; embeddings by slug). */
    public List<FileRef> files() {
        List<FileRef> all = new ArrayList<>();
        tokenizers.values().forEach(t -> all.add(t.file()));
        all.add(generator.file());
        rewards.values().forEach(r -> all.add(r.file()));
        if (features != null) {
            all.add(features.file());
        }
        if (discriminator != null) {
            all.add(discriminator.file());
        }
        if (realSamples != null) {
            all.add(realSamples);
        }
        all.addAll(embeddings.values());
        if (diffusion != null) {
            all.add(diffusion.module().file());
        }
        return all;
    }

    @Override
    public String toString() {
        return "ModelFolder[" + name + ", " + dir + "]";
    }

    /** The one-pass validating reader; every error goes through {@link #fail(String)}. */
    private static final class Parser {
        private static final Set<String> TOP = Set.of("format", "name", "image", "prompts", "tokenizers",
                "generator", "rewards", "features", "discriminator", "real_samples", "default_prompt", "diffusion");

        private final Path given;
        private Path dir;
        private Path manifest;
        private String name;
        private Shape imageShape;
        private PromptKind promptKind;
        private final List<String> classes = new ArrayList<>();
        private final Map<String, String> synonyms = new LinkedHashMap<>();
        private FileRef promptDir;
        private final Map<String, FileRef> embeddings = new LinkedHashMap<>();
        private String defaultPrompt;
        private final Map<String, TokenizerSpec> tokenizers = new LinkedHashMap<>();
        private ModuleSpec generator;
        private Shape latentShape;
        private final Map<String, ModuleSpec> rewards = new LinkedHashMap<>();
        private FeaturesSpec features;
        private ModuleSpec discriminator;
        private FileRef realSamples;
        private DiffusionSpec diffusion;
        private final List<String> unknown = new ArrayList<>();

        Parser(Path given) {
            this.given = given;
        }

        Parser parse() {
            JsonNode root = readManifest();
            if (!root.isObject()) {
                throw fail("the manifest must be a JSON object, got " + kindOf(root));
            }
            JsonNode format = root.get("format");
            if (format == null) {
                throw fail("missing required key format (this genalign reads format " + FORMAT + ")");
            }
            if (!format.isIntegralNumber()) {
                throw fail("format must be an integer, got " + show(format));
            }
            if (!format.canConvertToInt() || format.intValue() != FORMAT) {
                throw fail("format " + format.asText() + " is not supported (this genalign reads format " + FORMAT
                        + ")");
            }
            unknownKeys(root, "", TOP);
            name = string(root, "", "name", true);
            readImage(required(root, "", "image"));
            readPrompts(required(root, "", "prompts"));
            JsonNode tok = optionalObject(root, "", "tokenizers");
            if (tok != null) {
                readTokenizers(tok);
            }
            JsonNode gen = required(root, "", "generator");
            requireObject(gen, "generator");
            unknownKeys(gen, "generator", Set.of("file", "latent_shape", "condition"));
            latentShape = positiveInts(gen, "generator", "latent_shape");
            generator = module(gen, "generator");
            readRewards(required(root, "", "rewards"));
            JsonNode feat = optionalObject(root, "", "features");
            if (feat != null) {
                unknownKeys(feat, "features", Set.of("file", "dim"));
                features = new FeaturesSpec(file(feat, "features", "file"), positiveInt(feat, "features", "dim"));
            }
            JsonNode disc = optionalObject(root, "", "discriminator");
            if (disc != null) {
                unknownKeys(disc, "discriminator", Set.of("file", "condition"));
                discriminator = module(disc, "discriminator");
            }
            if (root.has("real_samples")) {
                realSamples = file(root, "", "real_samples");
            }
            readDefaultPrompt(root);
            JsonNode diff = optionalObject(root, "", "diffusion");
            if (diff != null) {
                readDiffusion(diff);
            }
            return this;
        }

        private JsonNode readManifest() {
            if (!Files.isDirectory(given)) {
                throw new ModelFolderException(MANIFEST + ": not found: " + given.toAbsolutePath()
                        + " is not a folder");
            }
            try {
                dir = given.toRealPath();
            } catch (IOException e) {
                throw new ModelFolderException(MANIFEST + ": cannot resolve the model folder " + given + " (" + e
                        + ")", e);
            }
            Path m = dir.resolve(MANIFEST);
            if (!Files.exists(m, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModelFolderException(MANIFEST + ": not found in " + dir + " (a model folder holds "
                        + MANIFEST + " beside the files it names)");
            }
            manifest = insideFolder(m, MANIFEST, MANIFEST);
            if (!Files.isRegularFile(manifest)) {
                throw new ModelFolderException(MANIFEST + ": not a regular file in " + dir);
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(manifest);
            } catch (IOException e) {
                throw new ModelFolderException(MANIFEST + ": cannot read (" + e + ")", e);
            }
            try {
                JsonNode root = JSON.readTree(bytes);
                if (root == null || root.isMissingNode()) {
                    throw fail("the file is empty; expected a JSON object");
                }
                return root;
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
                String why = firstLine(e.getOriginalMessage());
                if (why.startsWith("Duplicate field")) {
                    String key = why.replaceFirst("^Duplicate field '(.*)'$", "$1");
                    String in = duplicatePath(e);
                    throw fail("duplicate key \"" + key + "\"" + (in.isEmpty() ? "" : " in " + in) + where
                            + (in.equals("rewards") ? " (reward names must be unique)" : ""), e);
                }
                throw fail("not valid JSON" + where + ": " + why, e);
            } catch (IOException e) {
                throw new ModelFolderException(MANIFEST + ": cannot read (" + e + ")", e);
            }
        }

        /** The key path of the object holding a duplicate key, from the parser's context ("" at top level). */
        private static String duplicatePath(JsonProcessingException e) {
            if (!(e.getProcessor() instanceof JsonParser p)) {
                return "";
            }
            List<String> names = new ArrayList<>();
            JsonStreamContext ctx = p.getParsingContext();
            ctx = ctx == null ? null : ctx.getParent(); // ctx is the object holding the duplicate
            for (; ctx != null; ctx = ctx.getParent()) {
                if (ctx.inObject() && ctx.getCurrentName() != null) {
                    names.add(0, ctx.getCurrentName());
                } else if (ctx.inArray()) {
                    names.add(0, "[" + Math.max(0, ctx.getCurrentIndex()) + "]");
                }
            }
            return String.join(".", names).replace(".[", "[");
        }

        private void readImage(JsonNode image) {
            requireObject(image, "image");
            unknownKeys(image, "image", Set.of("channels", "height", "width", "range"));
            int c = positiveInt(image, "image", "channels");
            int h = positiveInt(image, "image", "height");
            int w = positiveInt(image, "image", "width");
            imageShape = new Shape(c, h, w);
            JsonNode range = image.get("range");
            if (range != null) {
                if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()) {
                    throw fail("image.range must be a list of two numbers, got " + show(range));
                }
                if (range.get(0).doubleValue() != -1 || range.get(1).doubleValue() != 1) {
                    throw fail("image.range " + show(range) + " is not supported: only [-1, 1] is (the generator "
                            + "must output, and rewards take, images in [-1, 1]; map the range inside the modules)");
                }
            }
        }

        private void readPrompts(JsonNode prompts) {
            requireObject(prompts, "prompts");
            String kind = string(prompts, "prompts", "kind", true);
            switch (kind) {
                case "class" -> {
                    promptKind = PromptKind.CLASS;
                    unknownKeys(prompts, "prompts", Set.of("kind", "classes", "synonyms"));
                    readClasses(prompts);
                }
                case "text" -> {
                    promptKind = PromptKind.TEXT;
                    unknownKeys(prompts, "prompts", Set.of("kind"));
                }
                case "embedding" -> {
                    promptKind = PromptKind.EMBEDDING;
                    unknownKeys(prompts, "prompts", Set.of("kind", "dir"));
                    readEmbeddings(prompts);
                }
                default -> throw fail("prompts.kind \"" + kind + "\" is not one of class, text, embedding");
            }
        }

        private void readClasses(JsonNode prompts) {
            JsonNode list = required(prompts, "prompts", "classes");
            if (!list.isArray() || list.isEmpty()) {
                throw fail("prompts.classes must be a non-empty list of class names, got " + show(list));
            }
            Set<String> seen = new TreeSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode c = list.get(i);
                if (!c.isTextual() || c.asText().isBlank()) {
                    throw fail("prompts.classes[" + i + "] must be a non-blank string, got " + show(c));
                }
                if (!seen.add(fold(c.asText()))) {
                    throw fail("prompts.classes[" + i + "] \"" + c.asText() + "\" repeats an earlier class "
                            + "(classes are compared case-insensitively)");
                }
                classes.add(c.asText().strip());
            }
            JsonNode syn = optionalObject(prompts, "prompts", "synonyms");
            if (syn == null) {
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = syn.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = "prompts.synonyms." + e.getKey();
                if (e.getKey().isBlank()) {
                    throw fail("prompts.synonyms has an empty name");
                }
                if (!e.getValue().isTextual()) {
                    throw fail(key + " must be a class name (a string), got " + show(e.getValue()));
                }
                String target = classFor(e.getValue().asText());
                if (target == null) {
                    throw fail(key + " names \"" + e.getValue().asText() + "\", which is not one of prompts.classes "
                            + classes);
                }
                String other = classFor(e.getKey());
                if (other != null && !other.equals(target)) {
                    throw fail(key + " is itself the class \"" + other + "\" but maps to \"" + target + "\"");
                }
                synonyms.put(e.getKey().strip(), target);
            }
        }

        private String classFor(String prompt) {
            String f = fold(prompt);
            for (String c : classes) {
                if (fold(c).equals(f)) {
                    return c;
                }
            }
            return null;
        }

        private void readEmbeddings(JsonNode prompts) {
            promptDir = path(prompts, "prompts", "dir", true);
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(promptDir.path(), "*.npy")) {
                ds.forEach(files::add);
            } catch (IOException e) {
                throw fail("prompts.dir \"" + promptDir.relative() + "\" cannot be listed (" + e + ")", e);
            }
            Collections.sort(files);
            for (Path f : files) {
                String file = f.getFileName().toString();
                String stem = file.substring(0, file.length() - ".npy".length());
                String rel = promptDir.relative().replaceAll("/+$", "") + "/" + file;
                if (!stem.equals(slug(stem)) || stem.isEmpty()) {
                    throw new ModelFolderException(rel + ": the file name is not a prompt slug (lowercase a-z, 0-9 "
                            + "and '-'); rename it to " + slug(stem) + ".npy");
                }
                Path real = insideFolder(f, rel, "prompts.dir");
                if (!Files.isRegularFile(real)) {
                    throw new ModelFolderException(rel + ": not a regular file");
                }
                embeddings.put(stem, new FileRef(rel, real));
            }
            if (embeddings.isEmpty()) {
                throw fail("prompts.dir \"" + promptDir.relative() + "\" holds no .npy embeddings (one "
                        + "PROMPT-SLUG.npy per prompt)");
            }
        }

        private void readTokenizers(JsonNode tok) {
            for (Iterator<Map.Entry<String, JsonNode>> it = tok.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().isBlank()) {
                    throw fail("tokenizers has an empty name");
                }
                String key = "tokenizers." + e.getKey();
                JsonNode t = e.getValue();
                requireObject(t, key);
                unknownKeys(t, key, Set.of("file", "max_length", "pad_id"));
                FileRef file = file(t, key, "file");
                int maxLength = positiveInt(t, key, "max_length");
                long padId = 0;
                if (t.has("pad_id")) {
                    JsonNode p = t.get("pad_id");
                    if (!p.isIntegralNumber() || !p.canConvertToLong() || p.longValue() < 0) {
                        throw fail(key + ".pad_id must be a non-negative integer, got " + show(p));
                    }
                    padId = p.longValue();
                }
                tokenizers.put(e.getKey(), new TokenizerSpec(e.getKey(), file, maxLength, padId));
            }
        }

        private void readRewards(JsonNode rw) {
            requireObject(rw, "rewards");
            if (rw.isEmpty()) {
                throw fail("rewards must name at least one reward");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = rw.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().isBlank()) {
                    throw fail("rewards has an empty reward name (\"" + e.getKey() + "\")");
                }
                if (!e.getKey().equals(e.getKey().strip())) {
                    throw fail("rewards has a name with leading or trailing spaces (\"" + e.getKey() + "\")");
                }
                String key = "rewards." + e.getKey();
                requireObject(e.getValue(), key);
                unknownKeys(e.getValue(), key, Set.of("file", "condition"));
                rewards.put(e.getKey(), module(e.getValue(), key));
            }
        }

        private void readDiffusion(JsonNode d) {
            unknownKeys(d, "diffusion", Set.of("file", "condition", "schedule", "alphas_cumprod"));
            ModuleSpec module = module(d, "diffusion");
            if (d.has("schedule") == d.has("alphas_cumprod")) {
                throw fail("diffusion needs exactly one of schedule and alphas_cumprod" + (d.has("schedule")
                        ? " (both are given)" : " (neither is given)"));
            }
            double[] ab;
            String described;
            if (d.has("alphas_cumprod")) {
                FileRef f = file(d, "diffusion", "alphas_cumprod");
                NpyArray a;
                try {
                    a = Npy.read(f.path());
                } catch (IOException | RuntimeException e) {
                    throw fail("diffusion.alphas_cumprod " + f.relative() + " is not a readable .npy file ("
                            + firstLine(String.valueOf(e.getMessage())) + ")", e);
                }
                if (a.shape().length != 1 || a.shape()[0] < 2) {
                    throw fail("diffusion.alphas_cumprod " + f.relative() + " must be 1-D with at least 2 values "
                            + "(abar_t for t = 0..T-1), got shape " + java.util.Arrays.toString(a.shape()));
                }
                ab = a.data();
                for (int t = 0; t < ab.length; t++) {
                    if (!(ab[t] > 0 && ab[t] < 1) || (t > 0 && !(ab[t] < ab[t - 1]))) {
                        throw fail("diffusion.alphas_cumprod " + f.relative() + " must decrease strictly and lie in "
                                + "(0, 1); value " + t + " is " + ab[t]);
                    }
                }
                described = "alphas_cumprod " + f.relative() + " T=" + ab.length;
            } else {
                JsonNode s = d.get("schedule");
                requireObject(s, "diffusion.schedule");
                String kind = string(s, "diffusion.schedule", "kind", true);
                int steps = positiveInt(s, "diffusion.schedule", "T");
                if (steps < 2) {
                    throw fail("diffusion.schedule.T must be at least 2, got " + steps);
                }
                switch (kind) {
                    case "linear", "scaled_linear" -> {
                        unknownKeys(s, "diffusion.schedule", Set.of("kind", "T", "beta_start", "beta_end"));
                        double b0 = unitNumber(s, "diffusion.schedule", "beta_start");
                        double b1 = unitNumber(s, "diffusion.schedule", "beta_end");
                        if (!(b0 <= b1)) {
                            throw fail("diffusion.schedule.beta_start " + b0 + " must not exceed beta_end " + b1);
                        }
                        ab = new double[steps];
                        double prod = 1;
                        for (int t = 0; t < steps; t++) {
                            double u = (double) t / (steps - 1);
                            double beta = kind.equals("linear") ? b0 + (b1 - b0) * u
                                    : Math.pow(Math.sqrt(b0) + (Math.sqrt(b1) - Math.sqrt(b0)) * u, 2);
                            prod *= 1 - beta;
                            ab[t] = prod;
                        }
                        described = kind + " T=" + steps + " beta " + b0 + ".." + b1;
                    }
                    case "cosine" -> {
                        unknownKeys(s, "diffusion.schedule", Set.of("kind", "T"));
                        ab = new double[steps];
                        double prev = 1;
                        for (int t = 0; t < steps; t++) {
                            double raw = cosineG((t + 1.0) / steps) / cosineG(0);
                            double beta = Math.min(0.999, 1 - raw / prev);
                            prev *= 1 - beta;
                            ab[t] = prev;
                        }
                        described = "cosine T=" + steps;
                    }
                    default -> throw fail("diffusion.schedule.kind \"" + kind + "\" is not a known schedule "
                            + "(linear, scaled_linear, cosine; or give diffusion.alphas_cumprod)");
                }
            }
            diffusion = new DiffusionSpec(module, ab, described);
        }

        private static double cosineG(double u) {
            double c = Math.cos((u + 0.008) / 1.008 * Math.PI / 2);
            return c * c;
        }

        /** A number in (0, 1). */
        private double unitNumber(JsonNode node, String parent, String key) {
            JsonNode v = required(node, parent, key);
            if (!v.isNumber() || !(v.doubleValue() > 0 && v.doubleValue() < 1)) {
                throw fail(join(parent, key) + " must be a number in (0, 1), got " + show(v));
            }
            return v.doubleValue();
        }

        private void readDefaultPrompt(JsonNode root) {
            String given = root.has("default_prompt") ? string(root, "", "default_prompt", true) : null;
            switch (promptKind) {
                case CLASS -> {
                    if (given == null) {
                        defaultPrompt = classes.get(0);
                    } else {
                        String c = classFor(given);
                        if (c == null && synonyms.keySet().stream().noneMatch(s -> fold(s).equals(fold(given)))) {
                            throw fail("default_prompt \"" + given + "\" is not one of prompts.classes " + classes);
                        }
                        defaultPrompt = given;
                    }
                }
                case EMBEDDING -> {
                    if (given != null && !embeddings.containsKey(slug(given))) {
                        throw fail("default_prompt \"" + given + "\" has no embedding " + promptDir.relative() + "/"
                                + slug(given) + ".npy");
                    }
                    defaultPrompt = given != null ? given : embeddings.keySet().iterator().next();
                }
                case TEXT -> defaultPrompt = given != null ? given : DEFAULT_TEXT_PROMPT;
            }
        }

        private ModuleSpec module(JsonNode node, String key) {
            FileRef file = file(node, key, "file");
            Conditioning cond = new Conditioning(Conditioning.Kind.NONE, null);
            if (node.has("condition")) {
                String c = string(node, key, "condition", true);
                String where = key + ".condition";
                if (c.equals("none")) {
                    cond = new Conditioning(Conditioning.Kind.NONE, null);
                } else if (c.equals("class")) {
                    if (promptKind != PromptKind.CLASS) {
                        throw fail(where + " \"class\" needs prompts.kind \"class\" (it is \""
                                + promptKind.name().toLowerCase(Locale.ROOT) + "\")");
                    }
                    cond = new Conditioning(Conditioning.Kind.CLASS, null);
                } else if (c.equals("embedding")) {
                    if (promptKind != PromptKind.EMBEDDING) {
                        throw fail(where + " \"embedding\" needs prompts.kind \"embedding\" (it is \""
                                + promptKind.name().toLowerCase(Locale.ROOT) + "\")");
                    }
                    cond = new Conditioning(Conditioning.Kind.EMBEDDING, null);
                } else if (c.startsWith("tokens:") && !c.substring("tokens:".length()).isBlank()) {
                    String t = c.substring("tokens:".length());
                    if (!tokenizers.containsKey(t)) {
                        throw fail(where + " \"" + c + "\" names tokenizer \"" + t + "\", but tokenizers has no \""
                                + t + "\"" + (tokenizers.isEmpty() ? " (no tokenizers are declared)"
                                        : " (declared: " + String.join(", ", tokenizers.keySet()) + ")"));
                    }
                    cond = new Conditioning(Conditioning.Kind.TOKENS, t);
                } else {
                    throw fail(where + " \"" + c + "\" is not a known condition (none, class, embedding, "
                            + "tokens:NAME)");
                }
            }
            return new ModuleSpec(key, file, cond);
        }

        // ---- typed getters: each failure names the key path ----

        private FileRef file(JsonNode node, String parent, String key) {
            FileRef f = path(node, parent, key, false);
            return f;
        }

        /** A folder-relative path that must exist inside the folder: a regular file, or a folder if wanted. */
        private FileRef path(JsonNode node, String parent, String key, boolean folder) {
            String where = join(parent, key);
            JsonNode v = node.get(key);
            if (v == null) {
                throw fail("missing required key " + where);
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw fail(where + " must be a " + (folder ? "folder" : "file") + " path relative to the model "
                        + "folder (a string), got " + show(v));
            }
            String rel = v.asText();
            if (rel.indexOf('\0') >= 0) {
                throw fail(where + " holds a NUL character");
            }
            Path p;
            try {
                p = Path.of(rel);
            } catch (InvalidPathException e) {
                throw fail(where + " \"" + rel + "\" is not a valid path (" + e.getReason() + ")", e);
            }
            if (p.isAbsolute() || rel.startsWith("/") || rel.startsWith("\\") || rel.matches("^[A-Za-z]:.*")) {
                throw fail(where + " \"" + rel + "\" is an absolute path; paths are relative to the model folder "
                        + "and must stay inside it (refused)");
            }
            Path resolved = dir.resolve(p).normalize();
            if (!resolved.startsWith(dir)) {
                throw fail(where + " \"" + rel + "\" leads outside the model folder (refused)");
            }
            if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
                throw fail(where + " names " + rel + ", which does not exist in the model folder");
            }
            Path real = insideFolder(resolved, rel, where);
            if (folder ? !Files.isDirectory(real) : !Files.isRegularFile(real)) {
                throw fail(where + " names " + rel + ", which is not a " + (folder ? "folder" : "regular file"));
            }
            return new FileRef(rel, real);
        }

        /** The real path of {@code p}, refused when a symlink takes it outside the folder. */
        private Path insideFolder(Path p, String rel, String where) {
            Path real;
            try {
                real = p.toRealPath();
            } catch (IOException e) {
                String why = Files.isSymbolicLink(p) ? "is a symlink whose target does not exist" : "cannot be "
                        + "resolved (" + e + ")";
                throw fail(where + " names " + rel + ", which " + why, e);
            }
            if (!real.startsWith(dir)) {
                if (rel.equals(MANIFEST)) {
                    throw new ModelFolderException(MANIFEST + ": a symlink resolving outside the model folder ("
                            + real + "; refused)");
                }
                throw fail(where + " \"" + rel + "\" resolves through a symlink to " + real + ", outside the model "
                        + "folder (refused)");
            }
            return real;
        }

        private String string(JsonNode node, String parent, String key, boolean required) {
            String where = join(parent, key);
            JsonNode v = node.get(key);
            if (v == null) {
                if (required) {
                    throw fail("missing required key " + where);
                }
                return null;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                throw fail(where + " must be a non-blank string, got " + show(v));
            }
            return v.asText();
        }

        private int positiveInt(JsonNode node, String parent, String key) {
            String where = join(parent, key);
            JsonNode v = required(node, parent, key);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
                throw fail(where + " must be a positive integer, got " + show(v));
            }
            return v.intValue();
        }

        private Shape positiveInts(JsonNode node, String parent, String key) {
            String where = join(parent, key);
            JsonNode v = required(node, parent, key);
            boolean ok = v.isArray() && !v.isEmpty();
            long[] dims = new long[ok ? v.size() : 0];
            for (int i = 0; ok && i < v.size(); i++) {
                JsonNode d = v.get(i);
                ok = d.isIntegralNumber() && d.canConvertToInt() && d.intValue() >= 1;
                dims[i] = ok ? d.intValue() : 0;
            }
            if (!ok) {
                throw fail(where + " must be a list of positive integers, got " + show(v));
            }
            return new Shape(dims);
        }

        private JsonNode required(JsonNode node, String parent, String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                throw fail("missing required key " + join(parent, key));
            }
            return v;
        }

        private JsonNode optionalObject(JsonNode node, String parent, String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                return null;
            }
            requireObject(v, join(parent, key));
            return v;
        }

        private void requireObject(JsonNode v, String where) {
            if (!v.isObject()) {
                throw fail(where + " must be a JSON object, got " + show(v));
            }
        }

        private void unknownKeys(JsonNode node, String parent, Set<String> known) {
            node.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    unknown.add(join(parent, k));
                }
            });
        }

        private static String join(String parent, String key) {
            return parent.isEmpty() ? key : parent + "." + key;
        }

        private static String fold(String s) {
            return s.strip().toLowerCase(Locale.ROOT);
        }

        private static String kindOf(JsonNode v) {
            return v.isArray() ? "a list" : v.isTextual() ? "a string" : v.isNumber() ? "a number"
                    : v.isBoolean() ? "a boolean" : v.isNull() ? "null" : "a " + v.getNodeType();
        }

        /** A short one-line rendering of a JSON value for messages. */
        private static String show(JsonNode v) {
            String s = v.isTextual() ? "\"" + v.asText() + "\"" : v.toString();
            s = s.replaceAll("\\R", " ");
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }

        private static String firstLine(String s) {
            return s == null ? "" : s.strip().lines().findFirst().orElse("");
        }

        private static ModelFolderException fail(String message) {
            return new ModelFolderException(MANIFEST + ": " + message);
        }

        private static ModelFolderException fail(String message, Throwable cause) {
            return new ModelFolderException(MANIFEST + ": " + message, cause);
        }
    }
}
