package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.eval.Diversity;
import io.genalign.core.eval.Evaluation;
import io.genalign.core.eval.Fid;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.flow.FlowModels;
import io.genalign.core.flow.FlowStep;
import io.genalign.core.flow.LatentRefiner;
import io.genalign.core.flow.RefineMethod;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.flow.Refinement;
import io.genalign.core.flow.Refiners;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import io.genalign.core.model.MissingPartException;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.Reward;
import io.genalign.core.model.Rewards;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A model set wired for latent refinement, shared by {@code genalign refine} and {@code genalign experiment refine}:
 * G = the set's generator; the kernel features φ are {@link ModelSet#kernelFeatures()} (the built-in GAN: its
 * discriminator body's 128 features); the condition term log p(c|x) is the realism reward log σ(d(x, c)); the
 * baselines use the discriminator's logit d. Real samples of a prompt ({@link ModelSet#realSamples}) are split into
 * two disjoint halves: the first half are the flow's data samples, the second half the FID reference, so no method is
 * scored against images it was attracted to (built-in: 150 + 150 bank images per class). Metrics use the set's
 * feature extractor (FID, diversity, and for classifier feature nets the Inception-Score-like score), its held-out
 * judge classifier for class sets (share of the requested class) and the discriminator's mean logit, whichever
 * the set has; none of them is optimised by any method.
 */
final class RefineSession implements AutoCloseable {
    final NDManager manager;
    final ModelSet set;
    final Generator generator;
    private final Discriminator discriminator;
    private final FeatureExtractor metricFeatures;
    private final FeatureExtractor kernelFeatures;
    private final Reward realism;

    RefineSession(NDManager parent, ModelSet set) {
        this.manager = parent.newSubManager();
        this.set = set;
        this.generator = set.generator();
        this.discriminator = set.discriminator().orElse(null);
        this.metricFeatures = set.features().orElse(null);
        this.kernelFeatures = set.kernelFeatures().orElse(null);
        this.realism = discriminator == null ? null : Rewards.create(set, "realism");
    }

    /** The real images of a prompt, or a one-line error naming the missing manifest key. */
    private NDArray real(String prompt, String why) {
        return set.realSamples(prompt).orElseThrow(() -> new MissingPartException(set.name(), "real_samples", why));
    }

    /** Size of each half of a prompt's real samples. */
    int half(String prompt) {
        return Math.toIntExact(real(prompt, "refine").getShape().get(0) / 2);
    }

    /** The data half of a prompt's real samples (the first half), in {@code m}. */
    NDArray dataImages(NDManager m, String prompt) {
        NDArray r = real(prompt, "refine's data samples").get("0:" + half(prompt));
        r.attach(m);
        return r;
    }

    /** The reference half (the second half), in {@code m}. */
    NDArray referenceImages(NDManager m, String prompt) {
        NDArray r = real(prompt, "refine's FID reference").get(half(prompt) + ":" + 2 * half(prompt));
        r.attach(m);
        return r;
    }

    /** Whether FID and diversity can be measured (the set has features and real samples). */
    boolean hasFeatures() {
        return metricFeatures != null;
    }

    /** Metric features of images, as rows. */
    double[][] features(NDArray images) {
        if (metricFeatures == null) {
            throw new MissingPartException(set.name(), "features", "refine's FID and diversity");
        }
        return Evaluation.features(metricFeatures, images);
    }

    /** A run of one batch: latents, images and history. */
    record BatchResult(NDArray initialImages, NDArray finalImages, Refinement.Result refinement) {}

    /** The condition of {@code n} particles of {@code prompt}. */
    Condition condition(String prompt, int n) {
        return set.condition(prompt, n);
    }

    /**
     * Refines {@code n} particles of {@code prompt} from N(0, I) latents drawn from the engine RNG (seed it first).
     * The data samples are {@code n} images drawn (seeded by {@code dataSeed}) from the prompt's data half.
     */
    BatchResult refine(NDManager out, RefineMethod method, RefineOptions options, String prompt, int n, long dataSeed,
                       Consumer<LatentRefiner> afterStep, Consumer<FlowStep> listener) {
        Condition c = condition(prompt, n);
        NDArray z0 = out.randomNormal(new Shape(n).addAll(generator.latentShape()));
        try (NDManager sm = manager.newSubManager()) {
            NDArray data = null;
            if (method.isParticleFlow()) {
                if (kernelFeatures == null) {
                    throw new MissingPartException(set.name(), "features", "refine --method " + method.cliName());
                }
                data = pick(sm, dataImages(sm, prompt), n, dataSeed);
            }
            FlowModels models = new FlowModels(generator, c, kernelFeatures, data, realism, discriminator);
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
        Collections.shuffle(idx, new Random(seed));
        int take = Math.min(k, rows);
        int[] chosen = new int[take];
        for (int i = 0; i < take; i++) {
            chosen[i] = idx.get(i);
        }
        return images.get(m.create(chosen));
    }

    /**
     * The report metrics of images of known prompts ({@code prompts[i]} for row i, {@code labels[i]} a small integer
     * per distinct prompt): {@code fid} against a reference fit (when given), {@code inception_like} (class sets whose
     * feature extractor is a classifier; 10 class-mixed splits when there are at least 100 images, else 1),
     * {@code diversity} (mean pairwise feature distance), {@code classifier_b_share} (class sets with a
     * {@code classifier-b} judge) and {@code realism_logit} (mean d; sets with a discriminator).
     */
    Map<String, Double> metrics(NDArray images, List<String> prompts, int[] labels, GaussianFit reference) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (metricFeatures != null) {
            double[][] f = features(images);
            if (reference != null) {
                m.put("fid", Fid.distance(GaussianFit.of(f), reference));
            }
            if (set.promptKind() == PromptKind.CLASS && metricFeatures instanceof Classifier fc) {
                int splits = images.getShape().get(0) >= 100 ? 10 : 1;
                m.put("inception_like", Evaluation.classMixedScore(Evaluation.probabilities(fc, images), labels,
                        splits));
            }
            m.put("diversity", Diversity.meanPairwiseDistance(f));
        }
        Condition rows = conditionOf(prompts);
        Classifier judge = set.judges().get("classifier-b");
        if (set.promptKind() == PromptKind.CLASS && judge != null) {
            int[] pred = Evaluation.predict(judge, images);
            int hits = 0;
            for (int i = 0; i < pred.length; i++) {
                hits += pred[i] == rows.classId(i) ? 1 : 0;
            }
            m.put("classifier_b_share", (double) hits / pred.length);
        }
        if (discriminator != null) {
            try (NDManager sm = images.getManager().newSubManager()) {
                double[] d = discriminator.logits(images, rows).toType(DataType.FLOAT64, false).toDoubleArray();
                double s = 0;
                for (double v : d) {
                    s += v;
                }
                m.put("realism_logit", s / d.length);
            }
        }
        return m;
    }

    /** One condition entry per prompt, each distinct prompt resolved once. */
    private Condition conditionOf(List<String> prompts) {
        Map<String, Condition> byPrompt = new HashMap<>();
        List<String> names = new ArrayList<>();
        int[] ids = new int[prompts.size()];
        for (int i = 0; i < ids.length; i++) {
            Condition one = byPrompt.computeIfAbsent(prompts.get(i), p -> set.condition(p, 1));
            names.add(one.prompts().get(0));
            ids[i] = one.classId(0);
        }
        return Condition.of(names, ids);
    }

    @Override
    public void close() {
        manager.close();
    }
}
