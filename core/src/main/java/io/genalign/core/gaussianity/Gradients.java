package io.genalign.core.gaussianity;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;

/** Value and autograd gradient of a regularizer, the way every caller (CLI, optimizer, tests) gets them. */
public final class Gradients {
    private Gradients() {}

    /**
     * Evaluates {@code reg} on a detached copy of {@code batch} and returns the per-sample values with the
     * gradient of each sample's own value: {@code gradient[i] = d perSample[i] / d batch[i]}. The returned
     * gradient belongs to {@code batch}'s manager; the input is not modified.
     */
    public static ValueAndGradient valueAndGradient(Regularizer reg, NDArray batch) {
        NDArray x = batch.stopGradient().duplicate();
        x.setRequiresGradient(true);
        double[] values;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray per = reg.perSample(x);
            values = per.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            gc.backward(per.sum());
        }
        NDArray grad = x.getGradient().duplicate();
        grad.attach(batch.getManager());
        x.close();
        return new ValueAndGradient(values, grad);
    }

    /** Per-sample values and the gradient (same shape as the batch). */
    public record ValueAndGradient(double[] perSample, NDArray gradient) {}
}
