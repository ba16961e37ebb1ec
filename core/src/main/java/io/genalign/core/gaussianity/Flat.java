package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Shared helpers: C-order flattening of a batch and scalars of the batch's own float type. */
final class Flat {
    private Flat() {}

    /** (B, d_1, ..., d_k) → (B, D), C order. */
    static NDArray flatten(NDArray batch) {
        return batch.reshape(batch.getShape().get(0), -1);
    }

    /** A Number of {@code like}'s type: a Java double would promote float32 to float64. */
    static Number num(NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }

    /** Values of a small array as doubles. */
    static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            // one host copy, no float64 copy on the engine side; float → double is exact
            float[] f = a.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
