package io.genalign.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import io.genalign.core.gaussianity.Regularizers;
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
import io.genalign.core.noise.UpdateMode;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.report.PreconditioningReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code genalign experiment preconditioning}: gradient preconditioning onto the white-Gaussian-noise set
 * ({@code docs/preconditioning.md}) against MPGR, PRNO and no regularizer, on several target rewards, at equal
 * steps and at equal wall time. For every target and prompt the methods start from the same seeded noise.
 *
 * <ul>
 *   <li><b>equal steps</b>: every method runs {@code --steps} steps; the per-step wall clock is recorded, which
 *   also gives each method's time to reach MPGR's final mean target (the paper's "30% of the wall time" claim).</li>
 *   <li><b>equal time</b>: every method runs until {@code --time-fraction} × MPGR's equal-steps wall time for the
 *   same target and prompt has passed.</li>
 * </ul>
 * Per method and regime: the best target per seed, the held-out rewards at that iterate, the FID of the best
 * images against the real bank, the latents' KS distance to N(0,1), std and natural-order L_power, with 95%
 * intervals ({@link io.genalign.core.eval.Statistics}). This class runs the experiment; its files are written by
 * {@link PreconditioningReport}.
 */
@Command(name = "preconditioning", mixinStandardHelpOptions = true,
        description = {"Compare gradient preconditioning onto the white-Gaussian-noise set with MPGR, PRNO and no",
                "regularizer, at equal steps and at equal wall time, on several target rewards."})
public final class PreconditioningExperiment implements Callable<Integer> {
    /** Methods: a regularizer name with the regularized update, or "preconditioned" (no regularizer). */
    static final List<String> METHODS = List.of("mpgr", "preconditioned", "prno", "none");

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run = RunOptions.withSeed(7);

    @Mixin
    PromptListOption promptList;

    @Option(names = "--targets", split = ",", description = "Target rewards, one experiment each (default: "
            + "realism,contrast,classifier-a).")
    List<String> targets = new ArrayList<>(List.of("realism", "contrast", "classifier-a"));

    @Option(names = "--methods", split = ",", description = "Methods, any of: mpgr, preconditioned, prno, none, or "
            + "another regularizer name (default: mpgr,preconditioned,prno,none; mpgr always runs first: it sets the "
            + "time budget).")
    List<String> methods = new ArrayList<>(METHODS);

    @Option(names = "--seeds", description = "Seeds per prompt (default: ${DEFAULT-VALUE}).")
    int seeds = 8;

    @Option(names = "--steps", description = "Steps of the equal-steps runs (default: ${DEFAULT-VALUE}).")
    int steps = NoiseAlignmentOptions.DEFAULT_STEPS;

    @Option(names = "--time-fraction", description = "Wall-time budget of the equal-time runs, as a fraction of "
            + "MPGR's equal-steps time (default: ${DEFAULT-VALUE}, the paper's 30%%).")
    double timeFraction = 0.3;

    @Option(names = "--lr", description = "Learning rate of every method (default: ${DEFAULT-VALUE}).")
    double lr = NoiseAlignmentOptions.DEFAULT_LEARNING_RATE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> order = new ArrayList<>();
        order.add("mpgr");
        for (String mth : methods) {
            if (!order.contains(mth)) {
                order.add(mth);
            }
        }
        for (String mth : order) {
            if (!"preconditioned".equals(mth)) {
                Regularizers.create(mth, 0);
            }
        }
        if (!(timeFraction > 0) || !Double.isFinite(timeFraction)) {
            throw new IllegalArgumentException("--time-fraction must be > 0, got " + timeFraction);
        }
        AlignCommand.requireFinite(lr, "--lr");
        long seed = run.seed;
        PrintWriter o = spec.commandLine().getOut();
        List<PreconditioningReport.Cell> cells = new ArrayList<>();
        List<PreconditioningReport.Cell> initial = new ArrayList<>();
        Map<String, Double> fid = new LinkedHashMap<>();
        try (ModelSet set = model.open(); NDManager m = Tensors.newManager()) {
            List<String> prompts = promptList.resolve(set);
            Generator g = set.generator();
            FeatureExtractor featureNet = set.features().orElseThrow(() -> new MissingPartException(set.name(),
                    "features", "experiment preconditioning (FID)"));
            Map<String, List<String>> heldByTarget = new LinkedHashMap<>();
            for (String t : targets) {
                Rewards.parseTerms(set, List.of(t), "--targets");
                heldByTarget.put(t, Alignment.of(set).rewards(Map.of(t, 1.0)).resolvedHeldOut());
            }
            List<NDArray> real = new ArrayList<>();
            for (String p : prompts) {
                real.add(set.realSamples(p).orElseThrow(() -> new MissingPartException(set.name(), "real_samples",
                        "experiment preconditioning (FID)")));
                if (set.promptKind() != PromptKind.CLASS) {
                    break;
                }
            }
            GaussianFit realFit = GaussianFit.of(Evaluation.features(featureNet, NDArrays.concat(new NDList(real), 0)));
            RunFolder folder = RunFolder.create(run.outOr("experiment", "preconditioning"), run.overwrite);
            Provenance prov = Provenance.start("experiment preconditioning",
                    spec.commandLine().getParseResult().originalArgs());
            NoiseAlignmentOptions regularized = NoiseAlignmentOptions.builder().optSteps(steps).optLearningRate(lr)
                    .build();
            NoiseAlignmentOptions preconditioned = NoiseAlignmentOptions.builder().optSteps(steps).optLearningRate(lr)
                    .optUpdateMode(UpdateMode.PRECONDITIONED).build();
            prov.config("model", set.provenance()).config("targets", targets).config("held_out", heldByTarget)
                    .config("methods", order).config("seeds_per_prompt", seeds).config("prompts", prompts)
                    .config("options_regularized", regularized.toMap())
                    .config("options_preconditioned", preconditioned.toMap()).config("time_fraction", timeFraction)
                    .seed("base", seed);
            EngineBootstrap.start(seed);
            // warm-up, untimed: every method a few steps, so that JIT and allocator warm-up do not land in the
            // first timed run (MPGR's, which sets the time budget)
            for (String mth : order) {
                try (NDManager sm = m.newSubManager()) {
                    boolean pre = "preconditioned".equals(mth);
                    NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g)
                            .setCondition(set.condition(prompts.get(0), seeds))
                            .addTarget(Rewards.create(set, targets.get(0)), 1.0)
                            .optOptions(NoiseAlignmentOptions.builder().optSteps(5).optLearningRate(lr)
                                    .optUpdateMode(pre ? UpdateMode.PRECONDITIONED : UpdateMode.REGULARIZED).build())
                            .optRegularizer(pre || "none".equals(mth) ? null : Regularizers.create(mth, seed));
                    try (NoiseOptimizer opt = b.build()) {
                        opt.run(sm.randomNormal(new Shape(seeds).addAll(g.latentShape())), null);
                    }
                }
            }
            long t0 = System.nanoTime();
            for (String target : targets) {
                Reward tr = Rewards.create(set, target);
                List<Reward> held = new ArrayList<>();
                for (String h : heldByTarget.get(target)) {
                    held.add(Rewards.create(set, h));
                }
                Map<Integer, Double> budget = new LinkedHashMap<>();
                Map<String, List<NDArray>> imagesBy = new LinkedHashMap<>();
                for (String mth : order) {
                    for (String regime : List.of("steps", "time")) {
                        for (int pi = 0; pi < prompts.size(); pi++) {
                            String prompt = prompts.get(pi);
                            int c = PromptListOption.drawKey(set, prompt, pi);
                            try (NDManager sm = m.newSubManager()) {
                                Engine.getInstance().setRandomSeed((int) (seed * 1000 + c));
                                NDArray z0 = sm.randomNormal(new Shape(seeds).addAll(g.latentShape()));
                                boolean pre = "preconditioned".equals(mth);
                                NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g)
                                        .setCondition(set.condition(prompt, seeds)).addTarget(tr, 1.0)
                                        .optOptions(pre ? preconditioned : regularized)
                                        .optRegularizer(pre || "none".equals(mth) ? null
                                                : Regularizers.create(mth, seed + c));
                                held.forEach(b::addHeldOut);
                                double limit = "time".equals(regime) ? budget.get(c) : Double.POSITIVE_INFINITY;
                                PreconditioningReport.Cell cell = runOne(b, z0, target, mth, regime, c, limit, m);
                                cells.add(cell);
                                imagesBy.computeIfAbsent(mth + "/" + regime, k -> new ArrayList<>()).add(cell.images());
                                if ("mpgr".equals(mth) && "steps".equals(regime)) {
                                    budget.put(c, timeFraction * cell.seconds());
                                }
                                o.printf(Locale.ROOT, "%-12s %-14s %-5s prompt %d: target %.4f, %d steps, %.2f s%n",
                                        target, mth, regime, c, StepRecord.mean(cell.best()), cell.stepsRun(),
                                        cell.seconds());
                                o.flush();
                            }
                        }
                    }
                }
                // the starting point (the same noise for every method): from a zero-step pass per prompt
                List<NDArray> initImages = new ArrayList<>();
                for (int pi = 0; pi < prompts.size(); pi++) {
                    String prompt = prompts.get(pi);
                    int c = PromptListOption.drawKey(set, prompt, pi);
                    try (NDManager sm = m.newSubManager()) {
                        Engine.getInstance().setRandomSeed((int) (seed * 1000 + c));
                        NDArray z0 = sm.randomNormal(new Shape(seeds).addAll(g.latentShape()));
                        NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g)
                                .setCondition(set.condition(prompt, seeds)).addTarget(tr, 1.0).optOptions(regularized);
                        held.forEach(b::addHeldOut);
                        PreconditioningReport.Cell cell = runOne(b, z0, target, "initial", "-", c, 0, m);
                        initial.add(cell);
                        initImages.add(cell.images());
                    }
                }
                fid.put(target + "/initial/-", fidOf(featureNet, initImages, realFit));
                for (Map.Entry<String, List<NDArray>> e : imagesBy.entrySet()) {
                    fid.put(target + "/" + e.getKey(), fidOf(featureNet, e.getValue(), realFit));
                }
                Map<String, List<NDArray>> stepsImages = new LinkedHashMap<>();
                for (String mth : order) {
                    stepsImages.put(mth, imagesBy.get(mth + "/steps"));
                }
                PreconditioningReport.writeAligned(folder, target, initImages, stepsImages, order, seeds,
                        set.imageShape().get(1));
                PreconditioningReport.plotCurves(folder, target, order, cells);
            }
            prov.timing("total", (System.nanoTime() - t0) / 1e9);
            PreconditioningReport.writeTables(folder, new PreconditioningReport.Settings(targets, seeds, steps,
                    timeFraction, lr), order, cells, initial, fid, heldByTarget);
            prov.write(folder.file("provenance.json"));
            folder.commit();
            o.println("results: " + folder.target().resolve("table.md"));
            o.flush();
        }
        return 0;
    }

    /** Runs one optimizer until it finishes or {@code limitSeconds} of wall time have passed (0: no step). */
    private PreconditioningReport.Cell runOne(NoiseOptimizer.Builder b, NDArray z0, String target, String method, String regime, int c,
                        double limitSeconds, NDManager keepIn) {
        List<Double> times = new ArrayList<>();
        AlignmentResult r;
        long s0 = System.nanoTime();
        try (NoiseOptimizer opt = b.build()) {
            opt.initialise(z0);
            while (!opt.isFinished() && (System.nanoTime() - s0) / 1e9 < limitSeconds) {
                opt.step();
                times.add((System.nanoTime() - s0) / 1e9);
            }
            r = opt.finalise();
        }
        double seconds = (System.nanoTime() - s0) / 1e9;
        times.add(seconds); // the final record (the last iterate, evaluated by finalise)
        boolean isInitial = limitSeconds == 0;
        NDArray imgs = (isInitial ? r.initialImages() : r.bestImages()).duplicate();
        imgs.attach(keepIn);
        NDArray z = isInitial ? r.initialLatents() : r.bestLatents();
        int n = r.bestTarget().length;
        double[] running = new double[n];
        java.util.Arrays.fill(running, Double.NEGATIVE_INFINITY);
        double[] curve = new double[r.history().size()];
        for (int k = 0; k < curve.length; k++) {
            double[] tk = r.history().get(k).target();
            for (int i = 0; i < n; i++) {
                running[i] = Math.max(running[i], tk[i]);
            }
            curve[k] = StepRecord.mean(running);
        }
        double[] curveSeconds = new double[curve.length];
        for (int k = 0; k < curve.length; k++) {
            curveSeconds[k] = times.get(Math.min(k, times.size() - 1));
        }
        Map<String, double[]> held = isInitial ? r.history().get(0).heldOut() : RegularizerExperiment.heldAt(r);
        return new PreconditioningReport.Cell(target, method, regime, c, isInitial ? r.initialTarget() : r.bestTarget(), held,
                RegularizerExperiment.ksOf(z), RegularizerExperiment.stdOf(z), RegularizerExperiment.powerOf(z),
                seconds, r.stepsRun(), imgs, curveSeconds, curve);
    }

    private static double fidOf(FeatureExtractor net, List<NDArray> images, GaussianFit real) {
        NDArray all = NDArrays.concat(new NDList(images.toArray(new NDArray[0])), 0);
        return Fid.distance(GaussianFit.of(Evaluation.features(net, all)), real);
    }
}
