package io.genalign.zoo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.eval.Evaluation;
import io.genalign.core.eval.Fid;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.eval.InceptionLikeScore;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.Condition;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.data.Permutation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The quality figures of the zoo's models, measured on the 10,000 Fashion-MNIST test images. */
public final class ZooEvaluation {
    /** Images per forward pass. */
    public static final int CHUNK = 500;

    private ZooEvaluation() {}

    /** The test images (10,000, 1, 28, 28) in [-1, 1]. */
    public static NDArray testImages(NDManager m, FashionMnist.Split test) {
        float[] v = new float[test.size() * 784];
        for (int i = 0; i < test.size(); i++) {
            test.copyImage(i, v, i * 784);
        }
        return m.create(v, new Shape(test.size(), 1, 28, 28));
    }

    /** Top-1 accuracy of a classifier on the test split. */
    public static double accuracy(Classifier c, NDManager m, FashionMnist.Split test) {
        int correct = 0;
        try (NDManager sm = m.newSubManager()) {
            NDArray images = testImages(sm, test);
            int[] pred = predict(c, images);
            for (int i = 0; i < pred.length; i++) {
                if (pred[i] == test.label(i)) {
                    correct++;
                }
            }
        }
        return (double) correct / test.size();
    }

    /** Top-1 predictions; see {@link Evaluation#predict}. */
    public static int[] predict(Classifier c, NDArray images) {
        return Evaluation.predict(c, images);
    }

    /** Features as rows; see {@link Evaluation#features}. */
    public static double[][] features(FeatureExtractor f, NDArray images) {
        return Evaluation.features(f, images);
    }

    /** Softmax probabilities; see {@link Evaluation#probabilities}. */
    public static double[][] probabilities(Classifier c, NDArray images) {
        return Evaluation.probabilities(c, images);
    }

    /** See {@link Evaluation#classMixedScore}. */
    public static double classMixedScore(double[][] probabilities, int[] classes, int splits) {
        return Evaluation.classMixedScore(probabilities, classes, splits);
    }

    /** Share of class-ordered samples ({@code perClass} of class 0, then of class 1, ...) predicted as their class. */
    static double requestedClassShare(int[] predicted, int perClass) {
        int hits = 0;
        for (int i = 0; i < predicted.length; i++) {
            hits += predicted[i] == i / perClass ? 1 : 0;
        }
        return (double) hits / predicted.length;
    }

    /**
     * The Inception-Score-like score (mean over 10 splits) of class-ordered samples ({@code perClass} rows of
     * class 0, then of class 1, ...); see {@link #classMixedScore(double[][], int[], int)}.
     */
    static double classMixedScore(double[][] classOrdered, int perClass) {
        int[] classes = new int[classOrdered.length];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = i / perClass;
        }
        return classMixedScore(classOrdered, classes, 10);
    }

    /** {@code perClass} samples of every class from the generator, in class order, from a seeded engine RNG. */
    public static NDArray sample(Generator g, NDManager m, int perClass, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        NDArray[] parts = new NDArray[10];
        for (int c = 0; c < 10; c++) {
            NDArray z = m.randomNormal(new Shape(perClass).addAll(g.latentShape()));
            parts[c] = g.generate(z, Condition.repeat(Prompts.className(c), c, perClass)).stopGradient();
        }
        return NDArrays.concat(new NDList(parts), 0);
    }

    /**
     * The diffusion model's figures, on {@code perClass} DDIM samples per class (seeded): FID against the
     * 10,000 test images and, for scale, the FID of an equally large random subset of the test images against
     * the full test set (the small-sample bias of FID); classifier B's share of samples of the requested class;
     * the Inception-Score-like score; the sampler's settings.
     */
    public static Map<String, Object> diffusionFigures(ZooDiffusion g, Classifier b, ZooClassifier featureNet,
                                                       NDManager m, FashionMnist.Split test, long seed, int perClass) {
        Map<String, Object> q = new LinkedHashMap<>();
        try (NDManager sm = m.newSubManager()) {
            NDArray real = testImages(sm, test);
            double[][] realFeatures = features(featureNet, real);
            NDArray fake = sampleInChunks(g, sm, perClass, seed);
            double[][] fakeFeatures = features(featureNet, fake);
            int n = fakeFeatures.length;
            q.put("fid_generated_vs_test", Fid.distance(GaussianFit.of(fakeFeatures), GaussianFit.of(realFeatures)));
            int[] perm = Permutation.shuffled(realFeatures.length, seed);
            double[][] subset = new double[n][];
            for (int i = 0; i < n; i++) {
                subset[i] = realFeatures[perm[i]];
            }
            q.put("fid_test_subset_vs_test", Fid.distance(GaussianFit.of(subset), GaussianFit.of(realFeatures)));
            int[] pred = predict(b, fake);
            q.put("classifier_b_share_of_requested_class", requestedClassShare(pred, perClass));
            q.put("inception_like_score_generated", classMixedScore(probabilities(featureNet, fake), perClass));
            q.put("samples", n);
            q.put("sample_seed", seed);
            q.put("ddim_steps", g.sampler().steps());
            q.put("guidance", (double) g.sampler().guidance());
        }
        return q;
    }

    /** {@code perClass} samples of every class, in class order, generated in chunks of at most 100 per call. */
    public static NDArray sampleInChunks(Generator g, NDManager m, int perClass, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        List<NDArray> parts = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            for (int from = 0; from < perClass; from += 100) {
                int k = Math.min(100, perClass - from);
                try (NDManager cm = m.newSubManager()) {
                    NDArray z = cm.randomNormal(new Shape(k).addAll(g.latentShape()));
                    NDArray img = g.generate(z, Condition.repeat(Prompts.className(c), c, k));
                    parts.add(m.create(img.toFloatArray(), img.getShape())); // keep only the images
                }
            }
        }
        return NDArrays.concat(new NDList(parts.toArray(new NDArray[0])), 0);
    }

    /**
     * The GAN's figures: FID of 1,000 samples per class against the test set and, beside it, the FID of the even
     * half of the test set against the odd half; the share of samples that classifier B assigns to the
     * requested class; the Inception-Score-like score of the samples and of the test set (10 splits).
     */
    public static Map<String, Object> ganFigures(Generator g, Classifier b, ZooClassifier featureNet, NDManager m,
                                                 FashionMnist.Split test, long seed) {
        Map<String, Object> q = new LinkedHashMap<>();
        try (NDManager sm = m.newSubManager()) {
            NDArray real = testImages(sm, test);
            double[][] realFeatures = features(featureNet, real);
            NDArray fake = sample(g, sm, 1000, seed);
            double[][] fakeFeatures = features(featureNet, fake);
            q.put("fid_generated_vs_test", Fid.distance(GaussianFit.of(fakeFeatures), GaussianFit.of(realFeatures)));
            double[][] even = new double[realFeatures.length / 2][];
            double[][] odd = new double[realFeatures.length / 2][];
            for (int i = 0; i < even.length; i++) {
                even[i] = realFeatures[2 * i];
                odd[i] = realFeatures[2 * i + 1];
            }
            q.put("fid_test_half_vs_half", Fid.distance(GaussianFit.of(even), GaussianFit.of(odd)));
            int[] pred = predict(b, fake);
            q.put("classifier_b_share_of_requested_class", requestedClassShare(pred, 1000));
            q.put("inception_like_score_generated", classMixedScore(probabilities(featureNet, fake), 1000));
            q.put("inception_like_score_test", InceptionLikeScore.score(probabilities(featureNet, real), 10).mean());
            q.put("samples", pred.length);
            q.put("sample_seed", seed);
        }
        return q;
    }
}
