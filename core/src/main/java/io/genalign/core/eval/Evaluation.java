package io.genalign.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.FeatureExtractor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Running frozen models over many images for evaluation, in chunks of {@value #CHUNK} without gradients, with
 * results as Java arrays: top-1 predictions, feature rows, class probabilities, and the Inception-Score-like score of
 * class-mixed splits. Works for any model set's classifiers and feature extractors.
 */
public final class Evaluation {
    /** Images per forward pass. */
    public static final int CHUNK = 500;

    private Evaluation() {}

    /** Top-1 predictions, in chunks, without gradients. */
    public static int[] predict(Classifier c, NDArray images) {
        double[][] rows = rows(images, part -> c.logits(part).argMax(1).toType(DataType.FLOAT64, false).expandDims(1));
        int[] out = new int[rows.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) rows[i][0];
        }
        return out;
    }

    /** Features of every image, (N, F) as doubles. */
    public static double[][] features(FeatureExtractor f, NDArray images) {
        return rows(images, f::features);
    }

    /** Softmax class probabilities of every image, (N, K). */
    public static double[][] probabilities(Classifier c, NDArray images) {
        return rows(images, part -> c.logits(part).softmax(1));
    }

    /**
     * Applies {@code f} (images (b, ...) to (b, F)) to the images in chunks of {@value #CHUNK}, each chunk's arrays in
     * a sub-manager closed at once, and returns the rows as doubles.
     */
    private static double[][] rows(NDArray images, Function<NDArray, NDArray> f) {
        int n = (int) images.getShape().get(0);
        double[][] out = new double[n][];
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            try (NDManager sm = images.getManager().newSubManager()) {
                NDArray part = images.get(from + ":" + to);
                part.attach(sm);
                NDArray y = f.apply(part).toType(DataType.FLOAT64, false);
                int d = (int) y.getShape().get(1);
                double[] flat = y.toDoubleArray();
                for (int i = 0; i < to - from; i++) {
                    out[from + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }

    /**
     * The Inception-Score-like score (mean over {@code splits} splits) of samples of known classes, in any order.
     * The rows are first dealt round-robin over the classes (one row of each class in turn, each class in its
     * original order, a class that runs out skipped), so every contiguous split holds the classes in proportion,
     * as a shuffled test set does. Split in class order, each part would hold a single class and score near 1
     * however good the samples.
     */
    public static double classMixedScore(double[][] probabilities, int[] classes, int splits) {
        if (classes.length != probabilities.length) {
            throw new IllegalArgumentException(classes.length + " classes for " + probabilities.length + " rows");
        }
        TreeMap<Integer, ArrayDeque<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < classes.length; i++) {
            byClass.computeIfAbsent(classes[i], k -> new ArrayDeque<>()).add(i);
        }
        double[][] mixed = new double[probabilities.length][];
        int next = 0;
        while (next < mixed.length) {
            for (ArrayDeque<Integer> rows : byClass.values()) {
                if (!rows.isEmpty()) {
                    mixed[next++] = probabilities[rows.poll()];
                }
            }
        }
        return InceptionLikeScore.score(mixed, splits).mean();
    }

}
