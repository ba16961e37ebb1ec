package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.HtmlReport;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.io.Npy;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.Reward;
import io.genalign.core.noise.AlignmentResult;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.NoiseOptimizer;
import io.genalign.core.noise.RegularizerScaling;
import io.genalign.core.noise.StepRecord;
import io.genalign.core.noise.StopReason;
import io.genalign.core.noise.UpdateRule;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.Prompts;
import io.genalign.zoo.Zoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
 * {@code genalign align}: test-time noise alignment of the built-in one-step generator. Optimises the initial
 * noise of several seeds at once for a weighted sum of rewards, kept Gaussian by a regularizer, and writes a
 * report folder: image grids before and after, per-step metrics (CSV, JSON), plots, latents (.npy),
 * provenance and an index.html.
 */
@Command(name = "align", mixinStandardHelpOptions = true,
        description = {"Optimise the built-in generator's initial noise for rewards, with a Gaussianity regularizer,",
                "and write a report folder (index.html, grids, metrics, plots, provenance)."})
public final class AlignCommand implements Callable<Integer> {
    /** Default prompt of the demo run. */
    public static final String DEFAULT_PROMPT = "ankle boot";
    /** Default number of seeds optimised together. */
    public static final int DEFAULT_SEEDS = 4;

    @Option(names = "--prompt", description = "A Fashion-MNIST class, e.g. \"ankle boot\" (default: ${DEFAULT-VALUE}).")
    String prompt = DEFAULT_PROMPT;

    @Option(names = "--reward", paramLabel = "NAME[=WEIGHT]",
            description = "Target reward(s) to maximise: classifier-a, realism, contrast, classifier-b "
                    + "(default: classifier-a=1).")
    List<String> rewards = new ArrayList<>();

    @Option(names = "--held-out", paramLabel = "NAME",
            description = "Held-out reward(s), evaluated every step, never optimised (default: classifier-b, realism).")
    List<String> heldOut = new ArrayList<>();

    @Option(names = "--regularizer", description = "none, mpgr, norm, prno, kl or kurtosis (default: ${DEFAULT-VALUE}).")
    String regularizer = "mpgr";

    @Option(names = "--reg-weight", description = "Regularizer weight lambda (default: see --scaling).")
    Double regWeight;

    @Option(names = "--scaling", description = "RAW or MATCH_REWARD_NORM (default: ${DEFAULT-VALUE}).")
    RegularizerScaling scaling = NoiseAlignmentOptions.DEFAULT_SCALING;

    @Option(names = "--steps", description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
    int steps = NoiseAlignmentOptions.DEFAULT_STEPS;

    @Option(names = "--seeds", description = "Number of seeds optimised together (default: ${DEFAULT-VALUE}).")
    int seeds = DEFAULT_SEEDS;

    @Option(names = "--seed", description = "Base seed of the initial noise and of the permutations (default: 0).")
    long seed = 0;

    @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr = NoiseAlignmentOptions.DEFAULT_LEARNING_RATE;

    @Option(names = "--optimizer", description = "SGD_NESTEROV or ADAM (default: ${DEFAULT-VALUE}).")
    UpdateRule rule = NoiseAlignmentOptions.DEFAULT_RULE;

    @Option(names = "--clip", description = "Per-seed gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip = NoiseAlignmentOptions.DEFAULT_GRAD_CLIP;

    @Option(names = "--patience", description = "Stop when no seed improved for this many steps, 0 = off "
            + "(default: ${DEFAULT-VALUE}).")
    int patience = NoiseAlignmentOptions.DEFAULT_PATIENCE;

    @Option(names = "--out", paramLabel = "DIR", description = "Report folder (default: runs/align/PROMPT-REG-TIME).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing report folder.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        int classId = Prompts.classOf(prompt);
        if (seeds < 1 || seeds > 256) {
            throw new IllegalArgumentException("--seeds must be in 1..256, got " + seeds);
        }
        Map<String, Double> targets = parseRewards(rewards.isEmpty() ? List.of("classifier-a=1") : rewards);
        List<String> held = heldOut.isEmpty() ? defaultHeldOut(targets) : heldOut;
        Regularizer reg = Regularizers.create(regularizer, seed);
        NoiseAlignmentOptions options = NoiseAlignmentOptions.builder().optSteps(steps).optLearningRate(lr).optRule(rule)
                .optGradClip(clip).optPatience(patience).optScaling(scaling)
                .optRegWeight(regWeight != null ? regWeight : NoiseAlignmentOptions.DEFAULT_REG_WEIGHT).build();
        Path dir = out != null ? out : Path.of("runs", "align", slug(Prompts.className(classId)) + "-" + regularizer + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        RunFolder folder = RunFolder.create(dir, overwrite);
        Provenance prov = Provenance.start("align", spec.commandLine().getParseResult().originalArgs());
        prov.config("prompt", prompt).config("class", Prompts.className(classId)).config("targets", targets)
                .config("held_out", held).config("regularizer", regularizer).config("options", options.toMap())
                .config("seeds", seeds).seed("noise_and_permutations", seed)
                .config("generator_sha256", Zoo.manifest("gan").sha256());
        EngineBootstrap.start(seed);
        PrintWriter o = spec.commandLine().getOut();
        AlignmentResult result;
        long t0 = System.nanoTime();
        try (NDManager m = Tensors.newManager()) {
            Generator g = Zoo.generator(m);
            NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g)
                    .setCondition(Condition.repeat(prompt, classId, seeds)).optRegularizer(
                            "none".equals(regularizer) ? null : reg).optOptions(options);
            for (Map.Entry<String, Double> t : targets.entrySet()) {
                b.addTarget(BuiltinModels.reward(t.getKey(), m), t.getValue());
            }
            for (String h : held) {
                b.addHeldOut(BuiltinModels.reward(h, m));
            }
            NDArray z0 = m.randomNormal(new Shape(seeds).addAll(g.latentShape()));
            boolean terminal = System.console() != null;
            try (NoiseOptimizer opt = b.build();
                 ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("align " + prompt)
                         .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).build() : null) {
                result = opt.run(z0, r -> {
                    if (bar != null) {
                        bar.stepTo(r.step() + 1);
                        bar.setExtraMessage(String.format(Locale.ROOT, "target %.3f", StepRecord.mean(r.target())));
                    }
                });
                prov.timing("optimise", (System.nanoTime() - t0) / 1e9);
                prov.result("regularizer_retries", opt.regularizerRetries());
                writeReport(folder, result, targets, held, classId);
            }
        }
        prov.result("stop_reason", result.stopReason().name()).result("message", result.message())
                .result("steps_run", result.stepsRun()).result("initial_target", result.initialTarget())
                .result("best_target", result.bestTarget()).result("best_step", result.bestStep());
        prov.write(folder.file("provenance.json"));
        folder.commit();
        if (result.stopReason() == StopReason.DIVERGED) {
            o.println("WARNING: " + result.message() + ".");
        }
        o.printf(Locale.ROOT, "aligned %d seeds of '%s' for %s with %s: mean target %.4f -> %.4f (%s)%n", seeds,
                Prompts.className(classId), targets.keySet(), regularizer, StepRecord.mean(result.initialTarget()),
                StepRecord.mean(result.bestTarget()), result.message());
        o.println("report: " + folder.target().resolve("index.html"));
        o.flush();
        return 0;
    }

    static List<String> defaultHeldOut(Map<String, Double> targets) {
        List<String> h = new ArrayList<>();
        for (String name : List.of("classifier-b", "realism", "classifier-a")) {
            if (!targets.containsKey(name) && h.size() < 2) {
                h.add(name);
            }
        }
        return h;
    }

    static Map<String, Double> parseRewards(List<String> specs) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String s : specs) {
            String[] parts = s.split("=", 2);
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!BuiltinModels.REWARDS.contains(name)) {
                throw new IllegalArgumentException("unknown reward '" + parts[0] + "': expected one of "
                        + String.join(", ", BuiltinModels.REWARDS));
            }
            double w = 1.0;
            if (parts.length == 2) {
                try {
                    w = Double.parseDouble(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad weight in --reward " + s);
                }
                if (!Double.isFinite(w)) {
                    throw new IllegalArgumentException("weight in --reward " + s + " must be finite");
                }
            }
            m.put(name, w);
        }
        return m;
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private void writeReport(RunFolder f, AlignmentResult r, Map<String, Double> targets, List<String> held,
                             int classId) throws IOException {
        int n = r.bestTarget().length;
        ImageGrids.write(f.file("initial.png"), r.initialImages(), n, 6);
        ImageGrids.write(f.file("best.png"), r.bestImages(), n, 6);
        NDArray both = NDArrays.concat(new NDList(r.initialImages(), r.bestImages()), 0);
        ImageGrids.write(f.file("before-after.png"), both, n, 6);
        Npy.writeNDArray(f.file("initial_latents.npy"), r.initialLatents());
        Npy.writeNDArray(f.file("best_latents.npy"), r.bestLatents());
        List<StepRecord> h = r.history();
        StringBuilder csv = new StringBuilder("step,seed,target");
        List<String> rewardNames = new ArrayList<>(h.get(0).rewards().keySet());
        List<String> heldNames = new ArrayList<>(h.get(0).heldOut().keySet());
        for (String k : rewardNames) {
            csv.append(",reward_").append(k);
        }
        for (String k : heldNames) {
            csv.append(",heldout_").append(k);
        }
        csv.append(",regularizer,grad_norm,latent_mean,latent_std,latent_ks,power_natural,improved\n");
        List<Map<String, Object>> json = new ArrayList<>();
        for (StepRecord s : h) {
            for (int i = 0; i < n; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", s.step());
                row.put("seed", i);
                row.put("target", s.target()[i]);
                csv.append(s.step()).append(',').append(i).append(',').append(s.target()[i]);
                for (String k : rewardNames) {
                    csv.append(',').append(s.rewards().get(k)[i]);
                    row.put("reward_" + k, s.rewards().get(k)[i]);
                }
                for (String k : heldNames) {
                    csv.append(',').append(s.heldOut().get(k)[i]);
                    row.put("heldout_" + k, s.heldOut().get(k)[i]);
                }
                csv.append(',').append(s.regularizer()[i]).append(',').append(s.gradNorm()[i]).append(',')
                        .append(s.latentMean()[i]).append(',').append(s.latentStd()[i]).append(',')
                        .append(s.latentKs()[i]).append(',').append(s.powerNatural()[i]).append(',')
                        .append(s.improved()[i]).append('\n');
                row.put("regularizer", s.regularizer()[i]);
                row.put("grad_norm", Double.isNaN(s.gradNorm()[i]) ? null : s.gradNorm()[i]);
                row.put("latent_mean", s.latentMean()[i]);
                row.put("latent_std", s.latentStd()[i]);
                row.put("latent_ks", s.latentKs()[i]);
                row.put("power_natural", s.powerNatural()[i]);
                row.put("improved", s.improved()[i]);
                json.add(row);
            }
        }
        AtomicFiles.writeString(f.file("metrics.csv"), csv.toString());
        AtomicFiles.writeString(f.file("metrics.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        double[] x = new double[h.size()];
        for (int t = 0; t < x.length; t++) {
            x[t] = h.get(t).step();
        }
        Map<String, double[]> tr = new LinkedHashMap<>();
        tr.put("target (weighted sum)", series(h, s -> StepRecord.mean(s.target())));
        for (String k : rewardNames) {
            tr.put(k, series(h, s -> StepRecord.mean(s.rewards().get(k))));
        }
        Plots.lines(f.file("target.png"), "Target rewards (mean over seeds)", "step", "reward", x, tr);
        Map<String, double[]> ho = new LinkedHashMap<>();
        for (String k : heldNames) {
            ho.put(k, series(h, s -> StepRecord.mean(s.heldOut().get(k))));
        }
        if (!ho.isEmpty()) {
            Plots.lines(f.file("heldout.png"), "Held-out rewards (mean over seeds, never optimised)", "step", "reward",
                    x, ho);
        }
        Map<String, double[]> ga = new LinkedHashMap<>();
        ga.put("KS distance to N(0,1)", series(h, s -> StepRecord.mean(s.latentKs())));
        ga.put("|std - 1|", series(h, s -> Math.abs(StepRecord.mean(s.latentStd()) - 1)));
        ga.put("|mean|", series(h, s -> Math.abs(StepRecord.mean(s.latentMean()))));
        ga.put("MPGR L_power (natural)", series(h, s -> StepRecord.mean(s.powerNatural())));
        Plots.lines(f.file("gaussianity.png"), "Gaussianity of the latents (mean over seeds)", "step", "value", x, ga);

        HtmlReport html = new HtmlReport("genalign align: " + Prompts.className(classId));
        html.paragraph(String.format(Locale.ROOT, "Optimised %d seeds for %s with regularizer %s; %s. Mean target "
                        + "%.4f before, %.4f at the best iterates.", n, targets, regularizer, r.message(),
                StepRecord.mean(r.initialTarget()), StepRecord.mean(r.bestTarget())));
        if (r.stopReason() == StopReason.DIVERGED) {
            html.paragraph("WARNING: the run diverged; the best iterates before it are shown.");
        }
        html.heading("Images");
        html.figures(List.of("initial.png", "best.png"), List.of("before: the initial noise, one column per seed",
                "after: each seed's best iterate by the target reward"));
        html.heading("Rewards");
        List<String> figs = new ArrayList<>(List.of("target.png"));
        List<String> caps = new ArrayList<>(List.of("optimised rewards"));
        if (!ho.isEmpty()) {
            figs.add("heldout.png");
            caps.add("held-out rewards: if they fall while the target rises, the target is being hacked");
        }
        html.figures(figs, caps);
        html.heading("Gaussianity of the noise");
        html.figures(List.of("gaussianity.png"), List.of("statistics of the latents over the steps"));
        List<List<String>> rows = new ArrayList<>();
        StepRecord first = h.get(0);
        StepRecord last = h.get(h.size() - 1);
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>();
            row.add(String.valueOf(i));
            row.add(fmt(r.initialTarget()[i]));
            row.add(fmt(r.bestTarget()[i]));
            row.add(String.valueOf(r.bestStep()[i]));
            for (String k : heldNames) {
                row.add(fmt(first.heldOut().get(k)[i]) + " → " + fmt(last.heldOut().get(k)[i]));
            }
            row.add(fmt(first.latentKs()[i]) + " → " + fmt(last.latentKs()[i]));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("seed", "target before", "best target", "best step"));
        for (String k : heldNames) {
            header.add(k + " first → last");
        }
        header.add("latent KS first → last");
        html.table(header, rows);
        html.heading("Files");
        html.links(List.of("metrics.csv", "metrics.json", "initial_latents.npy", "best_latents.npy", "provenance.json",
                "before-after.png"));
        html.write(f.file("index.html"));
    }

    private static double[] series(List<StepRecord> h, java.util.function.ToDoubleFunction<StepRecord> f) {
        double[] v = new double[h.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(h.get(i));
        }
        return v;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
