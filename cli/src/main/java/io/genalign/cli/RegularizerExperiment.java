package io.genalign.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.api.Alignment;
import io.genalign.cli.options.ModelOption;
import io.genalign.cli.options.PromptListOption;
import io.genalign.cli.options.RunOptions;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.Evaluation;
import io.genalign.core.eval.Fid;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.gaussianity.GaussianityStats;
import io.genalign.core.gaussianity.Gradients;
import io.genalign.core.gaussianity.Mpgr;
import io.genalign.core.gaussianity.PermutationMode;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.Condition;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import io.genalign.core.model.MissingPartException;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.Reward;
import io.genalign.core.model.Rewards;
import io.genalign.core.noise.AlignmentResult;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.NoiseOptimizer;
import io.genalign.core.noise.StepRecord;
import io.genalign.core.optim.ArrayAdam;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.report.RegularizerReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code genalign experiment regularizers}: the MPGR paper's comparison on the built-in models. Every regularizer
 * (none, norm, prno, kl, kurtosis, mpgr) aligns every class with several seeds for the same target reward; the
 * final target, the held-out rewards, the FID of the aligned images against the real test bank, the Gaussianity
 * of the final latents and the time per step are tabulated with 95% confidence intervals. Also the
 * regularizer-only toy: a corrupted latent (checkerboard mixed with noise) is optimised by each regularizer
 * alone and decoded. This class runs the experiment; its files are written by {@link RegularizerReport}.
 */
@Command(name = "regularizers", mixinStandardHelpOptions = true,
        description = "Compare the Gaussianity regularizers for noise alignment (built-in models or --model DIR).")
public final class RegularizerExperiment implements Callable<Integer> {
    /** Adam's learning rate in the regularizer-only toy (default betas and epsilon). */
    static final double TOY_LEARNING_RATE = 0.01;

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run = RunOptions.withSeed(7);

    @Mixin
    PromptListOption promptList;

    @Option(names = "--reward", description = "Target reward (default: ${DEFAULT-VALUE}).")
    String reward = "contrast";

    @Option(names = "--held-out", description = "Held-out rewards (default: the model's first two that are not the "
            + "target; builtin: classifier-b, realism).")
    List<String> heldOut = new ArrayList<>();

    @Option(names = "--regularizers", split = ",", completionCandidates = AlignCommand.RegularizerNames.class,
            description = "Regularizers, any of: ${COMPLETION-CANDIDATES} (default: none,norm,prno,kl,kurtosis,mpgr; "
                    + "covariance is O(D^2) and left out by default).")
    List<String> regularizers = new ArrayList<>(List.of("none", "norm", "prno", "kl", "kurtosis", "mpgr"));

    @Option(names = "--seeds", description = "Seeds per prompt (default: ${DEFAULT-VALUE}).")
    int seeds = 8;

    @Option(names = "--steps", description = "Steps per run (default: ${DEFAULT-VALUE}).")
    int steps = NoiseAlignmentOptions.DEFAULT_STEPS;

    @Option(names = "--toy-steps", description = "Steps of the regularizer-only toy (default: ${DEFAULT-VALUE}).")
    int toySteps = 500;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        for (String r : regularizers) {
            Regularizers.create(r, 0);
        }
        long seed = run.seed;
        NoiseAlignmentOptions options = NoiseAlignmentOptions.builder().optSteps(steps).build();
        PrintWriter o = spec.commandLine().getOut();
        List<RegularizerReport.Cell> cells = new ArrayList<>();
        Map<String, Double> fid = new LinkedHashMap<>();
        try (ModelSet set = model.open(); NDManager m = Tensors.newManager()) {
            List<String> prompts = promptList.resolve(set);
            Rewards.parseTerms(set, List.of(reward), "--reward");
            List<String> heldNames = heldOut.isEmpty() ? Alignment.of(set).rewards(Map.of(reward, 1.0))
                    .resolvedHeldOut() : heldOut;
            Rewards.parseTerms(set, heldNames, "--held-out");
            Generator g = set.generator();
            FeatureExtractor featureNet = set.features().orElseThrow(() -> new MissingPartException(set.name(),
                    "features", "experiment regularizers (FID)"));
            Reward target = Rewards.create(set, reward);
            List<Reward> held = new ArrayList<>();
            for (String h : heldNames) {
                held.add(Rewards.create(set, h));
            }
            List<NDArray> real = new ArrayList<>();
            for (String p : prompts) {
                real.add(set.realSamples(p).orElseThrow(() -> new MissingPartException(set.name(), "real_samples",
                        "experiment regularizers (FID)")));
                if (set.promptKind() != PromptKind.CLASS) {
                    break; // unlabelled real samples: the same images for every prompt
                }
            }
            GaussianFit realFit = GaussianFit.of(Evaluation.features(featureNet, NDArrays.concat(new NDList(real), 0)));
            RunFolder folder = RunFolder.create(run.outOr("experiment", "regularizers"), run.overwrite);
            Provenance prov = Provenance.start("experiment regularizers",
                    spec.commandLine().getParseResult().originalArgs());
            prov.config("model", set.provenance()).config("reward", reward).config("held_out", heldNames)
                    .config("regularizers", regularizers).config("seeds_per_prompt", seeds).config("prompts", prompts)
                    .config("options", options.toMap()).config("toy_steps", toySteps).seed("base", seed);
            EngineBootstrap.start(seed);
            long t0 = System.nanoTime();
            for (String regName : regularizers) {
                List<NDArray> finalImages = new ArrayList<>();
                for (int pi = 0; pi < prompts.size(); pi++) {
                    String prompt = prompts.get(pi);
                    int c = PromptListOption.drawKey(set, prompt, pi);
                    try (NDManager sm = m.newSubManager()) {
                        Engine.getInstance().setRandomSeed((int) (seed * 1000 + c));
                        NDArray z0 = sm.randomNormal(new Shape(seeds).addAll(g.latentShape()));
                        NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g)
                                .setCondition(set.condition(prompt, seeds)).addTarget(target, 1.0)
                                .optOptions(options)
                                .optRegularizer("none".equals(regName) ? null : Regularizers.create(regName, seed + c));
                        held.forEach(b::addHeldOut);
                        long s0 = System.nanoTime();
                        AlignmentResult r;
                        try (NoiseOptimizer opt = b.build()) {
                            r = opt.run(z0, null);
                        }
                        double perStep = (System.nanoTime() - s0) / 1e9 / Math.max(1, r.stepsRun());
                        StepRecord last = r.history().get(r.history().size() - 1);
                        NDArray imgs = r.bestImages().duplicate();
                        imgs.attach(m);
                        finalImages.add(imgs);
                        cells.add(new RegularizerReport.Cell(regName, c, r.bestTarget(), heldAt(r), ksOf(r.bestLatents()),
                                stdOf(r.bestLatents()), powerOf(r.bestLatents()), perStep, imgs));
                        o.printf(Locale.ROOT, "%-9s prompt %d: target %.4f -> %.4f, %.3f s/step%n", regName, c,
                                StepRecord.mean(r.initialTarget()), StepRecord.mean(r.bestTarget()), perStep);
                        o.flush();
                    }
                }
                NDArray all = NDArrays.concat(new NDList(finalImages.toArray(new NDArray[0])), 0);
                fid.put(regName, Fid.distance(GaussianFit.of(Evaluation.features(featureNet, all)), realFit));
                RegularizerReport.writeAligned(folder, regName, finalImages, seeds, set.imageShape().get(1));
            }
            RegularizerReport.writeToy(folder, toy(g, m, o, set, prompts, seed));
            prov.timing("total", (System.nanoTime() - t0) / 1e9);
            RegularizerReport.writeTable(folder, reward, regularizers, cells, fid);
            prov.write(folder.file("provenance.json"));
            folder.commit();
            o.println("results: " + folder.target().resolve("table.md"));
            o.flush();
        }
        return 0;
    }

    static Map<String, double[]> heldAt(AlignmentResult r) {
        // held-out rewards at each seed's best step
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = r.bestTarget().length;
        for (String k : r.history().get(0).heldOut().keySet()) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int step = r.bestStep()[i];
                v[i] = r.history().get(Math.min(step, r.history().size() - 1)).heldOut().get(k)[i];
            }
            out.put(k, v);
        }
        return out;
    }

    private static double[][] rows(NDArray z) {
        long b = z.getShape().get(0);
        double[] all = z.toType(DataType.FLOAT64, false).toDoubleArray();
        int d = (int) (all.length / b);
        double[][] out = new double[(int) b][];
        for (int i = 0; i < b; i++) {
            out[i] = Arrays.copyOfRange(all, i * d, (i + 1) * d);
        }
        return out;
    }

    static double[] ksOf(NDArray z) {
        double[][] r = rows(z);
        double[] v = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            v[i] = GaussianityStats.of(r[i]).ks();
        }
        return v;
    }

    static double[] stdOf(NDArray z) {
        double[][] r = rows(z);
        double[] v = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            v[i] = GaussianityStats.of(r[i]).std();
        }
        return v;
    }

    static double[] powerOf(NDArray z) {
        return Mpgr.builder().optPermutationMode(PermutationMode.NATURAL).build().terms(z).powerNatural();
    }

    /**
     * The regularizer-only toy: z0 = 0.5·checkerboard + √0.75·noise (unit variance, spatially patterned), then
     * Adam on the regularizer alone; the decoded images show which regularizers restore a clean sample.
     */
    private RegularizerReport.Toy toy(Generator g, NDManager m, PrintWriter o, ModelSet set, List<String> prompts,
                                      long seed) {
        List<String> shownPrompts = new ArrayList<>();
        int[] shownIds = new int[Math.min(10, Math.max(prompts.size(), set.promptKind() == PromptKind.CLASS
                ? set.knownPrompts().size() : 1))];
        List<String> pool = set.promptKind() == PromptKind.CLASS ? set.knownPrompts() : prompts;
        for (int i = 0; i < shownIds.length; i++) {
            String p = pool.get(i % pool.size());
            shownPrompts.add(set.condition(p, 1).prompts().get(0));
            shownIds[i] = set.condition(p, 1).classId(0);
        }
        int classesShown = shownIds.length;
        Shape ls = g.latentShape();
        long d = ls.size();
        double[] checker = new double[(int) d];
        for (int i = 0; i < d; i++) {
            long c = i / (ls.get(1) * ls.get(2));
            long h = (i / ls.get(2)) % ls.get(1);
            long w = i % ls.get(2);
            checker[i] = ((c + h + w) % 2 == 0) ? 1 : -1;
        }
        Engine.getInstance().setRandomSeed((int) seed);
        NDArray noise = m.randomNormal(new Shape(classesShown).addAll(ls));
        NDArray z0 = noise.mul((float) Math.sqrt(0.75)).add(m.create(checker, ls).toType(DataType.FLOAT32, false)
                .mul(0.5f).expandDims(0));
        Condition cond = Condition.of(shownPrompts, shownIds);
        List<NDArray> grids = new ArrayList<>();
        List<RegularizerReport.ToyRow> rows = new ArrayList<>();
        grids.add(g.generate(noise, cond).stopGradient());
        grids.add(g.generate(z0, cond).stopGradient());
        List<String> names = new ArrayList<>(List.of("clean noise", "corrupted"));
        for (String regName : regularizers) {
            if ("none".equals(regName)) {
                continue;
            }
            Regularizer reg = Regularizers.create(regName, seed);
            NDArray z = z0.duplicate();
            ArrayAdam adam = new ArrayAdam((int) (classesShown * d), TOY_LEARNING_RATE);
            double[] zz = z.toType(DataType.FLOAT64, false).toDoubleArray();
            int stoppedAt = 0;
            for (int t = 1; t <= toySteps && stoppedAt == 0; t++) {
                try (NDManager sm = m.newSubManager()) {
                    NDArray zt = sm.create(zz, new Shape(classesShown).addAll(ls));
                    double[] gr = Gradients.valueAndGradient(reg, zt).gradient().toDoubleArray();
                    if (!Arrays.stream(gr).allMatch(Double::isFinite)) {
                        stoppedAt = t; // keep the last finite iterate, as the alignment loop does
                        break;
                    }
                    adam.step(zz, gr);
                }
            }
            NDArray zf = m.create(zz, new Shape(classesShown).addAll(ls)).toType(DataType.FLOAT32, false);
            grids.add(g.generate(zf, cond).stopGradient());
            names.add(regName);
            String label = stoppedAt == 0 ? regName
                    : regName + " (gradient non-finite at step " + stoppedAt + "; last finite iterate shown)";
            rows.add(new RegularizerReport.ToyRow(label, corr(z0, checker), corr(zf, checker),
                    StepRecord.mean(powerOf(z0)), StepRecord.mean(powerOf(zf)), StepRecord.mean(ksOf(z0)),
                    StepRecord.mean(ksOf(zf))));
            o.println("toy " + regName + " done");
            o.flush();
        }
        return new RegularizerReport.Toy(NDArrays.concat(new NDList(grids.toArray(new NDArray[0])), 0), classesShown,
                names, rows);
    }

    private static double corr(NDArray z, double[] checker) {
        double[][] r = rows(z);
        double s = 0;
        for (double[] row : r) {
            double dot = 0;
            for (int i = 0; i < row.length; i++) {
                dot += row[i] * checker[i];
            }
            s += dot / row.length;
        }
        return s / r.length;
    }
}
