package io.genalign.zoo;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.diffusion.DdimSampler;
import io.genalign.zoo.diffusion.Diffusion;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The built-in models, loaded from the weights shipped in this module's resources
 * ({@code io/genalign/zoo/weights/<model>/}) after checking each file's sha256 against the model's manifest.
 * A missing or altered weight file is an {@link UncheckedIOException} naming the file. Every model is float32
 * and in inference mode; close it (or its parent manager) when done.
 */
public final class Zoo {
    /** Classpath folder of the shipped weights. */
    public static final String RESOURCE_ROOT = "/io/genalign/zoo/weights/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Zoo() {}

    /** The manifests of every model that ships weights, in training order. */
    public static List<ModelManifest> list() {
        List<ModelManifest> out = new ArrayList<>();
        for (String m : ZooModels.ALL) {
            ModelManifest mf = manifestOrNull(m);
            if (mf != null) {
                out.add(mf);
            }
        }
        return out;
    }

    /** The manifest of {@code model}. */
    public static ModelManifest manifest(String model) {
        ModelManifest m = manifestOrNull(ZooModels.require(model));
        if (m == null) {
            throw new UncheckedIOException(new IOException("the zoo has no weights for '" + model + "' (missing "
                    + RESOURCE_ROOT + model + "/manifest.json); train it with: genalign zoo train " + model));
        }
        return m;
    }

    public static ZooGenerator generator(NDManager parent) {
        return new ZooGenerator(load(parent, ZooModels.GAN, "generator", Architectures::generator,
                new Shape(1, Architectures.LATENT.get(0) + Architectures.CLASSES, 7, 7)));
    }

    /** The generator from a weight file (e.g. {@code generator.params} of a {@code genalign zoo train gan} run). */
    public static ZooGenerator generatorFromFile(NDManager parent, Path file) throws IOException {
        return new ZooGenerator(loadFile(parent, file, Architectures::generator,
                new Shape(1, Architectures.LATENT.get(0) + Architectures.CLASSES, 7, 7)));
    }

    /** The diffusion model (EMA weights) with the default DDIM sampler. */
    public static ZooDiffusion diffusion(NDManager parent) {
        return new ZooDiffusion(load(parent, ZooModels.DIFFUSION, ZooModels.DIFFUSION,
                Diffusion::newUNet,
                Diffusion.inputShapes(1)), DdimSampler.defaults());
    }

    /** The diffusion model from a weight file (e.g. {@code diffusion.params} of a training or DPO run). */
    public static ZooDiffusion diffusionFromFile(NDManager parent, Path file) throws IOException {
        return new ZooDiffusion(loadFile(parent, file, Diffusion::newUNet,
                Diffusion.inputShapes(1)), DdimSampler.defaults());
    }

    /** The diffusion model from weight bytes (e.g. {@link #diffusionWeights()} or a file's content). */
    public static ZooDiffusion diffusionFromBytes(NDManager parent, byte[] weights) throws IOException {
        Block block = Diffusion.newUNet();
        NDManager m = parent.newSubManager();
        try {
            block.initialize(m, DataType.FLOAT32, Diffusion.inputShapes(1));
            block.loadParameters(m, new DataInputStream(new ByteArrayInputStream(weights)));
        } catch (MalformedModelException | RuntimeException e) {
            m.close();
            throw new IOException("not weights of the zoo diffusion model: " + e.getMessage(), e);
        }
        return new ZooDiffusion(new ZooBlock(block, m, Diffusion::newUNet,
                Diffusion.inputShapes(1)), DdimSampler.defaults());
    }

    /**
     * The shipped diffusion weights as bytes, after the sha256 check: what preference fine-tuning starts from
     * (it loads them twice, a trainable policy and a frozen reference).
     */
    public static byte[] diffusionWeights() {
        return verifiedBytes(ZooModels.DIFFUSION, ZooModels.DIFFUSION);
    }

    /**
     * The shipped weights of a single-network model ({@code classifier-a}, {@code classifier-b},
     * {@code feature-net}, {@code diffusion}) as bytes, after the sha256 check: what {@code zoo train --init-from
     * shipped} starts from.
     *
     * @throws IllegalArgumentException for the GAN (two networks) or an unknown name
     */
    public static byte[] shippedWeights(String model) {
        if (ZooModels.GAN.equals(ZooModels.require(model))) {
            throw new IllegalArgumentException("--init-from takes one weight file, and the gan has two networks "
                    + "(generator and discriminator)");
        }
        return verifiedBytes(model, model);
    }

    public static ZooDiscriminator discriminator(NDManager parent) {
        return new ZooDiscriminator(load(parent, ZooModels.GAN, "discriminator", Architectures::discriminator,
                new Shape(1, 1, 28, 28), new Shape(1, Architectures.CLASSES)));
    }

    /** Classifier A, the reward model that alignment optimises. */
    public static ZooClassifier classifierA(NDManager parent) {
        return new ZooClassifier(ZooModels.CLASSIFIER_A, load(parent, ZooModels.CLASSIFIER_A, ZooModels.CLASSIFIER_A,
                Architectures::classifierA, new Shape(1, 1, 28, 28)), 128);
    }

    /** Classifier B, the held-out judge. */
    public static ZooClassifier classifierB(NDManager parent) {
        return new ZooClassifier(ZooModels.CLASSIFIER_B, load(parent, ZooModels.CLASSIFIER_B, ZooModels.CLASSIFIER_B,
                Architectures::classifierB, new Shape(1, 1, 28, 28)), 96);
    }

    /** The feature network for FID and the Inception-Score-like score. */
    public static ZooClassifier featureNet(NDManager parent) {
        return new ZooClassifier(ZooModels.FEATURE_NET, load(parent, ZooModels.FEATURE_NET, ZooModels.FEATURE_NET,
                Architectures::featureNet, new Shape(1, 1, 28, 28)), Architectures.FEATURE_NET_DIM);
    }

    private static ZooBlock load(NDManager parent, String model, String part,
                                 Supplier<Block> factory, Shape... inputShapes) {
        Block block = factory.get();
        String resource = RESOURCE_ROOT + model + "/" + part + ".params";
        byte[] bytes = verifiedBytes(model, part);
        NDManager m = parent.newSubManager();
        try {
            block.initialize(m, DataType.FLOAT32, inputShapes);
            block.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw new UncheckedIOException(new IOException(resource + ": cannot load the weights: " + e.getMessage(),
                    e));
        }
        return new ZooBlock(block, m, factory, inputShapes);
    }

    private static byte[] verifiedBytes(String model, String part) {
        ModelManifest mf = manifest(model);
        String file = part + ".params";
        String resource = RESOURCE_ROOT + model + "/" + file;
        byte[] bytes = resourceBytes(resource);
        String expected = mf.sha256() == null ? null : mf.sha256().get(file);
        String actual = sha256(bytes);
        if (expected == null || !expected.equals(actual)) {
            throw new UncheckedIOException(new IOException(resource + ": sha256 " + actual + " does not match the "
                    + "manifest (" + expected + "); the weights are corrupt or were replaced"));
        }
        return bytes;
    }

    /** Loads weights from a file (e.g. a freshly trained model) instead of the shipped resources. */
    static ZooBlock loadFile(NDManager parent, Path file, Supplier<Block> factory,
                             Shape... inputShapes) throws IOException {
        Block block = factory.get();
        NDManager m = parent.newSubManager();
        block.initialize(m, DataType.FLOAT32, inputShapes);
        BlockParameters.load(block, m, file);
        return new ZooBlock(block, m, factory, inputShapes);
    }

    private static ModelManifest manifestOrNull(String model) {
        try (InputStream in = Zoo.class.getResourceAsStream(RESOURCE_ROOT + model + "/manifest.json")) {
            return in == null ? null : JSON.readValue(in, ModelManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(RESOURCE_ROOT + model + "/manifest.json is not a valid "
                    + "manifest: " + e.getMessage(), e));
        }
    }

    static byte[] resourceBytes(String resource) {
        try (InputStream in = Zoo.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException(resource + " is missing from the zoo; train it with "
                        + "genalign zoo train MODEL"));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hex sha256 of bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex sha256 of a file. */
    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }
}
