package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.BadInputException;
import io.genalign.cli.support.HtmlReport;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.RealBank;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooClassifier;
import io.genalign.zoo.ZooDiffusion;
import io.genalign.zoo.preference.DiffusionDpoTrainer;
import io.genalign.zoo.preference.DiffusionDpoTrainer.StepMetrics;
import io.genalign.zoo.preference.DpoOptions;
import io.genalign.zoo.preference.PairMaker;
import io.genalign.zoo.preference.PreferenceEvaluation;
import io.genalign.zoo.train.WorkFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genalign dpo}: fine-tunes the built-in diffusion model on preference pairs with Diffusion-DPO
 * generalised to an f-divergence, and writes a report folder.
 *
 * <p>Resuming: training state (checkpoints, and the pairs made when {@code --pairs} is not given) lives in the
 * work folder {@code OUT.work} beside the report; rerunning the same command after an interruption continues
 * from the last checkpoint. The work folder records the options that change the result; a rerun with other
 * options is refused with the options that differ ({@code --overwrite} starts the work folder again). The report
 * folder is written atomically at the end; the work folder is then kept.
 */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = {"Fine-tune the built-in diffusion model on preference pairs (Diffusion-DPO with an "
                + "f-divergence) and write a report folder.",
                "Without --pairs, first makes pairs from the base model judged by --judge. Rerun the same command "
                + "to resume after an interruption."})
public final class DpoCommand implements Callable<Integer> {
    /** Samples per class in the before/after comparison. */
    public static final int DEFAULT_EVAL_PER_CLASS = 8;

    @Option(names = "--divergence", required = true, description = "reverse-kl, forward-kl, js or alpha:A "
            + "(0 < A < 1).")
    String divergence;

    @Option(names = "--pairs", paramLabel = "DIR", description = "Preference-pair folder (see genalign pairs); "
            + "default: make --per-prompt pairs per class from the base model.")
    Path pairs;

    @Option(names = "--skip-bad-pairs", description = "Train on the readable pairs when some lines of pairs.csv "
            + "are bad (they are listed); by default bad lines stop the run.")
    boolean skipBad;

    @Option(names = "--per-prompt", description = "Pairs per class made when --pairs is absent (default: "
            + "${DEFAULT-VALUE}).")
    int perPrompt = PairsCommand.DEFAULT_PER_PROMPT;

    @Option(names = "--judge", paramLabel = "NAME[=WEIGHT]", description = "Judge of the made pairs and of the report "
            + "(default: realism=1 contrast=1).")
    List<String> judge = new ArrayList<>();

    @Option(names = "--base", paramLabel = "FILE", description = "Start from these diffusion weights instead of the "
            + "zoo's.")
    Path base;

    @Option(names = "--beta", description = "beta_dpo; kappa = beta/2 (default: ${DEFAULT-VALUE}).")
    double beta = DpoOptions.DEFAULT_BETA_DPO;

    @Option(names = "--beta-out", description = "Outer margin scale beta_out (default: ${DEFAULT-VALUE}).")
    double betaOut = DpoOptions.DEFAULT_BETA_OUT;

    @Option(names = "--lr", description = "AdamW peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr = DpoOptions.DEFAULT_LEARNING_RATE;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay = DpoOptions.DEFAULT_WEIGHT_DECAY;

    @Option(names = "--warmup", description = "Linear warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup = DpoOptions.DEFAULT_WARMUP;

    @Option(names = "--clip", description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip = DpoOptions.DEFAULT_GRAD_CLIP;

    @Option(names = "--steps", description = "Steps (default: ${DEFAULT-VALUE}).")
    int steps = DpoOptions.DEFAULT_STEPS;

    @Option(names = "--batch", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch = DpoOptions.DEFAULT_PAIRS_PER_STEP;

    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = DpoOptions.DEFAULT_CHECKPOINT_EVERY;

    @Option(names = "--eval-per-class", description = "Samples per class before/after (default: ${DEFAULT-VALUE}).")
    int evalPerClass = DEFAULT_EVAL_PER_CLASS;

    @Option(names = "--ddim-steps", description = "DDIM steps of the samples made for pairs and the before/after "
            + "comparison (default: ${DEFAULT-VALUE}).")
    int ddimSteps = io.genalign.zoo.diffusion.Diffusion.SAMPLING_STEPS;

    @Option(names = "--guidance", description = "Classifier-free guidance of those samples (default: "
            + "${DEFAULT-VALUE}).")
    float guidance = io.genalign.zoo.diffusion.Diffusion.GUIDANCE;

    @Option(names = "--seed", description = "Seed of pairs, pair order, timesteps and noise (default: 0).")
    long seed = 0;

    @Option(names = "--out", paramLabel = "DIR", description = "Report folder (default: runs/dpo/DIVERGENCE-seedS).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing report folder (only one genalign made), and "
            + "start the work folder OUT.work again if it holds work made with other options.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Divergence d = Divergence.parse(divergence);
        io.genalign.zoo.diffusion.DdimSampler sampler = new io.genalign.zoo.diffusion.DdimSampler(
                io.genalign.zoo.diffusion.Diffusion.schedule(), ddimSteps, guidance);
        DpoOptions o = DpoOptions.builder().setDivergence(d).optBetaDpo(beta).optBetaOut(betaOut).optLearningRate(lr)
                .optWeightDecay(weightDecay).optWarmupSteps(warmup).optGradClip(clip).optSteps(steps)
                .optPairsPerStep(batch).optSeed(seed).optCheckpointEvery(checkpointEvery).build();
        if (evalPerClass < 2) {
            throw new IllegalArgumentException("--eval-per-class must be >= 2, got " + evalPerClass);
        }
        checkJudge(judge);
        PrintWriter pw = spec.commandLine().getOut();
        EngineBootstrap.start(seed);
        // every input is checked before any model runs: the base weights, then the pairs
        byte[] baseWeights = base == null ? BuiltinModels.diffusionWeights(null) : baseWeights(base);
        PreferencePairs.PairSet given = pairs == null ? null : readPairs(pairs, pw);
        Path dir = out != null ? out : Path.of("runs", "dpo", AlignCommand.slug(d.label()) + "-seed" + seed);
        RunFolder folder = RunFolder.create(dir, overwrite, pairs, base);
        Path work = folder.target().resolveSibling(folder.target().getFileName() + ".work");
        if (pairs != null && pairs.toAbsolutePath().normalize().startsWith(work)) {
            throw new BadInputException("--pairs " + pairs + " is inside the work folder " + work + "; copy the pairs "
                    + "elsewhere first");
        }
        WorkFolder wf = WorkFolder.open(work, "dpo", fingerprint(o, baseWeights, given), overwrite,
                DiffusionDpoTrainer.TODO);
        if (wf.restarted()) {
            pw.println("started " + work + " again: it held work made with other options (--overwrite)");
        }
        Provenance prov = Provenance.start("dpo", spec.commandLine().getParseResult().originalArgs());
        prov.config("options", o.toMap()).config("sampler", sampler.describe()).config("base", base == null ? "zoo diffusion " + Zoo.manifest("diffusion")
                .sha256() : base.toString()).config("work", work.toString()).seed("run", seed);
        try (NDManager m = Tensors.newManager()) {
            PreferenceJudge j = BuiltinModels.judge(judge, m);
            prov.config("judge", j.describe());
            Path pairDir = pairs != null ? pairs : work.resolve("pairs");
            if (pairs == null && !Files.exists(pairDir.resolve(PreferencePairs.INDEX))) {
                long t0 = System.nanoTime();
                try (NDManager pm = m.newSubManager(); ZooDiffusion g = Zoo.diffusionFromBytes(pm, baseWeights)) {
                    PairMaker.Made made = PairMaker.make(pm, g.withSampler(sampler), j,
                            BuiltinModels.classes(List.of()), perPrompt, seed);
                    PreferencePairs.write(pairDir, made.pairs());
                }
                prov.timing("make_pairs", (System.nanoTime() - t0) / 1e9);
                pw.println("made " + 10 * perPrompt + " pairs judged by " + j.describe() + " in " + pairDir);
            }
            PreferencePairs.PairSet set = given != null ? given : readPairs(pairDir, pw);
            prov.config("pairs", pairDir.toString()).config("pair_count", set.size())
                    .config("bad_pair_lines", set.problems());
            RealBank bank = RealBank.load();
            try (ZooClassifier a = Zoo.classifierA(m); ZooClassifier f = Zoo.featureNet(m)) {
                long t0 = System.nanoTime();
                PreferenceEvaluation before;
                try (ZooDiffusion g = Zoo.diffusionFromBytes(m, baseWeights)) {
                    before = PreferenceEvaluation.of(g.withSampler(sampler), j, a, f, bank, m, evalPerClass,
                            seed + 77);
                }
                prov.timing("evaluate_before", (System.nanoTime() - t0) / 1e9);
                DiffusionDpoTrainer.Result r = train(set, o, work, baseWeights);
                prov.timing("train", r.seconds()).result("resumed_at_step", r.resumed() ? r.resumedAt() : null);
                t0 = System.nanoTime();
                PreferenceEvaluation after;
                try (ZooDiffusion g = Zoo.diffusionFromFile(m, r.policyWeights())) {
                    after = PreferenceEvaluation.of(g.withSampler(sampler), j, a, f, bank, m, evalPerClass,
                            seed + 77);
                }
                prov.timing("evaluate_after", (System.nanoTime() - t0) / 1e9);
                Files.copy(r.policyWeights(), folder.file("policy.params"));
                Map<String, Object> figures = report(folder, d, o, j, r.history(), before, after, set.size());
                prov.result("figures", figures);
                pw.printf(Locale.ROOT, "%s: judge %.4f -> %.4f, classifier-A log p %.4f -> %.4f, diversity %.4f -> "
                                + "%.4f, implicit accuracy (last 10%% of steps) %.3f%n", d.label(), before.judge(),
                        after.judge(), before.classifierALogProb(), after.classifierALogProb(), before.diversity(),
                        after.diversity(), figures.get("implicit_accuracy_last_10pct"));
            }
        }
        prov.write(folder.file("provenance.json"));
        folder.commit();
        pw.println("report: " + folder.target().resolve("index.html"));
        pw.flush();
        return 0;
    }

    private PreferencePairs.PairSet readPairs(Path dir, PrintWriter pw) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new BadInputException("--pairs " + dir + " is a file; it must be a pair folder holding "
                        + PreferencePairs.INDEX);
            }
            throw new BadInputException("--pairs " + dir + ": no such folder");
        }
        PreferencePairs.PairSet set = PreferencePairs.read(dir, io.genalign.zoo.arch.Architectures.IMAGE,
                DpoCommand::lineProblem);
        if (!set.problems().isEmpty()) {
            String list = String.join("\n  ", set.problems());
            if (!skipBad) {
                throw new BadInputException(set.problems().size() + " bad line(s) in " + dir.resolve(
                        PreferencePairs.INDEX) + " (fix them, or pass --skip-bad-pairs to train on the other "
                        + set.size() + "):\n  " + list);
            }
            pw.println("WARNING: --skip-bad-pairs: left out " + set.problems().size() + " bad line(s) of "
                    + dir.resolve(PreferencePairs.INDEX) + " (" + summary(set.problems()) + "), training on "
                    + set.size() + ":\n  " + list);
        }
        if (set.size() == 0) {
            throw new BadInputException("no usable preference pairs in " + dir);
        }
        return set;
    }

    /** The check of a pair line's class and prompt against the built-in diffusion model. */
    static String lineProblem(String prompt, int classId) {
        if (classId >= io.genalign.zoo.diffusion.DiffusionUNet.NULL_CLASS) {
            return "class " + classId + " is outside 0.." + (io.genalign.zoo.diffusion.DiffusionUNet.NULL_CLASS - 1)
                    + " (the diffusion model's classes)";
        }
        int promptClass;
        try {
            promptClass = io.genalign.zoo.Prompts.classOf(prompt);
        } catch (IllegalArgumentException e) {
            return "unknown prompt '" + prompt + "' (the class names, e.g. '" + io.genalign.zoo.Prompts.className(
                    classId) + "' for class " + classId + ", are accepted)";
        }
        if (promptClass != classId) {
            return "prompt '" + prompt + "' is class " + promptClass + ", the line says " + classId;
        }
        return null;
    }

    /** "2 missing image, 1 duplicate" from problem lines ("pairs.csv line N: reason"). */
    static String summary(List<String> problems) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (String p : problems) {
            String reason = p.replaceFirst("^.*? line \\d+: ", "");
            String kind;
            if (reason.contains("leads out") || reason.contains("is absolute")) {
                kind = "path outside the folder";
            } else if (reason.contains("duplicate")) {
                kind = "duplicate";
            } else if (reason.contains("same file") || reason.contains("identical")) {
                kind = "same image twice";
            } else if (reason.startsWith("class") || reason.contains("prompt")) {
                kind = "bad class or prompt";
            } else if (reason.contains("missing")) {
                kind = "missing image";
            } else if (reason.startsWith("image")) {
                kind = "bad image";
            } else {
                kind = "malformed line";
            }
            kinds.merge(kind, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        kinds.forEach((k, n) -> parts.add(n + " " + k));
        return String.join(", ", parts);
    }

    /** Checks {@code --judge} terms: a known name and a finite weight other than 0. */
    static void checkJudge(List<String> terms) {
        for (String t : terms) {
            String[] parts = t.split("=", 2);
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!BuiltinModels.REWARDS.contains(name)) {
                throw new BadInputException("bad --judge " + t + ": unknown name '" + parts[0] + "', expected one of "
                        + String.join(", ", BuiltinModels.REWARDS));
            }
            if (parts.length == 2) {
                double w;
                try {
                    w = Double.parseDouble(parts[1].trim());
                } catch (NumberFormatException e) {
                    throw new BadInputException("bad --judge " + t + ": the weight must be a number");
                }
                if (!Double.isFinite(w) || w == 0) {
                    throw new BadInputException("bad --judge " + t + ": the weight must be a finite number other than 0");
                }
            }
        }
    }

    /** The --base weights, checked: a file (not a folder) that loads as the zoo diffusion model. */
    private static byte[] baseWeights(Path base) throws IOException {
        if (Files.isDirectory(base)) {
            throw new java.nio.file.FileSystemException(base.toString(), null, "Is a directory");
        }
        byte[] bytes = Files.readAllBytes(base);
        try (NDManager m = Tensors.newManager(); ZooDiffusion g = Zoo.diffusionFromBytes(m, bytes)) {
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new io.genalign.core.io.BadFileException(base, "not a weight file of the zoo diffusion model (--base "
                    + "takes a policy.params of a dpo run or a diffusion.params of genalign zoo train diffusion)", e);
        }
    }

    /**
     * The options that change what the work folder holds: the training settings and base weights, and the pairs
     * (their content when --pairs is given, else the settings that make them).
     */
    private Map<String, Object> fingerprint(DpoOptions o, byte[] baseWeights, PreferencePairs.PairSet given) {
        Map<String, Object> fp = new LinkedHashMap<>();
        PreferencePairs.PairSet none = new PreferencePairs.PairSet(Path.of("."), io.genalign.zoo.arch.Architectures.IMAGE,
                List.of(), List.of());
        Map<String, Object> training = DiffusionDpoTrainer.fingerprint(baseWeights, none, o);
        training.remove("pairs");
        fp.putAll(training);
        if (base != null) {
            fp.put("base weights", fp.remove("base weights") + " (--base " + base + ")");
        }
        if (given != null) {
            fp.put("pairs", "--pairs " + pairs + " (" + DiffusionDpoTrainer.pairsDigest(given) + ")");
        } else {
            fp.put("pairs", "made in the work folder");
            fp.put("--per-prompt", perPrompt);
            fp.put("--judge", judge.isEmpty() ? String.join(" ", BuiltinModels.DEFAULT_JUDGE) : String.join(" ", judge));
            fp.put("--ddim-steps", ddimSteps);
            fp.put("--guidance", guidance);
        }
        return fp;
    }

    private static DiffusionDpoTrainer.Result train(PreferencePairs.PairSet set, DpoOptions o, Path work,
                                                    byte[] baseWeights) throws IOException {
        boolean terminal = System.console() != null;
        try (ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("dpo " + o.divergence().label())
                .setInitialMax(o.steps()).setStyle(ProgressBarStyle.ASCII).build() : null) {
            return DiffusionDpoTrainer.train(baseWeights, set, o, work, (s, total) -> {
                if (bar != null) {
                    bar.stepTo(s.step());
                    bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f", s.loss(),
                            s.implicitAccuracy()));
                }
            });
        }
    }

    static Map<String, Object> report(RunFolder f, Divergence d, DpoOptions o, PreferenceJudge j, List<StepMetrics> h,
                                      PreferenceEvaluation before, PreferenceEvaluation after, int pairCount)
            throws IOException {
        StringBuilder csv = new StringBuilder("step,loss,implicit_accuracy,margin_mean,s_w_mean,s_l_mean,grad_norm,lr,"
                + "capped_share,mse_winner,mse_loser,ref_mse_winner,ref_mse_loser\n");
        StringBuilder lr = new StringBuilder("step,pair,s_w,s_l\n");
        int n = h.size();
        double[] x = new double[n];
        double[] loss = new double[n];
        double[] acc = new double[n];
        double[] sw = new double[n];
        double[] sl = new double[n];
        for (int i = 0; i < n; i++) {
            StepMetrics s = h.get(i);
            x[i] = s.step();
            loss[i] = s.loss();
            acc[i] = s.implicitAccuracy();
            sw[i] = s.sWMean();
            sl[i] = s.sLMean();
            csv.append(String.format(Locale.ROOT, "%d,%.8g,%.4f,%.6g,%.6g,%.6g,%.6g,%.4g,%.4f,%.8g,%.8g,%.8g,%.8g%n",
                    s.step(), s.loss(), s.implicitAccuracy(), s.marginMean(), sw[i], sl[i], s.gradNorm(),
                    s.learningRate(), s.cappedShare(), s.mseWinner(), s.mseLoser(), s.refMseWinner(),
                    s.refMseLoser()));
            for (int k = 0; k < s.sW().length; k++) {
                lr.append(s.step()).append(',').append(k).append(',').append(s.sW()[k]).append(',').append(s.sL()[k])
                        .append('\n');
            }
        }
        AtomicFiles.writeString(f.file("metrics.csv"), csv.toString());
        AtomicFiles.writeString(f.file("logratios.csv"), lr.toString());
        Map<String, double[]> ls = new LinkedHashMap<>();
        ls.put("loss", smooth(loss));
        ls.put("log 2 (policy = reference)", filled(n, Math.log(2)));
        Plots.lines(f.file("loss.png"), "f-DPO loss (" + d.label() + ", moving mean)", "step", "loss", x, ls);
        Plots.line(f.file("implicit-accuracy.png"), "Implicit accuracy (share of pairs with M > 0, moving mean)",
                "step", "implicit accuracy", x, smooth(acc));
        Map<String, double[]> lrs = new LinkedHashMap<>();
        lrs.put("s_w (winners)", smooth(sw));
        lrs.put("s_l (losers)", smooth(sl));
        Plots.lines(f.file("logratios.png"), "Log-ratio estimates s = -kappa Delta (batch means, moving mean)", "step",
                "s", x, lrs);
        histogram(f.file("logratio-histogram.png"), h);
        ImageGrids.write(f.file("samples-before.png"), before.images(), before.images().getShape().get(0) >= 80 ? 8
                : (int) Math.max(1, before.images().getShape().get(0) / 10), 3);
        ImageGrids.write(f.file("samples-after.png"), after.images(), before.images().getShape().get(0) >= 80 ? 8
                : (int) Math.max(1, after.images().getShape().get(0) / 10), 3);
        int tail = Math.max(1, n / 10);
        Map<String, Double> last = DiffusionDpoTrainer.summary(h, n - tail, n);
        Map<String, Object> figs = new LinkedHashMap<>();
        figs.put("judge_before", before.judge());
        figs.put("judge_after", after.judge());
        figs.put("classifier_a_logp_before", before.classifierALogProb());
        figs.put("classifier_a_logp_after", after.classifierALogProb());
        figs.put("classifier_a_share_before", before.classifierAShare());
        figs.put("classifier_a_share_after", after.classifierAShare());
        figs.put("diversity_before", before.diversity());
        figs.put("diversity_after", after.diversity());
        figs.put("per_class_fid_before", before.perClassFid());
        figs.put("per_class_fid_after", after.perClassFid());
        figs.put("loss_first_step", h.get(0).loss());
        figs.put("loss_last_10pct", last.get("loss"));
        figs.put("implicit_accuracy_last_10pct", last.get("implicit_accuracy"));
        HtmlReport html = new HtmlReport("genalign dpo: " + d.label());
        html.paragraph(String.format(Locale.ROOT, "Diffusion-DPO with the %s divergence on %d preference pairs "
                        + "judged by %s; %d steps of %d pairs, beta_dpo %.4g (kappa %.4g), beta_out %.4g, AdamW lr %.3g "
                        + "(warm-up %d), clip %.3g. The loss starts at log 2 = 0.6931 (policy = reference).",
                d.label(), pairCount, j.describe(), o.steps(), o.pairsPerStep(), o.betaDpo(), o.betaDpo() / 2,
                o.betaOut(), o.learningRate(), o.warmupSteps(), o.gradClip()));
        html.heading("Before and after");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("judge score (" + j.describe() + ")", fmt(before.judge()), fmt(after.judge())));
        rows.add(List.of("classifier A log p(class)", fmt(before.classifierALogProb()), fmt(after.classifierALogProb())));
        rows.add(List.of("classifier A top-1 share", fmt(before.classifierAShare()), fmt(after.classifierAShare())));
        rows.add(List.of("diversity (mean pairwise feature distance within a class)", fmt(before.diversity()),
                fmt(after.diversity())));
        rows.add(List.of("per-class FID (small-sample, compare only across runs)", fmt(before.perClassFid()),
                fmt(after.perClassFid())));
        html.table(List.of("measure (same noise before and after)", "before", "after"), rows);
        html.figures(List.of("samples-before.png", "samples-after.png"), List.of("base model, one row per class",
                "fine-tuned, same noise"));
        html.heading("Training");
        html.figures(List.of("loss.png", "implicit-accuracy.png", "logratios.png", "logratio-histogram.png"),
                List.of("loss", "implicit accuracy", "log-ratio estimates over the steps",
                        "distribution of s_w and s_l: first and last 10% of steps"));
        html.heading("Files");
        html.links(List.of("metrics.csv", "logratios.csv", "policy.params", "provenance.json"));
        html.write(f.file("index.html"));
        return figs;
    }

    private static void histogram(Path file, List<StepMetrics> h) throws IOException {
        int n = h.size();
        int tail = Math.max(1, n / 10);
        List<Double> all = new ArrayList<>();
        for (StepMetrics s : h) {
            for (double v : s.sW()) {
                all.add(v);
            }
            for (double v : s.sL()) {
                all.add(v);
            }
        }
        double lo = all.stream().mapToDouble(Double::doubleValue).min().orElse(-1);
        double hi = all.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        if (hi <= lo) {
            hi = lo + 1;
        }
        int bins = 30;
        double[] x = new double[bins];
        for (int b = 0; b < bins; b++) {
            x[b] = lo + (b + 0.5) * (hi - lo) / bins;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("s_w, first 10%", counts(h.subList(0, tail), true, lo, hi, bins));
        series.put("s_l, first 10%", counts(h.subList(0, tail), false, lo, hi, bins));
        series.put("s_w, last 10%", counts(h.subList(n - tail, n), true, lo, hi, bins));
        series.put("s_l, last 10%", counts(h.subList(n - tail, n), false, lo, hi, bins));
        Plots.lines(file, "Distribution of the log-ratio estimates", "s = -kappa Delta", "share of pairs", x, series);
    }

    private static double[] counts(List<StepMetrics> h, boolean winners, double lo, double hi, int bins) {
        double[] c = new double[bins];
        int total = 0;
        for (StepMetrics s : h) {
            for (double v : winners ? s.sW() : s.sL()) {
                int b = (int) Math.min(bins - 1, Math.max(0, (v - lo) / (hi - lo) * bins));
                c[b]++;
                total++;
            }
        }
        for (int b = 0; b < bins; b++) {
            c[b] /= Math.max(1, total);
        }
        return c;
    }

    static double[] smooth(double[] v) {
        int w = Math.max(1, v.length / 20);
        double[] out = new double[v.length];
        double acc = 0;
        for (int i = 0; i < v.length; i++) {
            acc += v[i];
            if (i >= w) {
                acc -= v[i - w];
            }
            out[i] = acc / Math.min(i + 1, w);
        }
        return out;
    }

    private static double[] filled(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
