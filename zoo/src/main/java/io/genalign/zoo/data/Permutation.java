package io.genalign.zoo.data;

import java.util.SplittableRandom;

/** Seeded permutations: the data order of zoo training, preference fine-tuning and evaluation subsets. */
public final class Permutation {
    private Permutation() {}

    /** A seeded Fisher-Yates permutation of 0..n-1. */
    public static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
