package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.eval.Diversity;
import io.genalign.core.eval.Fid;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.flow.FlowModels;
import io.genalign.core.flow.FlowStep;
import io.genalign.core.flow.LatentRefiner;
import io.genalign.core.flow.RefineMethod;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.flow.Refinement;
import io.genalign.core.flow.Refiners;
import io.genalign.core.model.Condition;
import io.genalign.core.rewards.Realism;
import io.genalign.zoo.Prompts;
import io.genalign.zoo.RealBank;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooClassifier;
import io.genalign.zoo.ZooDiscriminator;
import io.genalign.zoo.ZooEvaluation;
import io.genalign.zoo.ZooGenerator;
import io.genalign.zoo.arch.Architectures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The built-in models wired for latent refinement, shared by {@code genalign refine} and
 * {@code genalign experiment refine}: G = the GAN's generator; the kernel features φ and the condition term come from
 * its discriminator (φ = the discriminator body's 128 features, log p(c|x) = log σ(d(x, c)), the realism reward); the
 * baselines use its logit d. Real samples come from the shipped bank, split per class into two disjoint halves: the
 * first {@value #HALF} images of a class are the flow's data samples, the last {@value #HALF} are the FID reference,
 * so no method is scored against images it was attracted to. Metrics use the feature network (FID, diversity,
 * Inception-Score-like score) and classifier B (share of the requested class), none of which any method optimises.
 */
final class RefineSession implements AutoCloseable {
    /** Images per class in each half of the bank. */
    static final int HALF = RealBank.PER_CLASS / 2;

    final NDManager manager;
    final ZooGenerator generator;
    final ZooDiscriminator discriminator;
    final ZooClassifier featureNet;
    final ZooClassifier classifierB;
    final Realism realism;
    private final RealBank bank;

    RefineSession(NDManager parent) {
        this.manager = parent.newSubManager();
        this.generator = Zoo.generator(manager);
        this.discriminator = Zoo.discriminator(manager);
        this.featureNet = Zoo.featureNet(manager);
        this.classifierB = Zoo.classifierB(manager);
        this.realism = new Realism(discriminator, Architectures.IMAGE);
        this.bank = RealBank.load();
    }

    /** The data half of a class (the first {@link #HALF} bank images), in {@code m}. */
    NDArray dataImages(NDManager m, int classId) {
        return bank.imagesOfClass(m, classId).get("0:" + HALF);
    }

    /** The reference half of a class (the last {@link #HALF} bank images), in {@code m}. */
    NDArray referenceImages(NDManager m, int classId) {
        return bank.imagesOfClass(m, classId).get(HALF + ":");
    }

    /** Feature-network features of images, as rows. */
    double[][] features(NDArray images) {
        return ZooEvaluation.features(featureNet, images);
    }

    /** A run of one batch: latents, images and history. */
    record BatchResult(NDArray initialImages, NDArray finalImages, Refinement.Result refinement) {}

    /**
     * Refines {@code n} particles of class {@code classId} from N(0, I) latents drawn from the engine RNG (seed it
     * first). The data samples are {@code n} images drawn (seeded by {@code dataSeed}) from the class's data half.
     */
    BatchResult refine(NDManager out, RefineMethod method, RefineOptions options, int classId, int n, long dataSeed,
                       Consumer<LatentRefiner> afterStep, Consumer<FlowStep> listener) {
        Condition c = Condition.repeat(Prompts.className(classId), classId, n);
        NDArray z0 = out.randomNormal(new Shape(n).addAll(generator.latentShape()));
        try (NDManager sm = manager.newSubManager()) {
            NDArray data = method.isParticleFlow() ? pick(sm, dataImages(sm, classId), n, dataSeed) : null;
            FlowModels models = new FlowModels(generator, c, discriminator, data, realism, discriminator);
            try (LatentRefiner r = Refiners.create(method, models, options, sm)) {
                Refinement.Result res = Refinement.run(r, z0, options.steps(), out, s -> {
                    if (listener != null) {
                        listener.accept(s);
                    }
                    if (afterStep != null) {
                        afterStep.accept(r);
                    }
                });
                return new BatchResult(images(out, res.initialLatents(), c), images(out, res.finalLatents(), c), res);
            }
        }
    }

    /**
     * G(z) without gradient, in {@code out}; the generator's intermediate arrays live in a sub-manager that is closed
     * at once (so repeated calls do not accumulate activations in {@code out}).
     */
    NDArray images(NDManager out, NDArray latents, Condition c) {
        try (NDManager gm = out.newSubManager()) {
            NDArray z = latents.stopGradient().duplicate();
            z.attach(gm);
            NDArray x = generator.generate(z, c).stopGradient();
            x.attach(out);
            return x;
        }
    }

    /** {@code k} of the rows of {@code images} without replacement, seeded (all of them when k &ge; rows). */
    static NDArray pick(NDManager m, NDArray images, int k, long seed) {
        int rows = (int) images.getShape().get(0);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            idx.add(i);
        }
        java.util.Collections.shuffle(idx, new java.util.Random(seed));
        int take = Math.min(k, rows);
        int[] chosen = new int[take];
        for (int i = 0; i < take; i++) {
            chosen[i] = idx.get(i);
        }
        return images.get(m.create(chosen));
    }

    /**
     * The report metrics of a set of images of known classes: {@code fid} against a reference fit,
     * {@code inception_like} (10 splits when there are at least 100 images, else 1, on class-mixed splits), {@code diversity} (mean pairwise
     * feature distance), {@code classifier_b_share} of the requested classes, {@code realism_logit} (mean d).
     */
    Map<String, Double> metrics(NDArray images, int[] classes, GaussianFit reference) {
        Map<String, Double> m = new LinkedHashMap<>();
        double[][] f = features(images);
        m.put("fid", Fid.distance(GaussianFit.of(f), reference));
        int splits = images.getShape().get(0) >= 100 ? 10 : 1;
        m.put("inception_like", ZooEvaluation.classMixedScore(ZooEvaluation.probabilities(featureNet, images), classes,
                splits));
        m.put("diversity", Diversity.meanPairwiseDistance(f));
        int[] pred = ZooEvaluation.predict(classifierB, images);
        int hits = 0;
        for (int i = 0; i < pred.length; i++) {
            hits += pred[i] == classes[i] ? 1 : 0;
        }
        m.put("classifier_b_share", (double) hits / pred.length);
        try (NDManager sm = images.getManager().newSubManager()) {
            Condition c = Condition.of(java.util.Collections.nCopies(classes.length, ""), classes);
            double[] d = discriminator.logits(images, c).toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .toDoubleArray();
            double s = 0;
            for (double v : d) {
                s += v;
            }
            m.put("realism_logit", s / d.length);
        }
        return m;
    }

    @Override
    public void close() {
        manager.close();
    }
}
