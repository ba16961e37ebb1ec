package io.genalign.core.model.folder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import io.genalign.core.model.MissingPartException;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.Reward;
import io.genalign.core.model.folder.ModelFolder.Conditioning;
import io.genalign.core.model.folder.ModelFolder.FileRef;
import io.genalign.core.model.folder.ModelFolder.ModuleSpec;
import io.genalign.core.model.folder.ModelFolder.TokenizerSpec;
import io.genalign.core.model.torchscript.ConditionInput;
import io.genalign.core.model.torchscript.TorchScriptDiscriminator;
import io.genalign.core.model.torchscript.TorchScriptEpsilon;
import io.genalign.core.model.torchscript.TorchScriptFeatureExtractor;
import io.genalign.core.model.torchscript.TorchScriptGenerator;
import io.genalign.core.model.torchscript.TorchScriptReward;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link ModelSet} of a user's model folder ({@link ModelFolder#open(Path)}): TorchScript modules computing
 * in float32, conditioned as the manifest says.
 *
 * <p>Lifecycle: opening only validates the manifest. Each part (generator, each reward, features, discriminator,
 * each tokenizer, the real samples) is loaded on its first request into its own NDManager (a TorchScript module's
 * DJL model, or a manager of the real samples) and returned again later; {@link #close()} closes them all (modules
 * first, then tokenizers) and is idempotent; a closed set throws {@link IllegalStateException}. Load failures
 * throw {@link ModelFolderException} with a one-line message starting with the folder-relative file.
 *
 * <p>Prompts ({@link #condition(String, int)}): class sets accept a class name or a synonym, compared
 * case-insensitively after trimming, and give the class id (its index in {@code prompts.classes}); the condition
 * carries the class name. Text sets accept any non-blank prompt (class id -1). Embedding sets accept a prompt whose
 * {@link ModelFolder#slug(String) slug} has a .npy in {@code prompts.dir} (class id -1; the condition carries the
 * prompt as given, modules look the embedding up by slug). Unknown prompts throw {@link IllegalArgumentException}
 * listing the accepted ones. Modules conditioned on {@code tokens:NAME} tokenize the condition's prompts.
 *
 * <p>Defaults: {@link #defaultTargets()} is the first reward with weight 1; {@link #defaultHeldOut()} the next
 * rewards, at most two. Optional parts ({@code features}, {@code discriminator}, {@code real_samples}) are empty
 * when the manifest lacks them; {@link #requireFeatures(String)}, {@link #requireDiscriminator(String)} and
 * {@link #requireRealSamples(String, String)} throw {@link MissingPartException} instead.
 *
 * <p>Not thread-safe.
 */
public final class FolderModelSet implements ModelSet {
    /** Real samples may leave [-1, 1] by this much (float rounding of the user's export) before being refused. */
    public static final double REAL_SAMPLE_RANGE_SLACK = 1e-3;

    private final ModelFolder folder;
    private final Map<String, HuggingFacePromptTokenizer> tokenizers = new LinkedHashMap<>();
    private final Map<String, Reward> rewards = new LinkedHashMap<>();
    private final List<AutoCloseable> modules = new ArrayList<>();
    private Generator generator;
    private DdimGenerator sampler;
    private TorchScriptFeatureExtractor features;
    private TorchScriptDiscriminator discriminator;
    private NDManager realManager;
    private NDArray real;
    private Map<String, Object> provenance;
    private boolean closed;

    FolderModelSet(ModelFolder folder) {
        this.folder = Objects.requireNonNull(folder, "folder");
    }

    /** The validated manifest. */
    public ModelFolder folder() {
        return folder;
    }

    @Override
    public String name() {
        return folder.name();
    }

    @Override
    public Shape imageShape() {
        return folder.imageShape();
    }

    @Override
    public PromptKind promptKind() {
        return folder.promptKind();
    }

    /** Class sets: the classes (not the synonyms); embedding sets: the prompt slugs; text sets: empty. */
    @Override
    public List<String> knownPrompts() {
        return switch (folder.promptKind()) {
            case CLASS -> folder.classes();
            case EMBEDDING -> List.copyOf(folder.embeddings().keySet());
            case TEXT -> List.of();
        };
    }

    @Override
    public String defaultPrompt() {
        return folder.defaultPrompt();
    }

    @Override
    public Condition condition(String prompt, int batchSize) {
        Objects.requireNonNull(prompt, "prompt");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        return switch (folder.promptKind()) {
            case CLASS -> {
                int id = classId(prompt);
                yield Condition.repeat(folder.classes().get(id), id, batchSize);
            }
            case TEXT -> {
                if (prompt.isBlank()) {
                    throw new IllegalArgumentException("model '" + name() + "' takes any text prompt, but the "
                            + "prompt is blank");
                }
                yield Condition.repeat(prompt, -1, batchSize);
            }
            case EMBEDDING -> {
                embeddingSlug(prompt);
                yield Condition.repeat(prompt, -1, batchSize);
            }
        };
    }

    /** Class sets: the class name; embedding sets: the prompt's slug; text sets: the prompt. */
    @Override
    public String canonicalPrompt(String prompt) {
        return switch (folder.promptKind()) {
            case CLASS -> folder.classes().get(classId(prompt));
            case EMBEDDING -> embeddingSlug(prompt);
            case TEXT -> prompt;
        };
    }

    private int classId(String prompt) {
        String f = prompt.strip().toLowerCase(Locale.ROOT);
        List<String> classes = folder.classes();
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).toLowerCase(Locale.ROOT).equals(f)) {
                return i;
            }
        }
        for (Map.Entry<String, String> e : folder.synonyms().entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(f)) {
                return classes.indexOf(e.getValue());
            }
        }
        throw new IllegalArgumentException("unknown prompt \"" + prompt + "\" for model '" + name() + "': expected "
                + "one of the classes " + classes + (folder.synonyms().isEmpty() ? ""
                        : " or a synonym " + folder.synonyms().keySet()));
    }

    private String embeddingSlug(String prompt) {
        String slug = ModelFolder.slug(prompt);
        if (!folder.embeddings().containsKey(slug)) {
            throw new IllegalArgumentException("unknown prompt \"" + prompt + "\" for model '" + name() + "': no "
                    + "embedding " + folder.promptDir().map(FileRef::relative).orElse("") + "/" + slug + ".npy; known "
                    + "prompts: " + folder.embeddings().keySet());
        }
        return slug;
    }

    @Override
    public Generator generator() {
        ensureOpen();
        if (generator == null) {
            ModuleSpec spec = folder.generator();
            TorchScriptGenerator.Builder b = TorchScriptGenerator.builder().setModelPath(spec.file().path())
                    .setLatentShape(folder.latentShape()).setImageShape(folder.imageShape())
                    .optLabel(spec.file().relative());
            switch (conditionInput(spec)) {
                case NONE -> { }
                case CLASS_INDEX -> b.optConditionInput(ConditionInput.CLASS_INDEX)
                        .optNumClasses(folder.classes().size());
                case TOKENS -> b.optConditionInput(ConditionInput.TOKENS).optTokenizer(tokenizer(spec));
                case PROMPT_EMBEDDING -> {
                    b.optConditionInput(ConditionInput.PROMPT_EMBEDDING).optPromptKey(ModelFolder::slug);
                    folder.embeddings().forEach((slug, f) -> b.optPromptEmbeddingFile(slug, f.path()));
                }
            }
            generator = load(spec, b::build);
        }
        return generator;
    }

    /** Default DDIM steps of {@link #diffusionSampler()}. */
    public static final int DEFAULT_DDIM_STEPS = 20;

    /** The manifest's {@code diffusion} section, if any. */
    public Optional<ModelFolder.DiffusionSpec> diffusion() {
        return folder.diffusion();
    }

    /** The {@code diffusion} section, or a {@link MissingPartException} saying {@code why} it is needed. */
    public ModelFolder.DiffusionSpec requireDiffusion(String why) {
        return folder.diffusion().orElseThrow(() -> new MissingPartException(name(), "diffusion", why));
    }

    /**
     * Loads the diffusion network, owned by the caller (close it before this set): from the folder's file, or
     * from {@code file} (e.g. a fine-tuned copy) with the folder's conditioning; trainable or frozen.
     */
    public TorchScriptEpsilon loadEpsilon(Path file, boolean trainable) {
        ensureOpen();
        ModelFolder.DiffusionSpec d = requireDiffusion("loading the diffusion network");
        ModuleSpec spec = d.module();
        Path path = file != null ? file : spec.file().path();
        TorchScriptEpsilon.Builder b = TorchScriptEpsilon.builder().setModelPath(path)
                .setImageShape(folder.imageShape()).optTrainable(trainable)
                .optLabel(file != null ? file.toString() : spec.file().relative());
        switch (conditionInput(spec)) {
            case NONE -> { }
            case CLASS_INDEX -> b.optConditionInput(ConditionInput.CLASS_INDEX).optNumClasses(folder.classes().size());
            case TOKENS -> b.optConditionInput(ConditionInput.TOKENS).optTokenizer(tokenizer(spec));
            case PROMPT_EMBEDDING -> {
                b.optConditionInput(ConditionInput.PROMPT_EMBEDDING).optPromptKey(ModelFolder::slug);
                folder.embeddings().forEach((slug, f) -> b.optPromptEmbeddingFile(slug, f.path()));
            }
        }
        try {
            return b.build();
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().strip().lines().findFirst()
                    .orElse(e.toString());
            throw new ModelFolderException((file != null ? file.toString() : spec.file().relative())
                    + ": cannot load diffusion (" + why + ")", e);
        }
    }

    /** DDIM over the folder's network, or {@code file}'s, with {@code steps} steps; owned by the caller. */
    public DdimGenerator diffusionSampler(Path file, int steps) {
        ModelFolder.DiffusionSpec d = requireDiffusion("the diffusion sampler");
        return new DdimGenerator(loadEpsilon(file, false), d.alphasCumprod(), steps, true);
    }

    /** DDIM ({@value #DEFAULT_DDIM_STEPS} steps) over the folder's diffusion network, when it has one. */
    @Override
    public Optional<Generator> diffusionSampler() {
        ensureOpen();
        if (folder.diffusion().isEmpty()) {
            return Optional.empty();
        }
        if (sampler == null) {
            sampler = diffusionSampler(null, DEFAULT_DDIM_STEPS);
            modules.add(sampler);
        }
        return Optional.of(sampler);
    }

    @Override
    public Set<String> rewardNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(folder.rewards().keySet()));
    }

    @Override
    public Reward reward(String name) {
        ensureOpen();
        ModuleSpec spec = folder.rewards().get(Objects.requireNonNull(name, "reward name"));
        if (spec == null) {
            throw new IllegalArgumentException("unknown reward \"" + name + "\" for model '" + name() + "'; known: "
                    + String.join(", ", folder.rewards().keySet()));
        }
        Reward r = rewards.get(name);
        if (r == null) {
            TorchScriptReward.Builder b = TorchScriptReward.builder().setModelPath(spec.file().path())
                    .setImageShape(folder.imageShape()).optName(name).optLabel(spec.file().relative());
            switch (conditionInput(spec)) {
                case NONE -> { }
                case CLASS_INDEX -> b.optConditionInput(ConditionInput.CLASS_INDEX)
                        .optNumClasses(folder.classes().size());
                case TOKENS -> b.optConditionInput(ConditionInput.TOKENS).optTokenizer(tokenizer(spec));
                case PROMPT_EMBEDDING -> {
                    b.optConditionInput(ConditionInput.PROMPT_EMBEDDING).optPromptKey(ModelFolder::slug);
                    folder.embeddings().forEach((slug, f) -> b.optPromptEmbeddingFile(slug, f.path()));
                }
            }
            r = load(spec, b::build);
            rewards.put(name, r);
        }
        return r;
    }

    /** The rewards after the first, at most two (manifest order). */
    @Override
    public List<String> defaultHeldOut() {
        List<String> names = new ArrayList<>(folder.rewards().keySet());
        return List.copyOf(names.subList(1, Math.min(names.size(), 3)));
    }

    /** The first reward with weight 1. */
    @Override
    public Map<String, Double> defaultTargets() {
        return Map.of(folder.rewards().keySet().iterator().next(), 1.0);
    }

    @Override
    public Optional<FeatureExtractor> features() {
        ensureOpen();
        if (folder.features().isEmpty()) {
            return Optional.empty();
        }
        if (features == null) {
            ModelFolder.FeaturesSpec spec = folder.features().get();
            ModuleSpec asModule = new ModuleSpec("features", spec.file(), new Conditioning(Conditioning.Kind.NONE,
                    null));
            features = load(asModule, () -> TorchScriptFeatureExtractor.builder().setModelPath(spec.file().path())
                    .setImageShape(folder.imageShape()).setFeatureDim(spec.dim()).optName(name() + "-features")
                    .optLabel(spec.file().relative()).build());
        }
        return Optional.of(features);
    }

    /** {@link #features()} or {@link MissingPartException} naming {@code features} and {@code why}. */
    public FeatureExtractor requireFeatures(String why) {
        return features().orElseThrow(() -> new MissingPartException(name(), "features", why));
    }

    /**
     * The discriminator's logits come from its file; its {@code features} delegate to this set's {@code
     * features} module when the manifest has one, else throw {@link UnsupportedOperationException}.
     */
    @Override
    public Optional<Discriminator> discriminator() {
        ensureOpen();
        if (folder.discriminator().isEmpty()) {
            return Optional.empty();
        }
        if (discriminator == null) {
            ModuleSpec spec = folder.discriminator().get();
            TorchScriptDiscriminator.Builder b = TorchScriptDiscriminator.builder().setModelPath(spec.file().path())
                    .setImageShape(folder.imageShape()).optName(name() + "-discriminator")
                    .optLabel(spec.file().relative());
            features().ifPresent(b::optFeatures);
            switch (conditionInput(spec)) {
                case NONE -> { }
                case CLASS_INDEX -> b.optConditionInput(ConditionInput.CLASS_INDEX)
                        .optNumClasses(folder.classes().size());
                case TOKENS -> b.optConditionInput(ConditionInput.TOKENS).optTokenizer(tokenizer(spec));
                case PROMPT_EMBEDDING -> {
                    b.optConditionInput(ConditionInput.PROMPT_EMBEDDING).optPromptKey(ModelFolder::slug);
                    folder.embeddings().forEach((slug, f) -> b.optPromptEmbeddingFile(slug, f.path()));
                }
            }
            discriminator = load(spec, b::build);
        }
        return Optional.of(discriminator);
    }

    /** {@link #discriminator()} or {@link MissingPartException} naming {@code discriminator} and {@code why}. */
    public Discriminator requireDiscriminator(String why) {
        return discriminator().orElseThrow(() -> new MissingPartException(name(), "discriminator", why));
    }

    /**
     * All of {@code real_samples} (the file has no labels, so every prompt gets every sample), as float32 of
     * shape (N, C, H, W) owned by the set. The prompt is checked like {@link #condition(String, int)} does. The
     * file is read and validated on the first call: shape (N, C, H, W) with N &ge; 1 and (C, H, W) the image
     * shape, float32 or float64, finite, and within [-1, 1] up to {@link #REAL_SAMPLE_RANGE_SLACK}; otherwise
     * {@link ModelFolderException} naming the file.
     */
    @Override
    public Optional<NDArray> realSamples(String prompt) {
        ensureOpen();
        if (folder.promptKind() != PromptKind.TEXT) {
            canonicalPrompt(prompt);
        }
        if (folder.realSamples().isEmpty()) {
            return Optional.empty();
        }
        if (real == null) {
            real = readRealSamples(folder.realSamples().get());
        }
        return Optional.of(real);
    }

    /** {@link #realSamples(String)} or {@link MissingPartException} naming {@code real_samples} and {@code why}. */
    public NDArray requireRealSamples(String prompt, String why) {
        return realSamples(prompt).orElseThrow(() -> new MissingPartException(name(), "real_samples", why));
    }

    private NDArray readRealSamples(FileRef file) {
        NpyArray a;
        try {
            a = Npy.read(file.path());
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().replace(file.path().toString() + ": ",
                    "");
            throw new ModelFolderException(file.relative() + ": cannot read real samples (" + why + ")", e);
        }
        long[] s = a.shape();
        Shape image = folder.imageShape();
        if (s.length != 4 || s[0] < 1 || s[1] != image.get(0) || s[2] != image.get(1) || s[3] != image.get(2)) {
            throw new ModelFolderException(file.relative() + ": real samples have shape " + Arrays.toString(s)
                    + ", expected (N, " + image.get(0) + ", " + image.get(1) + ", " + image.get(2) + ") with N >= 1 "
                    + "(from image)");
        }
        double[] d = a.data();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            double v = d[i];
            if (!Double.isFinite(v)) {
                throw new ModelFolderException(file.relative() + ": real samples hold a non-finite value " + v
                        + " at flat index " + i);
            }
            if (Math.abs(v) > 1 + REAL_SAMPLE_RANGE_SLACK) {
                throw new ModelFolderException(file.relative() + ": real sample value " + v + " at flat index " + i
                        + " is outside the image range [-1, 1]");
            }
            f[i] = (float) v;
        }
        realManager = Tensors.newManager();
        return realManager.create(f, new Shape(s));
    }

    /**
     * Source folder ({@code source}), {@code kind} "folder", the manifest {@code name} and {@code format}, the
     * {@code manifest_sha256}, and {@code files}: folder-relative path → sha256 of every file the manifest names.
     * Computed once (the files are hashed on the first call).
     */
    @Override
    public Map<String, Object> provenance() {
        if (provenance == null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kind", "folder");
            p.put("source", folder.dir().toString());
            p.put("name", folder.name());
            p.put("format", ModelFolder.FORMAT);
            p.put("manifest_sha256", sha256(folder.manifest(), ModelFolder.MANIFEST));
            Map<String, String> files = new LinkedHashMap<>();
            for (FileRef f : folder.files()) {
                files.putIfAbsent(f.relative(), sha256(f.path(), f.relative()));
            }
            p.put("files", Collections.unmodifiableMap(files));
            provenance = Collections.unmodifiableMap(p);
        }
        return provenance;
    }

    /** The sha256 of a file as 64 lowercase hex digits. */
    static String sha256(Path file, String label) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelFolderException(label + ": cannot read for its sha256 (" + e + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static ConditionInput conditionInput(ModuleSpec spec) {
        return switch (spec.condition().kind()) {
            case NONE -> ConditionInput.NONE;
            case CLASS -> ConditionInput.CLASS_INDEX;
            case TOKENS -> ConditionInput.TOKENS;
            case EMBEDDING -> ConditionInput.PROMPT_EMBEDDING;
        };
    }

    private HuggingFacePromptTokenizer tokenizer(ModuleSpec spec) {
        String name = spec.condition().tokenizer();
        HuggingFacePromptTokenizer t = tokenizers.get(name);
        if (t == null) {
            TokenizerSpec ts = folder.tokenizers().get(name);
            t = HuggingFacePromptTokenizer.load(name, ts.file().path(), ts.file().relative(), ts.maxLength(),
                    ts.padId());
            tokenizers.put(name, t);
        }
        return t;
    }

    /** The tokenizer {@code tokenizers.NAME}, loaded on first use (tests and reports). */
    public HuggingFacePromptTokenizer tokenizer(String name) {
        ensureOpen();
        if (!folder.tokenizers().containsKey(name)) {
            throw new IllegalArgumentException("model '" + name() + "' has no tokenizer \"" + name + "\"; declared: "
                    + folder.tokenizers().keySet());
        }
        return tokenizer(new ModuleSpec("tokenizers." + name, folder.tokenizers().get(name).file(),
                new Conditioning(Conditioning.Kind.TOKENS, name)));
    }

    /** Builds one module, wrapping load errors into one-line messages naming the file. */
    private <T extends AutoCloseable> T load(ModuleSpec spec, Loader<T> loader) {
        T part;
        try {
            part = loader.load();
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().strip().lines().findFirst()
                    .orElse(e.toString());
            throw new ModelFolderException(spec.file().relative() + ": cannot load " + spec.key() + " (" + why + ")",
                    e);
        }
        modules.add(part);
        return part;
    }

    @FunctionalInterface
    private interface Loader<T> {
        T load() throws IOException;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model set '" + name() + "' is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        List<AutoCloseable> all = new ArrayList<>(modules);
        all.addAll(tokenizers.values());
        if (realManager != null) {
            all.add(realManager);
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing model set '" + name() + "' failed: " + e, e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        modules.clear();
        tokenizers.clear();
        rewards.clear();
        generator = null;
        features = null;
        discriminator = null;
        real = null;
        realManager = null;
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "FolderModelSet[" + name() + ", " + folder.dir() + "]";
    }
}
