package io.genalign.zoo.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.eval.Diversity;
import io.genalign.core.eval.Fid;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.zoo.Prompts;
import io.genalign.zoo.RealBank;
import io.genalign.zoo.ZooClassifier;
import io.genalign.zoo.ZooEvaluation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The three axes of the f-divergence comparison, measured on {@code perClass} samples of every class from fixed
 * seeded noise (the same noise for every model compared):
 * <ul>
 *   <li>judge: the preference judge's mean score J (the "human value" axis the pairs were labelled with);</li>
 *   <li>prompt alignment: classifier A's mean log p(requested class | image) and its top-1 share;</li>
 *   <li>diversity: the mean over classes of the mean pairwise feature-net distance within the class;</li>
 *   <li>per-class FID: the mean over classes of the FID of the class's samples against the real-sample bank's
 *       300 images of that class (feature net; with few samples per class it is biased upwards, equally for
 *       every model at equal n, so compare it only across models).</li>
 * </ul>
 *
 * @param images the samples (10·perClass, 1, 28, 28), class-major
 */
public record PreferenceEvaluation(double judge, double classifierALogProb, double classifierAShare, double diversity,
                                   double perClassFid, NDArray images) {

    /** Evaluates {@code g}; {@code images} live in {@code m}. */
    public static PreferenceEvaluation of(Generator g, PreferenceJudge judge, Classifier classifierA,
                                          ZooClassifier featureNet, RealBank bank, NDManager m, int perClass,
                                          long seed) {
        if (perClass < 2) {
            throw new IllegalArgumentException("evaluation needs at least 2 samples per class, got " + perClass);
        }
        NDArray images = ZooEvaluation.sampleInChunks(g, m, perClass, seed);
        int classes = Prompts.classNames().size();
        int[] ids = new int[classes * perClass];
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i / perClass;
            prompts.add(Prompts.className(ids[i]));
        }
        Condition cond = Condition.of(prompts, ids);
        double j = mean(judge.score(images, cond));
        double[] logp;
        int[] pred;
        try (NDManager sm = m.newSubManager()) {
            NDArray lp = classifierA.logits(images).logSoftmax(1);
            logp = lp.toType(DataType.FLOAT64, false).toDoubleArray();
            long[] am = lp.argMax(1).toLongArray();
            pred = new int[am.length];
            for (int i = 0; i < am.length; i++) {
                pred[i] = (int) am[i];
            }
        }
        double lpSum = 0;
        int hits = 0;
        for (int i = 0; i < ids.length; i++) {
            lpSum += logp[i * classes + ids[i]];
            hits += pred[i] == ids[i] ? 1 : 0;
        }
        double[][] feats = ZooEvaluation.features(featureNet, images);
        double div = 0;
        double fid = 0;
        for (int c = 0; c < classes; c++) {
            double[][] fc = Arrays.copyOfRange(feats, c * perClass, (c + 1) * perClass);
            div += Diversity.meanPairwiseDistance(fc);
            try (NDManager sm = m.newSubManager()) {
                double[][] real = ZooEvaluation.features(featureNet, bank.imagesOfClass(sm, c));
                fid += Fid.distance(GaussianFit.of(fc), GaussianFit.of(real));
            }
        }
        return new PreferenceEvaluation(j, lpSum / ids.length, (double) hits / ids.length, div / classes,
                fid / classes, images);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
