package io.genalign.zoo.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.genalign.core.optim.AdamW;

/**
 * The optimizer of one trained part: core's {@link AdamW} without weight decay, in the bias-correction form DJL's
 * {@code Adam} computes ({@link AdamW.BiasCorrection#STEP_SIZE}, so the shipped weights' recipe is unchanged up to
 * float rounding), beta2 and eps at their defaults, at the part's learning rate. Its state is saved with every
 * checkpoint ({@code <part>.adam}), so a resumed run continues exactly.
 */
record PartOptimizer(AdamW adam, float learningRate) {

    /** Adam with {@code beta1} at learning rate {@code lr}; its moments live in {@code state}. */
    static PartOptimizer adam(NDManager state, float lr, float beta1) {
        return new PartOptimizer(AdamW.adam(state, beta1, AdamW.BETA2, AdamW.EPS, AdamW.BiasCorrection.STEP_SIZE),
                lr);
    }

    /** The checkpoint file of {@code part}'s optimizer state. */
    static String stateFile(String part) {
        return part + ".adam";
    }

    /** One update of every parameter of {@code block} that has a gradient; zeroes the gradients. */
    void step(Block block) {
        adam.step(block.getParameters(), learningRate);
    }
}
