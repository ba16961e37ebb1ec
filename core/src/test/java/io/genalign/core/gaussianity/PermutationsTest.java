package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import io.genalign.core.testing.GenalignTestBase;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The inlined generator reproduces java.util.SplittableRandom bit for bit, so seeded permutations are unchanged. */
class PermutationsTest extends GenalignTestBase {
    @Test
    void boundedDrawsEqualSplittableRandom() {
        for (long seed : new long[] {0, 1, 7, 20251124L, -3, Long.MAX_VALUE}) {
            SplittableRandom ref = new SplittableRandom(seed);
            Permutations p = new Permutations(seed);
            SplittableRandom bounds = new SplittableRandom(seed ^ 99);
            for (int i = 0; i < 200_000; i++) {
                // small, power-of-two, large and near-2^31 bounds (the last ones exercise the rejection loop)
                int bound = switch (i % 4) {
                    case 0 -> 1 + bounds.nextInt(5000);
                    case 1 -> 1 << bounds.nextInt(31);
                    case 2 -> 1 + bounds.nextInt(Integer.MAX_VALUE);
                    default -> Integer.MAX_VALUE - bounds.nextInt(1000);
                };
                assertEquals(ref.nextInt(bound), p.nextInt(bound), "seed " + seed + ", draw " + i + ", bound " + bound);
            }
        }
    }

    @Test
    void drawnPermutationsEqualTheSplittableRandomFisherYates() {
        Permutations p = new Permutations(42);
        SplittableRandom ref = new SplittableRandom(42);
        for (int d : new int[] {1, 2, 17, 4096, 65536}) {
            NDArray perm = p.draw(manager, 2, d);
            long[] expected = new long[2 * d];
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < d; i++) {
                    expected[r * d + i] = i;
                }
                for (int i = d - 1; i > 0; i--) {
                    int j = ref.nextInt(i + 1);
                    long t = expected[r * d + i];
                    expected[r * d + i] = expected[r * d + j];
                    expected[r * d + j] = t;
                }
            }
            assertArrayEquals(expected, perm.toLongArray(), "d = " + d);
        }
    }
}
