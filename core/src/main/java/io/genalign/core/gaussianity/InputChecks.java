package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.runtime.Tensors;

/** Validation of latent batches; every message names the problem and where it is. */
public final class InputChecks {
    private InputChecks() {}

    /**
     * Checks that {@code batch} has shape (B, d_1, ..., d_k) with B &ge; 1, k &ge; 1 and D &ge; 1, a float32 or
     * float64 type, only finite values, and no sample that is all zeros.
     *
     * @param batch the latents
     * @param what  how the caller names them in messages (e.g. "latents")
     * @throws IllegalArgumentException naming the first problem found
     */
    public static void requireLatentBatch(NDArray batch, String what) {
        requireShapeAndType(batch, what);
        requireFiniteNonZero(batch, what);
    }

    /**
     * The checks of {@link #requireLatentBatch(NDArray, String)} that need no tensor op: present, shape (B, d_1, ...,
     * d_k) with k &ge; 1 and no empty axis, float32 or float64. Fast paths call this first, then check the values
     * cheaply on a reduction they compute anyway and call {@link #requireLatentBatch(NDArray, String)} when a value
     * looks wrong.
     */
    public static void requireShapeAndType(NDArray batch, String what) {
        if (batch == null) {
            throw new IllegalArgumentException(what + " are missing (null)");
        }
        Shape shape = batch.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException(what + " must have a batch axis and at least one sample axis, got shape "
                    + shape);
        }
        if (shape.size() == 0) {
            throw new IllegalArgumentException(what + " are empty (shape " + shape + ")");
        }
        if (!Tensors.isSupportedFloat(batch.getDataType())) {
            throw new IllegalArgumentException(what + " must be float32 or float64, got " + batch.getDataType());
        }
    }

    private static void requireFiniteNonZero(NDArray batch, String what) {
        long b = batch.getShape().get(0);
        try (NDArray flat = batch.reshape(b, -1).stopGradient()) {
            try (NDArray nan = flat.isNaN().any(); NDArray inf = flat.isInfinite().any()) {
                if (nan.getBoolean() || inf.getBoolean()) {
                    for (long i = 0; i < b; i++) {
                        try (NDArray row = flat.get(i)) {
                            long nanIdx = firstTrue(row.isNaN());
                            if (nanIdx >= 0) {
                                throw new IllegalArgumentException(what + " contain NaN (sample " + i + ", flat index "
                                        + nanIdx + ")");
                            }
                            long infIdx = firstTrue(row.isInfinite());
                            if (infIdx >= 0) {
                                throw new IllegalArgumentException(what + " contain an infinite value (sample " + i
                                        + ", flat index " + infIdx + ")");
                            }
                        }
                    }
                }
            }
            try (NDArray nonZero = flat.abs().max(new int[] {1})) {
                double[] perSample = nonZero.toType(DataType.FLOAT64, false).toDoubleArray();
                for (int i = 0; i < perSample.length; i++) {
                    if (perSample[i] == 0.0) {
                        throw new IllegalArgumentException(what + " sample " + i
                                + " is all zeros: Gaussianity statistics are undefined for it");
                    }
                }
            }
        }
    }

    private static long firstTrue(NDArray mask) {
        try (mask) {
            boolean[] v = mask.toBooleanArray();
            for (int i = 0; i < v.length; i++) {
                if (v[i]) {
                    return i;
                }
            }
            return -1;
        }
    }
}
