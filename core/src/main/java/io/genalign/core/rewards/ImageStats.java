package io.genalign.core.rewards;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.runtime.Tensors;

/** Shared helpers of the image rewards. */
final class ImageStats {
    private ImageStats() {}

    /**
     * The scalar {@code v} as a 0-d array of {@code like}'s float type in {@code like}'s manager. Not a Number: DJL's
     * {@code op(Number)} overloads free the scalar right after the op although autograd may read it in the backward
     * pass (sporadically garbage gradients); an array lives until its manager closes. Same value, same op.
     */
    static NDArray num(NDArray like, double v) {
        return Tensors.scalar(like, v);
    }

    /** (B, C, H, W) → (B, C·H·W). */
    static NDArray flat(NDArray images) {
        if (images.getShape().dimension() != 4) {
            throw new IllegalArgumentException("images must have shape (B, C, H, W), got " + images.getShape());
        }
        return images.reshape(images.getShape().get(0), -1);
    }
}
