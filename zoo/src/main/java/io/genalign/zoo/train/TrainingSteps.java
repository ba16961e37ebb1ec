package io.genalign.zoo.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Pieces the recipes share: one optimiser step on a loss, zeroing gradients, cross-entropy. */
final class TrainingSteps {
    private TrainingSteps() {}

    /** One optimiser step of {@code block} on the scalar {@code loss} (built inside the gradient collector). */
    static Map<String, Double> minimiseOnce(Block block, PartOptimizer opt, Supplier<NDArray> loss) {
        double value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.get();
            value = l.getFloat();
            gc.backward(l);
        }
        opt.step(block);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", value);
        return m;
    }

    /** Zeroes the gradients of {@code block}. */
    static void zero(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.hasGradient()) {
                try (NDArray grad = w.getGradient()) {
                    grad.subi(grad);
                }
            }
        }
    }

    /** Mean cross-entropy of class logits (B, K) against one-hot targets (B, K). */
    static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
    }
}
