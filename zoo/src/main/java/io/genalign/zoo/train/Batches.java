package io.genalign.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.data.Permutation;

/**
 * Seeded minibatches of a contiguous slice of the training set: a fresh shuffle per epoch. Batch {@code step}
 * depends only on the seed and the step, so a resumed run sees the same batches as an uninterrupted one.
 */
final class Batches {
    private final FashionMnist.Split split;
    private final TrainOptions opts;
    private int[] order;
    private int orderEpoch = -1;

    Batches(FashionMnist.Split split, TrainOptions opts) {
        this.split = split;
        this.opts = opts;
    }

    /** Images (B, 1, 28, 28) and their labels (B) as int64. */
    record Batch(NDArray images, NDArray labels) {}

    Batch batch(NDManager m, int step) {
        int n = opts.trainTo() - opts.trainFrom();
        int bs = opts.batchSize();
        float[] pixels = new float[bs * 784];
        long[] labels = new long[bs];
        for (int i = 0; i < bs; i++) {
            long pos = (long) step * bs + i;
            int epoch = (int) (pos / n);
            if (epoch != orderEpoch) {
                order = Permutation.shuffled(n, opts.seed() * 1_000_003L + epoch);
                orderEpoch = epoch;
            }
            int idx = opts.trainFrom() + order[(int) (pos % n)];
            split.copyImage(idx, pixels, i * 784);
            labels[i] = split.label(idx);
        }
        return new Batch(m.create(pixels, new Shape(bs, 1, 28, 28)), m.create(labels));
    }
}
