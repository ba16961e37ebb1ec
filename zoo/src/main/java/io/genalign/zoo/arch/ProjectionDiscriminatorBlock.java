package io.genalign.zoo.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A projection discriminator (Miyato and Koyama 2018): d(x, y) = w·φ(x) + b + ⟨E y, φ(x)⟩ with φ a
 * convolutional body, y the one-hot class and E a class embedding. Inputs: images (B, C, H, W) and one-hot
 * classes (B, K). Outputs: logits (B) and features φ(x) (B, F), which do not depend on the class.
 *
 * <p>The class embedding doubles as a classifier (as in P2GAN, Han et al. 2021): {@link #classLogits} gives
 * ⟨E_k, φ(x)⟩ for every class k, whose softmax training fits to the labels of real images.
 */
public final class ProjectionDiscriminatorBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block body;
    private final Block head;
    private final Block embed;

    public ProjectionDiscriminatorBlock(Block body, int featureDim) {
        super(VERSION);
        this.body = addChildBlock("body", body);
        this.head = addChildBlock("head", Linear.builder().setUnits(1).build());
        this.embed = addChildBlock("embed", Linear.builder().setUnits(featureDim).optBias(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray features = body.forward(ps, new NDList(inputs.get(0)), training, p).singletonOrThrow();
        NDArray out = head.forward(ps, new NDList(features), training, p).singletonOrThrow();
        NDArray e = embed.forward(ps, new NDList(inputs.get(1)), training, p).singletonOrThrow();
        NDArray logit = out.reshape(-1).add(e.mul(features).sum(new int[] {1}));
        return new NDList(logit, features);
    }

    /**
     * Class logits (B, K): ⟨E_k, φ(x)⟩ for every class k, from features φ(x) (B, F) returned by the forward pass.
     */
    public NDArray classLogits(ParameterStore ps, NDArray features, boolean training) {
        long k = embed.getParameters().get(0).getValue().getArray().getShape().get(1);
        NDArray eye = features.getManager().eye((int) k).toType(features.getDataType(), false);
        NDArray e = embed.forward(ps, new NDList(eye), training).singletonOrThrow(); // (K, F): row k = E_k
        return features.matMul(e.transpose());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape f = body.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        return new Shape[] {new Shape(inputShapes[0].get(0)), f};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes[0]);
        Shape f = body.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        head.initialize(manager, dataType, f);
        embed.initialize(manager, dataType, inputShapes[1]);
    }
}
