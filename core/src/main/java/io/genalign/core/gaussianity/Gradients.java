package io.genalign.core.gaussianity;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/** Value and gradient of a regularizer, the way every caller (CLI, optimizer, tests) gets them. */
public final class Gradients {
    private Gradients() {}

    /**
     * {@code reg.valueAndGradient(batch)}: the regularizer's fastest exact path (a closed-form gradient where it has
     * one, autograd otherwise). The returned gradient belongs to {@code batch}'s manager; the input is not modified.
     */
    public static ValueAndGradient valueAndGradient(Regularizer reg, NDArray batch) {
        return reg.valueAndGradient(batch);
    }

    /**
     * Autograd on {@link Regularizer#perSample(NDArray)}: evaluates {@code reg} on a detached copy of {@code batch}
     * and returns the per-sample values with the gradient of each sample's own value:
     * {@code gradient[i] = d perSample[i] / d batch[i]}. Every intermediate lives in a sub-manager closed before
     * returning; the gradient belongs to {@code batch}'s manager; the input is not modified.
     */
    public static ValueAndGradient autograd(Regularizer reg, NDArray batch) {
        // shape and type first: a non-float tensor cannot require gradients, and the message should name the problem
        InputChecks.requireShapeAndType(batch, "latents");
        NDManager owner = batch.getManager();
        try (NDManager sub = owner.newSubManager()) {
            NDArray x = batch.stopGradient().duplicate();
            x.attach(sub);
            x.setRequiresGradient(true);
            double[] values;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray per = reg.perSample(x);
                values = per.getDataType() == DataType.FLOAT32 ? Flat.doubles(per)
                        : per.toType(DataType.FLOAT64, false).toDoubleArray();
                gc.backward(per.sum());
            }
            // a fresh handle on the gradient tensor: it outlives x, and nothing writes to it again (no copy needed)
            NDArray grad = x.getGradient();
            grad.attach(owner);
            return new ValueAndGradient(values, grad);
        }
    }

    /** Per-sample values and the gradient (same shape as the batch). */
    public record ValueAndGradient(double[] perSample, NDArray gradient) {}
}
