package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

/**
 * A seeded source of uniform random permutations (Fisher–Yates). The same seed and the same sequence of
 * calls give the same permutations; every call draws new ones. Thread-safe.
 *
 * <p>The random numbers are exactly those of {@code new java.util.SplittableRandom(seed).nextInt(bound)} (the
 * project's permutations so far came from it, and {@code PermutationsTest} checks the identity), computed inline:
 * the same SplitMix state update and mixing, the same rejection rule, with the remainder {@code u % bound} taken by
 * a float64 reciprocal and one correction step instead of an integer division (exact for u &lt; 2³¹), which makes a
 * shuffle of 65,536 entries about twice as fast.
 */
final class Permutations {
    /** SplittableRandom's default gamma (the golden ratio), used by {@code new SplittableRandom(seed)}. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;

    Permutations(long seed) {
        this.seed = seed;
    }

    /** SplittableRandom.nextInt(): one SplitMix step, mixed to 32 bits. */
    private int nextInt() {
        long z = seed += GOLDEN_GAMMA;
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    /** SplittableRandom.nextInt(bound) for bound &ge; 1, bit for bit. */
    int nextInt(int bound) {
        int r = nextInt();
        int m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        double inv = 1.0 / bound;
        for (int u = r >>> 1; ; u = nextInt() >>> 1) {
            // r = u % bound: the quotient from the reciprocal is off by at most one
            int q = (int) (u * inv);
            r = u - q * bound;
            if (r < 0) {
                r += bound;
            } else if (r >= bound) {
                r -= bound;
            }
            if (u + m - r >= 0) { // the same rejection test as SplittableRandom (overflow = reject)
                return r;
            }
        }
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
        int[] row = new int[d];
        long[] wide = new long[d];
        for (int r = 0; r < rows; r++) {
            shuffle(row);
            for (int i = 0; i < d; i++) {
                wide[i] = row[i];
            }
            all.put(wide);
        }
        return manager.create(buf, new Shape(rows, d), DataType.INT64);
    }

    /**
     * One permutation of 0..row.length-1 written into {@code row}: exactly the next row that {@link #draw(NDManager,
     * int, int)} would give (the same numbers in the same order), for host-side users such as PRNO's closed form.
     */
    synchronized void next(int[] row) {
        shuffle(row);
    }

    /** Fisher–Yates from the identity, consuming the generator exactly as one row of {@link #draw} does. */
    private void shuffle(int[] row) {
        int d = row.length;
        for (int i = 0; i < d; i++) {
            row[i] = i;
        }
        for (int i = d - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = row[i];
            row[i] = row[j];
            row[j] = t;
        }
    }

    /**
     * Applies one permutation per row: {@code out[b, i] = x[b, perm[b, i]]} for x of shape (B, D); differentiable
     * (the gradient flows back through the permutation's transpose).
     */
    static NDArray apply(NDArray x, NDArray perm) {
        return x.gather(perm, 1);
    }
}
