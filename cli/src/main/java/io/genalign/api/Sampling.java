package io.genalign.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.io.Npy;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelSet;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Images from a {@link ModelSet}'s generator for one prompt, from seeded standard-normal latents or from given
 * latents (a {@code .npy} of shape (N, latent shape...), e.g. to compare genalign's images with PyTorch's for the
 * same noise): what {@code genalign sample} does.
 */
public final class Sampling {
    /** Largest number of images one call draws. */
    public static final int MAX_COUNT = 1024;

    private final ModelSet model;
    private String prompt;
    private int count = 16;
    private long seed;
    private Path latentsFile;

    private Sampling(ModelSet model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    public static Sampling of(ModelSet model) {
        return new Sampling(model);
    }

    /** The prompt (default: the set's default prompt). */
    public Sampling prompt(String prompt) {
        this.prompt = prompt;
        return this;
    }

    /** Number of images, 1..{@value #MAX_COUNT} (ignored when latents are given: their first axis counts). */
    public Sampling count(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be in 1.." + MAX_COUNT + ", got " + count);
        }
        this.count = count;
        return this;
    }

    /** Seed of the latent noise. */
    public Sampling seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Use the latents in this {@code .npy} file instead of seeded noise. */
    public Sampling latents(Path npyFile) {
        this.latentsFile = npyFile;
        return this;
    }

    /** The prompt in use, in canonical form. */
    public String resolvedPrompt() {
        return model.canonicalPrompt(prompt != null ? prompt : model.defaultPrompt());
    }

    /**
     * Draws the images, shape (N, C, H, W) in the image range, float32, without gradient, in {@code out}; the
     * generator's temporaries are released at once.
     */
    public NDArray draw(NDManager out) throws IOException {
        String p = prompt != null ? prompt : model.defaultPrompt();
        model.condition(p, 1); // an unknown prompt fails before any file is read
        Generator g = model.generator();
        EngineBootstrap.start(seed);
        try (NDManager m = Tensors.newManager()) {
            NDArray z = latentsFile != null ? readLatents(m, g.latentShape())
                    : m.randomNormal(new Shape(count).addAll(g.latentShape()));
            int n = Math.toIntExact(z.getShape().get(0));
            NDArray images = g.generate(z, model.condition(p, n)).stopGradient().toType(DataType.FLOAT32, true);
            NDArray kept = out.create(images.toFloatArray(), images.getShape());
            return kept;
        }
    }

    private NDArray readLatents(NDManager m, Shape latentShape) throws IOException {
        NDArray z = Npy.readNDArray(latentsFile, m);
        Shape s = z.getShape();
        Shape expected = new Shape(s.dimension() > 0 ? s.get(0) : -1).addAll(latentShape);
        if (s.dimension() != latentShape.dimension() + 1 || !Arrays.equals(s.getShape(), expected.getShape())
                || s.get(0) < 1 || s.get(0) > MAX_COUNT) {
            throw new IllegalArgumentException(latentsFile + ": latents must have shape (N, "
                    + Arrays.toString(latentShape.getShape()).replaceAll("[\\[\\]]", "") + ") with N in 1.."
                    + MAX_COUNT + ", got " + s);
        }
        float[] v = z.toType(DataType.FLOAT32, false).toFloatArray();
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(latentsFile + ": latents hold a non-finite value (" + f + ")");
            }
        }
        return m.create(v, s);
    }
}
