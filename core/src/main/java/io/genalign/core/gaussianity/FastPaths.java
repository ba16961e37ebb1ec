package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
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
     * The values of a float32, float64 or complex (interleaved real, imaginary) array as float64, read with one copy
     * out of the engine.
     */
    static double[] host(NDArray a, boolean f64) {
        ByteBuffer b = a.toByteBuffer().order(ByteOrder.nativeOrder());
        double[] out;
        if (f64) {
            DoubleBuffer d = b.asDoubleBuffer();
            out = new double[d.remaining()];
            d.get(out);
        } else {
            FloatBuffer f = b.asFloatBuffer();
            out = new double[f.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = f.get(i);
            }
        }
        return out;
    }
}
