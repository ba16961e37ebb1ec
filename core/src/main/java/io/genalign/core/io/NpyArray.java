package io.genalign.core.io;

import java.util.Arrays;

/**
 * An array read from or written to a .npy file: its shape, its values in C (row-major) order as doubles
 * (float32 values are exactly representable), and the element type on disk.
 *
 * @param shape the shape ({@code new long[0]} for a scalar)
 * @param data  the values in C order; its length is the product of the shape
 * @param dtype the element type
 */
public record NpyArray(long[] shape, double[] data, NpyDtype dtype) {
    public NpyArray {
        if (shape == null || data == null || dtype == null) {
            throw new IllegalArgumentException("shape, data and dtype are required");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values but data has "
                    + data.length);
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of values. */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data)
                && dtype == a.dtype;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(data)) + dtype.hashCode();
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape) + " " + dtype;
    }
}
