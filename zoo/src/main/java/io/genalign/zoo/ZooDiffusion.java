package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelInputs;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.diffusion.DdimSampler;

/**
 * The zoo's class-conditional diffusion model as a {@link Generator}: the latent is the DDIM sampler's initial
 * noise (B, 1, 28, 28), standard normal; the condition's class ids are 0..9. Sampling is deterministic (DDIM,
 * eta = 0) with the sampler given at construction ({@link DdimSampler#defaults()} by default). Float32.
 */
public final class ZooDiffusion implements Generator {
    private final ZooBlock block;
    private final DdimSampler sampler;

    ZooDiffusion(ZooBlock block, DdimSampler sampler) {
        this.block = block;
        this.sampler = sampler;
    }

    /** The same network with another sampler (steps, guidance); shares the weights, so close only one. */
    public ZooDiffusion withSampler(DdimSampler s) {
        return new ZooDiffusion(block, s);
    }

    public DdimSampler sampler() {
        return sampler;
    }

    @Override
    public Shape latentShape() {
        return DdimSampler.noiseShape();
    }

    @Override
    public Shape imageShape() {
        return Architectures.IMAGE;
    }

    @Override
    public NDArray generate(NDArray latents, Condition condition) {
        int b = ModelInputs.requireBatch(latents, DdimSampler.noiseShape(), "latents");
        ModelInputs.requireCondition(condition, b);
        block.requireType(latents, "latents");
        int[] classes = condition.classIds();
        for (int c : classes) {
            if (c < 0 || c >= Architectures.CLASSES) {
                throw new IllegalArgumentException("the diffusion model needs class ids 0..9, got " + c);
            }
        }
        return sampler.sample(in -> block.forward(in).singletonOrThrow(), latents, classes);
    }

    /** eps_hat(x_t, t, y) of the network in inference mode. */
    public NDArray predictNoise(NDList inputs) {
        return block.forward(inputs).singletonOrThrow();
    }

    @Override
    public void close() {
        block.close();
    }
}
