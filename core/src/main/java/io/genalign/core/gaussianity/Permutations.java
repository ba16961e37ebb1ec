package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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

    /** {@code rows} independent permutations of 0..d-1 as an int64 array of shape (rows, d). */
    synchronized NDArray draw(NDManager manager, int rows, int d) {
        long[] all = new long[Math.multiplyExact(rows, d)];
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            for (int i = 0; i < d; i++) {
                all[off + i] = i;
            }
            for (int i = d - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                long t = all[off + i];
                all[off + i] = all[off + j];
                all[off + j] = t;
            }
        }
        return manager.create(all, new Shape(rows, d));
    }

    /**
     * Applies one permutation per row: {@code out[b, i] = x[b, perm[b, i]]} for x of shape (B, D); differentiable
     * (the gradient flows back through the permutation's transpose).
     */
    static NDArray apply(NDArray x, NDArray perm) {
        return x.gather(perm, 1);
    }
}
