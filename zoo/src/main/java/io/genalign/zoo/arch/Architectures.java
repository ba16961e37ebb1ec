package io.genalign.zoo.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * The built-in architectures, all on 1 x 28 x 28 images in [-1, 1]. Changing one changes its weights' layout:
 * bump the model's version in the manifest.
 */
public final class Architectures {
    /** Latent shape of the generator: 16 x 7 x 7 = 784 standard-normal values. */
    public static final Shape LATENT = new Shape(16, 7, 7);
    /** Image shape of every built-in model. */
    public static final Shape IMAGE = new Shape(1, 28, 28);
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Feature length of the discriminator's body. */
    public static final int DISC_FEATURES = 128;
    /** Feature length of the feature network. */
    public static final int FEATURE_NET_DIM = 64;

    private Architectures() {}

    private static Block conv(int filters, int kernel, int stride, int pad) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).build();
    }

    /** Nearest-neighbour 2x upsampling (DJL has no transposed convolution on PyTorch). */
    private static Block upsample() {
        return new LambdaBlock(list -> {
            NDArray x = list.singletonOrThrow();
            return new NDList(x.repeat(2, 2).repeat(3, 2));
        }, "upsample2x");
    }

    /**
     * Generator: input (B, 16 + 10, 7, 7), the latent with one-hot class maps concatenated; output (B, 1, 28, 28)
     * through tanh. conv7 96 → BN → ReLU; conv5 96 → BN → ReLU (together a receptive field of ±5 latent cells,
     * so every output pixel depends on almost the whole 7 x 7 latent: the shape of the garment is decided
     * globally, not patch by patch); up; conv3 48 → BN → ReLU; up; conv3 24 → BN → ReLU; conv3 1 → tanh.
     */
    public static Block generator() {
        return new SequentialBlock()
                .add(conv(96, 7, 1, 3)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(96, 5, 1, 2)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(upsample())
                .add(conv(48, 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(upsample())
                .add(conv(24, 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(1, 3, 1, 1)).add(Activation.tanhBlock());
    }

    /**
     * Discriminator: conv4 s2 32 → LReLU; conv4 s2 64 → LReLU; conv3 64 → LReLU; flatten (64 x 7 x 7); linear 128
     * → LReLU (the 128 features); projection head. The flatten keeps where things are, so the discriminator
     * judges the whole shape and not only local texture.
     */
    public static ProjectionDiscriminatorBlock discriminator() {
        Block body = new SequentialBlock()
                .add(conv(32, 4, 2, 1)).add(Activation.leakyReluBlock(0.2f))
                .add(conv(64, 4, 2, 1)).add(Activation.leakyReluBlock(0.2f))
                .add(conv(64, 3, 1, 1)).add(Activation.leakyReluBlock(0.2f))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(DISC_FEATURES).build()).add(Activation.leakyReluBlock(0.2f));
        return new ProjectionDiscriminatorBlock(body, DISC_FEATURES);
    }

    /** Classifier A: conv3 32 → ReLU → pool; conv3 64 → ReLU → pool; linear 128 → ReLU; head 10. */
    public static BodyHeadBlock classifierA() {
        Block body = new SequentialBlock()
                .add(conv(32, 3, 1, 1)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(64, 3, 1, 1)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock());
        return new BodyHeadBlock(body, CLASSES);
    }

    /**
     * Classifier B (held-out judge, a different design): conv5 24 → BN → ReLU → pool; conv5 48 → BN → ReLU →
     * pool; flatten; linear 96 → ReLU; head 10.
     */
    public static BodyHeadBlock classifierB() {
        Block body = new SequentialBlock()
                .add(conv(24, 5, 1, 2)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(48, 5, 1, 2)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(96).build()).add(Activation.reluBlock());
        return new BodyHeadBlock(body, CLASSES);
    }

    /**
     * Feature network for FID and the Inception-Score-like score: conv3 32 s1 → BN → ReLU; conv3 64 s2 → BN →
     * ReLU; conv3 128 s2 → BN → ReLU; global average pool; linear 64 → ReLU (the features); head 10.
     */
    public static BodyHeadBlock featureNet() {
        Block body = new SequentialBlock()
                .add(conv(32, 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(64, 3, 2, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(128, 3, 2, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(FEATURE_NET_DIM).build()).add(Activation.reluBlock());
        return new BodyHeadBlock(body, CLASSES);
    }

    /** (B, 16, 7, 7) latents and (B, 10) one-hot classes → (B, 26, 7, 7): the generator's input. */
    public static NDArray withClassMaps(NDArray z, NDArray oneHot) {
        long b = z.getShape().get(0);
        NDArray maps = oneHot.reshape(b, 10, 1, 1).broadcast(b, 10, z.getShape().get(2), z.getShape().get(3));
        return z.concat(maps, 1);
    }
}
