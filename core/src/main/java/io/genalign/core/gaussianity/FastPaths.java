package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Host-to-engine helpers of the closed-form {@link Regularizer#valueAndGradient(NDArray)} paths. */
final class FastPaths {
    private FastPaths() {}

    /**
     * {@code v} (one value per sample) as an array of shape (B, 1, ..., 1) with {@code dims} axes in {@code like}'s
     * float type, so that it broadcasts against a batch of that rank.
     */
    static NDArray column(NDManager m, double[] v, NDArray like, int dims) {
        long[] s = new long[dims];
        java.util.Arrays.fill(s, 1L);
        s[0] = v.length;
        return create(m, v, new Shape(s), like.getDataType());
    }

    /** {@code v} (C order) as an array of the given shape and float type (float32 rounds each value once). */
    static NDArray create(NDManager m, double[] v, Shape shape, DataType type) {
        if (type == DataType.FLOAT32) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return m.create(f, shape);
        }
        return m.create(v, shape);
    }
}
