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
 * A feature body followed by a linear head: outputs (logits, features). Input: images (B, C, H, W).
 * Used by the classifiers and the feature network, so one forward pass gives both.
 */
public final class BodyHeadBlock extends AbstractBlock {
    private static final byte VERSION = 1;
    private final Block body;
    private final Block head;

    public BodyHeadBlock(Block body, int classes) {
        super(VERSION);
        this.body = addChildBlock("body", body);
        this.head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray features = body.forward(ps, inputs, training, p).singletonOrThrow();
        NDArray logits = head.forward(ps, new NDList(features), training, p).singletonOrThrow();
        return new NDList(logits, features);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape f = body.getOutputShapes(inputShapes)[0];
        return new Shape[] {head.getOutputShapes(new Shape[] {f})[0], f};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, body.getOutputShapes(inputShapes));
    }
}
