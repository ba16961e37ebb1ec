package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;

/**
 * The exponential moving average of weights: for each pair of parameters (same position in both lists),
 * a ← d·a + (1 − d)·w, in place, with 1 − d computed in float32. The temporaries live in a sub-manager closed
 * before {@link #update} returns.
 */
public final class ExponentialMovingAverage {
    private ExponentialMovingAverage() {}

    /** Moves {@code average} toward {@code model} with decay {@code d}. */
    public static void update(ParameterList average, ParameterList model, float d) {
        if (average.isEmpty()) {
            return;
        }
        try (NDManager sub = NDManager.subManagerOf(average.get(0).getValue().getArray())) {
            for (int i = 0; i < average.size(); i++) {
                NDArray a = average.get(i).getValue().getArray();
                NDArray w = model.get(i).getValue().getArray();
                a.muli(d).addi(Scoped.in(sub, w.stopGradient()).mul(1f - d));
            }
        }
    }
}
