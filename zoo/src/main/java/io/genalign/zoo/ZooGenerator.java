package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelInputs;
import io.genalign.zoo.arch.Architectures;

/**
 * The zoo's class-conditional one-step GAN generator: latents of shape (B, 16, 7, 7), standard normal, and a
 * condition whose class ids are 0..9, to images (B, 1, 28, 28) in [-1, 1]. Float32; differentiable with
 * respect to the latents; deterministic (BatchNorm uses its running statistics).
 */
public final class ZooGenerator implements Generator {
    private final ZooBlock block;

    ZooGenerator(ZooBlock block) {
        this.block = block;
    }

    @Override
    public Shape latentShape() {
        return Architectures.LATENT;
    }

    @Override
    public Shape imageShape() {
        return Architectures.IMAGE;
    }

    @Override
    public NDArray generate(NDArray latents, Condition condition) {
        int b = ModelInputs.requireBatch(latents, Architectures.LATENT, "latents");
        ModelInputs.requireCondition(condition, b);
        block.requireType(latents, "latents");
        NDArray oneHot = ZooClassifier.oneHot(latents.getManager(), condition.classIds(), block.dataType());
        return block.forward(new NDList(Architectures.withClassMaps(latents, oneHot))).singletonOrThrow();
    }


    /** The same generator with float64 parameters (for verification; inputs must then be float64). */
    public ZooGenerator asFloat64() {
        return new ZooGenerator(block.as(DataType.FLOAT64));
    }

    @Override
    public void close() {
        block.close();
    }
}
