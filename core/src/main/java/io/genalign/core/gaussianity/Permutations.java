package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.SplittableRandom;

/**
 * A seeded source of uniform random permutations (Fisher–Yates). The same seed and the same sequence of
 * calls give the same permutations; every call draws new ones. Thread-safe.
 */
final class Permutations {
    private final SplittableRandom rng;

    Permutations(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /**
     * {@code rows} independent permutations of 0..d-1 as an int64 array of shape (rows, d). The indices are written
     * straight into a native-order direct buffer that the array wraps (no second copy); the array keeps the buffer
     * alive until it is closed.
     */
    synchronized NDArray draw(NDManager manager, int rows, int d) {
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(rows, d), Long.BYTES))
                .order(ByteOrder.nativeOrder());
        LongBuffer all = buf.asLongBuffer();
        long[] row = new long[d];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                row[i] = i;
            }
            for (int i = d - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                long t = row[i];
                row[i] = row[j];
                row[j] = t;
            }
            all.put(row);
        }
        return manager.create(buf, new Shape(rows, d), DataType.INT64);
    }

    /**
     * Applies one permutation per row: {@code out[b, i] = x[b, perm[b, i]]} for x of shape (B, D); differentiable
     * (the gradient flows back through the permutation's transpose).
     */
    static NDArray apply(NDArray x, NDArray perm) {
        return x.gather(perm, 1);
    }
}
