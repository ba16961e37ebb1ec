package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

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

    /**
     * {@code v} (C order) as an array of the given shape and float type (float32 rounds each value once), written
     * straight into a native-order direct buffer that the array wraps (one copy, no intermediate array).
     */
    static NDArray create(NDManager m, double[] v, Shape shape, DataType type) {
        boolean f32 = type == DataType.FLOAT32;
        ByteBuffer buf = ByteBuffer.allocateDirect(v.length * (f32 ? Float.BYTES : Double.BYTES))
                .order(ByteOrder.nativeOrder());
        if (f32) {
            FloatBuffer f = buf.asFloatBuffer();
            for (double x : v) {
                f.put((float) x);
            }
        } else {
            buf.asDoubleBuffer().put(v);
        }
        return m.create(buf, shape, type);
    }

    /**
     * The values of a complex array as float64, real and imaginary parts interleaved: a real view read out with one
     * bulk copy (element-wise reads through a buffer view cost several times more).
     */
    static double[] hostComplex(NDArray a, boolean f64) {
        try (NDArray real = a.real()) {
            if (f64) {
                return real.toDoubleArray();
            }
            float[] f = real.toFloatArray();
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }
    }
}
