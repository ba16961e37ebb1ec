package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.ModelInputs;
import io.genalign.zoo.arch.Architectures;

/**
 * The GAN's projection discriminator: a realness logit per image and class (positive = real), and
 * class-independent features of its body (128 values). Float32; differentiable with respect to the images.
 */
public final class ZooDiscriminator implements Discriminator {
    private final ZooBlock block;

    ZooDiscriminator(ZooBlock block) {
        this.block = block;
    }

    @Override
    public String name() {
        return "discriminator";
    }

    @Override
    public int featureDim() {
        return Architectures.DISC_FEATURES;
    }

    @Override
    public NDArray logits(NDArray images, Condition condition) {
        int b = ModelInputs.requireBatch(images, Architectures.IMAGE, "images");
        ModelInputs.requireCondition(condition, b);
        block.requireType(images, "images");
        NDArray y = ZooClassifier.oneHot(images.getManager(), condition.classIds(), block.dataType());
        return block.forward(new NDList(images, y)).get(0);
    }

    @Override
    public NDArray features(NDArray images) {
        int b = ModelInputs.requireBatch(images, Architectures.IMAGE, "images");
        block.requireType(images, "images");
        // the features do not depend on the class; any one-hot input gives the same body output
        NDArray y = ZooClassifier.oneHot(images.getManager(), new int[b], block.dataType());
        return block.forward(new NDList(images, y)).get(1);
    }

    /** The same discriminator with float64 parameters (for verification; inputs must then be float64). */
    public ZooDiscriminator asFloat64() {
        return new ZooDiscriminator(block.as(DataType.FLOAT64));
    }

    @Override
    public void close() {
        block.close();
    }
}
