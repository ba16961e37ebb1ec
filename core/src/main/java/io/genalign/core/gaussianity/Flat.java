package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import io.genalign.core.runtime.Tensors;

/** Shared helpers: C-order flattening of a batch and scalars of the batch's own float type. */
final class Flat {
    private Flat() {}

    /** (B, d_1, ..., d_k) → (B, D), C order. */
    static NDArray flatten(NDArray batch) {
        return batch.reshape(batch.getShape().get(0), -1);
    }

    /**
     * The scalar {@code v} as a 0-d array of {@code like}'s float type (a Java double would promote float32 to
     * float64), attached to {@code like}'s manager.
     *
     * <p>Why an array and not a Number: DJL's {@code op(Number)} overloads create the scalar with {@code
     * torch::from_blob} over a Java direct buffer and close it right after the op; when autograd saved that scalar
     * for the backward pass (mul, div, pow, maximum, minimum do), the backward reads memory that the garbage
     * collector may already have freed, and the gradient is sporadically garbage (huge or non-finite values that
     * depend on GC timing). A scalar attached to the manager stays alive until the manager closes, after the
     * backward pass. The value and the op are the same as with the Number overload (which creates exactly this
     * array), so results are unchanged.
     */
    static NDArray num(NDArray like, double v) {
        return Tensors.scalar(like, v);
    }

    /** {@code n} (a Float or a Double) as a 0-d array in {@code like}'s manager; see {@link #num(NDArray, double)}. */
    static NDArray scalar(NDArray like, Number n) {
        return n instanceof Float f ? like.getManager().create(f.floatValue())
                : like.getManager().create(n.doubleValue());
    }

    /** Values of a small array as doubles. */
    static double[] doubles(NDArray a) {
        return Tensors.toDoubles(a);
    }
}
