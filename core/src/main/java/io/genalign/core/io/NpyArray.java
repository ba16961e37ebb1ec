package io.genalign.core.io;

import java.util.Arrays;

/**
 * An array read from or written to a .npy file: its shape, its values in C (row-major) order, and the element
 * type on disk.
 *
 * <p>Storage: a float32 array read by {@link Npy#read} keeps its values as a {@code float[]} ({@link #floatData()},
 * no copy), so reading costs the file's size once, not twice. {@link #data()} gives the values as doubles; for
 * float-stored arrays it converts once (allocating 2× the data) and caches the result, so code that only needs
 * floats should call {@link #floatData()}. Arrays made with {@link #NpyArray(long[], double[], NpyDtype)} keep
 * their {@code double[]}.
 *
 * <p>(Formerly a record with the components {@code shape}, {@code data} and {@code dtype}; the accessors, the
 * constructor and the value semantics of {@code equals} are unchanged.)
 */
public final class NpyArray {
    private final long[] shape;
    private final NpyDtype dtype;
    private final float[] floats; // non-null: float32 values held as floats
    private volatile double[] data; // the doubles (for float storage: made on first use)

    /**
     * An array of doubles (float32 values are exactly representable).
     *
     * @param shape the shape ({@code new long[0]} for a scalar)
     * @param data  the values in C order; its length is the product of the shape
     * @param dtype the element type on disk
     */
    public NpyArray(long[] shape, double[] data, NpyDtype dtype) {
        this(shape, data, null, dtype);
    }

    /** A float32 array held as floats (no copy of {@code data}). */
    public NpyArray(long[] shape, float[] data) {
        this(shape, null, data, NpyDtype.FLOAT32);
    }

    private NpyArray(long[] shape, double[] data, float[] floats, NpyDtype dtype) {
        if (shape == null || (data == null && floats == null) || dtype == null) {
            throw new IllegalArgumentException("shape, data and dtype are required");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        int length = floats != null ? floats.length : data.length;
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values but data has "
                    + length);
        }
        this.shape = shape.clone();
        this.data = data;
        this.floats = floats;
        this.dtype = dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /**
     * The values as doubles in C order. For a float-stored array (see the class comment) this converts once and
     * caches (2× the data's memory); prefer {@link #floatData()} there.
     */
    public double[] data() {
        double[] d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) {
                    d = new double[floats.length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = floats[i];
                    }
                    data = d;
                }
            }
        }
        return d;
    }

    /** Whether the values are held as floats (a float32 file read by {@link Npy#read}). */
    public boolean isFloatStorage() {
        return floats != null;
    }

    /**
     * The values as floats in C order: the array itself for float storage (no copy; do not modify it), else a
     * rounded copy.
     */
    public float[] floatData() {
        if (floats != null) {
            return floats;
        }
        double[] d = data;
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The value at flat (C-order) index {@code i}, without converting the whole array. */
    public double get(int i) {
        return floats != null ? floats[i] : data[i];
    }

    public NpyDtype dtype() {
        return dtype;
    }

    /** The number of values. */
    public int size() {
        return floats != null ? floats.length : data.length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray a) || !Arrays.equals(shape, a.shape) || dtype != a.dtype || size() != a.size()) {
            return false;
        }
        if (floats != null && a.floats != null) {
            return Arrays.equals(floats, a.floats);
        }
        for (int i = 0; i < size(); i++) {
            if (Double.doubleToLongBits(get(i)) != Double.doubleToLongBits(a.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size(); i++) {
            long bits = Double.doubleToLongBits(get(i));
            h = 31 * h + (int) (bits ^ (bits >>> 32));
        }
        return 31 * (31 * Arrays.hashCode(shape) + h) + dtype.hashCode();
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape) + " " + dtype;
    }
}
