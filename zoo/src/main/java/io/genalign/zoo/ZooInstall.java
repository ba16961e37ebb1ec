package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.io.NpyDtype;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.train.GanRecipe;
import io.genalign.zoo.train.TrainOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures a freshly trained zoo model and installs it: copies its weights into a weights folder (the module's
 * resources when the zoo is rebuilt), writes its manifest with the figures, and, for the feature network, the
 * test set's reference feature statistics; also writes the real-sample bank. The GAN's figures need classifier B
 * and the feature network installed in the same folder first.
 */
public final class ZooInstall {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Seed of the samples the GAN's figures are measured on. */
    public static final long FIGURE_SEED = 20251124L;
    /**
     * Samples per class of the diffusion model's figures (fewer than the GAN's 1,000: each sample costs
     * {@code 2 x SAMPLING_STEPS} network calls); the manifest records the count beside an equal-size real
     * baseline.
     */
    public static final int DIFFUSION_SAMPLES_PER_CLASS = 100;

    private ZooInstall() {}

    /**
     * Installs {@code model} trained in {@code workDir} into {@code resourceRoot} (the folder that holds
     * {@code io/genalign/zoo/...}).
     *
     * @return the manifest written
     */
    public static ModelManifest install(String model, Path workDir, Path resourceRoot, FashionMnist data)
            throws IOException {
        ZooModels.require(model);
        Path dest = resourceRoot.resolve("io/genalign/zoo/weights/" + model);
        Files.createDirectories(dest);
        JsonNode info = JSON.readTree(workDir.resolve("training.json").toFile());
        List<String> parts = ZooModels.GAN.equals(model) ? List.of("generator", "discriminator") : List.of(model);
        // the diffusion model ships only its EMA weights (diffusion.params), not the raw trained ones
        Map<String, String> sha = new LinkedHashMap<>();
        for (String p : parts) {
            Path src = workDir.resolve(p + ".params");
            Files.copy(src, dest.resolve(p + ".params"), StandardCopyOption.REPLACE_EXISTING);
            sha.put(p + ".params", Zoo.sha256(src));
        }
        Map<String, Object> quality = new LinkedHashMap<>();
        EngineBootstrap.start(FIGURE_SEED);
        try (NDManager m = Tensors.newManager()) {
            switch (model) {
                case ZooModels.CLASSIFIER_A, ZooModels.CLASSIFIER_B, ZooModels.FEATURE_NET -> {
                    Supplier<Block> block = switch (model) {
                        case ZooModels.CLASSIFIER_A -> Architectures::classifierA;
                        case ZooModels.CLASSIFIER_B -> Architectures::classifierB;
                        default -> Architectures::featureNet;
                    };
                    int dim = switch (model) {
                        case ZooModels.CLASSIFIER_A -> 128;
                        case ZooModels.CLASSIFIER_B -> 96;
                        default -> Architectures.FEATURE_NET_DIM;
                    };
                    try (ZooClassifier c = new ZooClassifier(model, Zoo.loadFile(m, dest.resolve(model + ".params"),
                            block, new Shape(1, 1, 28, 28)), dim)) {
                        quality.put("test_accuracy", ZooEvaluation.accuracy(c, m, data.test()));
                        quality.put("test_images", data.test().size());
                        if (ZooModels.FEATURE_NET.equals(model)) {
                            writeReference(c, m, data, resourceRoot);
                        }
                    }
                }
                case ZooModels.DIFFUSION -> {
                    try (ZooDiffusion g = Zoo.diffusionFromFile(m, dest.resolve(ZooModels.DIFFUSION + ".params"));
                         ZooClassifier b = installedClassifierB(m, resourceRoot);
                         ZooClassifier f = installedFeatureNet(m, resourceRoot)) {
                        quality.putAll(ZooEvaluation.diffusionFigures(g, b, f, m, data.test(), FIGURE_SEED,
                                DIFFUSION_SAMPLES_PER_CLASS));
                    }
                }
                default -> {
                    Path bDir = resourceRoot.resolve("io/genalign/zoo/weights/" + ZooModels.CLASSIFIER_B);
                    Path fDir = resourceRoot.resolve("io/genalign/zoo/weights/" + ZooModels.FEATURE_NET);
                    try (ZooGenerator g = new ZooGenerator(Zoo.loadFile(m, dest.resolve("generator.params"),
                            Architectures::generator, new Shape(1, 26, 7, 7)));
                         ZooClassifier b = new ZooClassifier(ZooModels.CLASSIFIER_B, Zoo.loadFile(m,
                                 bDir.resolve(ZooModels.CLASSIFIER_B + ".params"), Architectures::classifierB,
                                 new Shape(1, 1, 28, 28)), 96);
                         ZooClassifier f = new ZooClassifier(ZooModels.FEATURE_NET, Zoo.loadFile(m,
                                 fDir.resolve(ZooModels.FEATURE_NET + ".params"), Architectures::featureNet,
                                 new Shape(1, 1, 28, 28)), Architectures.FEATURE_NET_DIM)) {
                        quality.putAll(ZooEvaluation.ganFigures(g, b, f, m, data.test(), FIGURE_SEED));
                    }
                }
            }
        }
        JsonNode opts = info.get("options");
        ModelManifest mf = new ModelManifest(model, 1, describe(model), data(model, opts), opts.get("seed").asLong(),
                opts.get("steps").asInt(), opts.get("batchSize").asInt(),
                "Adam(lr=" + opts.get("learningRate").asDouble() + ", beta1=" + opts.get("beta1").asDouble() + ")",
                info.get("wall_seconds").asDouble(), info.get("parameters").asLong(), sha, quality,
                command(model, opts, info), Instant.now().toString());
        JSON.writeValue(dest.resolve("manifest.json").toFile(), mf);
        if (Files.exists(workDir.resolve("loss-curve.png"))) { // drawn by the CLI (the report layer)
            Files.copy(workDir.resolve("loss-curve.png"), dest.resolve("loss-curve.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return mf;
    }

    /** The command that reproduces the installed run: the model, and the steps and start when not the defaults. */
    static String command(String model, JsonNode opts, JsonNode info) {
        StringBuilder c = new StringBuilder("./genalign zoo train " + model);
        if (info.hasNonNull("init_from")) {
            c.append(" --init-from ").append(info.get("init_from").asText())
                    .append(" (sha256 ").append(info.get("init_sha256").asText()).append(")");
        }
        if (opts.get("steps").asInt() != TrainOptions.defaults(model).steps()) {
            c.append(" --steps ").append(opts.get("steps").asInt());
        }
        if ((float) opts.get("learningRate").asDouble() != TrainOptions.defaults(model).learningRate()) {
            c.append(" --lr ").append((float) opts.get("learningRate").asDouble());
        }
        return c.toString();
    }

    private static ZooClassifier installedClassifierB(NDManager m, Path resourceRoot) throws IOException {
        Path dir = resourceRoot.resolve("io/genalign/zoo/weights/" + ZooModels.CLASSIFIER_B);
        return new ZooClassifier(ZooModels.CLASSIFIER_B, Zoo.loadFile(m, dir.resolve(ZooModels.CLASSIFIER_B
                + ".params"), Architectures::classifierB, new Shape(1, 1, 28, 28)), 96);
    }

    private static ZooClassifier installedFeatureNet(NDManager m, Path resourceRoot) throws IOException {
        Path dir = resourceRoot.resolve("io/genalign/zoo/weights/" + ZooModels.FEATURE_NET);
        return new ZooClassifier(ZooModels.FEATURE_NET, Zoo.loadFile(m, dir.resolve(ZooModels.FEATURE_NET
                + ".params"), Architectures::featureNet, new Shape(1, 1, 28, 28)),
                Architectures.FEATURE_NET_DIM);
    }

    private static void writeReference(ZooClassifier f, NDManager m, FashionMnist data, Path resourceRoot)
            throws IOException {
        Path ref = resourceRoot.resolve("io/genalign/zoo/reference");
        Files.createDirectories(ref);
        try (NDManager sm = m.newSubManager()) {
            NDArray images = ZooEvaluation.testImages(sm, data.test());
            GaussianFit fit = GaussianFit.of(ZooEvaluation.features(f, images));
            int d = fit.mean().length;
            double[] cov = new double[d * d];
            for (int i = 0; i < d; i++) {
                System.arraycopy(fit.cov()[i], 0, cov, i * d, d);
            }
            Npy.write(ref.resolve("test_features_mean.npy"), new NpyArray(new long[] {d}, fit.mean(), NpyDtype.FLOAT64));
            Npy.write(ref.resolve("test_features_cov.npy"), new NpyArray(new long[] {d, d}, cov, NpyDtype.FLOAT64));
        }
        Path bank = resourceRoot.resolve("io/genalign/zoo/bank");
        Files.createDirectories(bank);
        try (OutputStream out = Files.newOutputStream(bank.resolve("realbank.bin.gz"))) {
            RealBank.write(data.test(), out);
        }
    }

    static String describe(String model) {
        return switch (model) {
            case ZooModels.CLASSIFIER_A -> "CNN: conv3 32, ReLU, maxpool; conv3 64, ReLU, maxpool; linear 128, ReLU; "
                    + "linear 10";
            case ZooModels.CLASSIFIER_B -> "CNN: conv5 24, BN, ReLU, maxpool; conv5 48, BN, ReLU, maxpool; linear 96, "
                    + "ReLU; linear 10";
            case ZooModels.FEATURE_NET -> "CNN: conv3 32, BN, ReLU; conv3 s2 64, BN, ReLU; conv3 s2 128, BN, ReLU; "
                    + "global average pool; linear 64, ReLU (features); linear 10";
            case ZooModels.DIFFUSION -> "class-conditional DDPM, epsilon prediction, cosine schedule T="
                    + Diffusion.TIMESTEPS + ", label dropout "
                    + Diffusion.LABEL_DROPOUT + " for classifier-free guidance, EMA "
                    + Diffusion.EMA_DECAY + " (shipped weights). UNet: conv3 32; res 32 @28; "
                    + "conv3 s2 64; res 64 @14; conv3 s2 64; res 64 @7; up, skip, res 64 @14; up, skip, res 32 @28; "
                    + "GN, SiLU, conv3 1; res = GN-SiLU-conv3 + linear(time+class embedding 64) GN-SiLU-conv3 + skip. "
                    + "Sampler: DDIM (eta 0), " + Diffusion.SAMPLING_STEPS
                    + " steps, guidance " + Diffusion.GUIDANCE;
            default -> "conditional DCGAN, non-saturating loss + mode-seeking term (MSGAN, weight 1), one-sided label smoothing 0.9, "
                    + "from step " + GanRecipe.AUX_START + " label matching (P2GAN-style, weight 1: "
                    + "softmax of the class embedding's inner products fitted to real labels; the generator's samples "
                    + "scored against the requested class), "
                    + "instance noise 0.1, "
                    + "discriminator lr x0.5. "
                    + "Generator: latent 16x7x7 + one-hot class maps; conv7 96, BN, ReLU; conv5 96, BN, ReLU; "
                    + "nearest up x2; conv3 48, BN, ReLU; up x2; conv3 24, BN, ReLU; conv3 1, tanh. "
                    + "Projection discriminator: conv4 s2 32, LReLU; conv4 s2 64, LReLU; conv3 64, LReLU; flatten; "
                    + "linear 128, LReLU (128 features); linear 1 + class embedding inner product";
        };
    }

    static String data(String model, JsonNode opts) {
        return "Fashion-MNIST training images " + opts.get("trainFrom").asInt() + ".." + (opts.get("trainTo").asInt() - 1)
                + " (Debian dataset-fashion-mnist), pixels scaled to [-1, 1]; figures on the 10,000 test images";
    }

    /** {@code ZooInstall RESOURCE_ROOT WORK_ROOT MODEL...}: installs each model from WORK_ROOT/MODEL. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path work = Path.of(args[1]);
        FashionMnist data = FashionMnist.load(null);
        for (int i = 2; i < args.length; i++) {
            ModelManifest mf = install(args[i], work.resolve(args[i]), root, data);
            System.out.println(args[i] + ": " + mf.quality());
        }
    }
}
