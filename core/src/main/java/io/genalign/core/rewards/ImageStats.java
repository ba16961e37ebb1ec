package io.genalign.core.rewards;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Shared helpers of the image rewards. */
final class ImageStats {
    private ImageStats() {}

    static Number num(NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }

    /** (B, C, H, W) → (B, C·H·W). */
    static NDArray flat(NDArray images) {
        if (images.getShape().dimension() != 4) {
            throw new IllegalArgumentException("images must have shape (B, C, H, W), got " + images.getShape());
        }
        return images.reshape(images.getShape().get(0), -1);
    }
}
