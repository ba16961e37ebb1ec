package io.genalign.cli;

import ai.djl.ndarray.NDManager;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.report.DivergenceReport;
import io.genalign.zoo.RealBank;
import io.genalign.zoo.preference.DivergenceConfig;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooClassifier;
import io.genalign.zoo.ZooDiffusion;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.preference.DiffusionDpoTrainer;
import io.genalign.zoo.preference.DpoOptions;
import io.genalign.zoo.preference.PairMaker;
import io.genalign.zoo.preference.PreferenceEvaluation;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code genalign experiment divergences}: the f-divergence paper's comparison on the built-in diffusion model.
 * One set of preference pairs is made from the base model; every configuration (reverse KL, forward KL, JS at
 * beta_out 1 and 2, alpha 0.3/0.5/0.7) is trained from the same base on the same pairs with several seeds and
 * evaluated on the same noise: judge score, classifier-A alignment, diversity and per-class FID
 * ({@link PreferenceEvaluation}). The files (table with Student-t 95% confidence intervals over seeds, a
 * reward-versus-diversity plot, results.json, results.md) are written by {@link DivergenceReport}; this class runs
 * the experiment and writes provenance.json.
 */
@Command(name = "divergences", mixinStandardHelpOptions = true,
        description = "Compare f-divergences for Diffusion-DPO on the built-in diffusion model.")
public final class DivergenceExperiment implements Callable<Integer> {
    /** The configurations compared: divergence and beta_out. */
    static final List<String> CONFIGS = List.of("reverse-kl", "forward-kl", "js", "js@2", "alpha:0.3", "alpha:0.5",
            "alpha:0.7");

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs", "results", "divergences");

    @Option(names = "--overwrite", description = "Replace an existing results folder.")
    boolean overwrite;

    @Option(names = "--configs", split = ",", description = "Configurations DIVERGENCE[@BETA_OUT] (default: "
            + "reverse-kl,forward-kl,js,js@2,alpha:0.3,alpha:0.5,alpha:0.7).")
    List<String> configs = new ArrayList<>(CONFIGS);

    @Option(names = "--seeds", description = "Training seeds per configuration (default: ${DEFAULT-VALUE}).")
    int seeds = 2;

    @Option(names = "--steps", description = "DPO steps per run (default: ${DEFAULT-VALUE}).")
    int steps = 40;

    @Option(names = "--batch", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--lr", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    float lr = DpoOptions.DEFAULT_LEARNING_RATE;

    @Option(names = "--beta", description = "beta_dpo, the same for every divergence (default: ${DEFAULT-VALUE}).")
    double beta = DpoOptions.DEFAULT_BETA_DPO;

    @Option(names = "--per-prompt", description = "Preference pairs per class (default: ${DEFAULT-VALUE}).")
    int perPrompt = 10;

    @Option(names = "--eval-per-class", description = "Evaluation samples per class (default: ${DEFAULT-VALUE}).")
    int evalPerClass = 16;

    @Option(names = "--base", paramLabel = "FILE", description = "Base diffusion weights instead of the zoo's.")
    Path base;

    @Option(names = "--seed", description = "Seed of the pairs and of the evaluation noise (default: ${DEFAULT-VALUE}).")
    long seed = 11;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (seeds < 1 || steps < 1) {
            throw new IllegalArgumentException("--seeds and --steps must be >= 1");
        }
        List<DivergenceConfig> cfgs = new ArrayList<>();
        for (String c : configs) {
            cfgs.add(DivergenceConfig.parse(c));
        }
        RunFolder folder = RunFolder.create(out, overwrite);
        Provenance prov = Provenance.start("experiment divergences", spec.commandLine().getParseResult().originalArgs());
        prov.config("configs", configs).config("seeds", seeds).config("steps", steps).config("pairs_per_step", batch)
                .config("lr", lr).config("beta_dpo", beta).config("pairs_per_class", perPrompt)
                .config("eval_per_class", evalPerClass).seed("pairs_and_evaluation", seed)
                .config("base", base == null ? "zoo diffusion " + Zoo.manifest("diffusion").sha256() : base.toString());
        EngineBootstrap.start(seed);
        PrintWriter o = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("genalign-divergences");
        Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
        Map<String, Double> baseFigures = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        byte[] baseWeights = BuiltinModels.diffusionWeights(base);
        try (NDManager m = Tensors.newManager()) {
            PreferenceJudge judge = BuiltinModels.judge(List.of(), m);
            prov.config("judge", judge.describe());
            Path pairDir = work.resolve("pairs");
            try (NDManager pm = m.newSubManager(); ZooDiffusion g = Zoo.diffusionFromBytes(pm, baseWeights)) {
                PreferencePairs.write(pairDir, PairMaker.make(pm, g, judge, BuiltinModels.classes(List.of()), perPrompt,
                        seed).pairs());
            }
            PreferencePairs.PairSet pairs = PreferencePairs.read(pairDir, Architectures.IMAGE);
            if (!pairs.problems().isEmpty()) {
                throw new IllegalStateException("made pairs could not be read back: " + pairs.problems());
            }
            RealBank bank = RealBank.load();
            try (ZooClassifier a = Zoo.classifierA(m); ZooClassifier f = Zoo.featureNet(m)) {
                try (NDManager em = m.newSubManager(); ZooDiffusion g = Zoo.diffusionFromBytes(em, baseWeights)) {
                    PreferenceEvaluation e = PreferenceEvaluation.of(g, judge, a, f, bank, em, evalPerClass, seed + 1);
                    baseFigures.put("judge", e.judge());
                    baseFigures.put("classifier_a_logp", e.classifierALogProb());
                    baseFigures.put("classifier_a_share", e.classifierAShare());
                    baseFigures.put("diversity", e.diversity());
                    baseFigures.put("per_class_fid", e.perClassFid());
                }
                o.println("base: " + baseFigures);
                for (DivergenceConfig c : cfgs) {
                    Map<String, List<Double>> cell = new LinkedHashMap<>();
                    for (String k : DivergenceReport.MEASURES) {
                        cell.put(k, new ArrayList<>());
                    }
                    for (int s = 0; s < seeds; s++) {
                        DpoOptions opts = DpoOptions.builder().setDivergence(c.divergence()).optBetaDpo(beta)
                                .optBetaOut(c.betaOut()).optLearningRate(lr).optSteps(steps).optPairsPerStep(batch)
                                .optWarmupSteps(Math.max(1, steps / 4)).optSeed(1000L + s)
                                .optCheckpointEvery(steps).build();
                        Path runDir = work.resolve(AlignCommand.slug(c.name()) + "-" + s);
                        DiffusionDpoTrainer.Result r = DiffusionDpoTrainer.train(baseWeights, pairs, opts, runDir, null);
                        int n = r.history().size();
                        cell.get("implicit_accuracy").add(DiffusionDpoTrainer.summary(r.history(),
                                n - Math.max(1, n / 4), n).get("implicit_accuracy"));
                        try (NDManager em = m.newSubManager();
                             ZooDiffusion g = Zoo.diffusionFromFile(em, r.policyWeights())) {
                            PreferenceEvaluation e = PreferenceEvaluation.of(g, judge, a, f, bank, em, evalPerClass,
                                    seed + 1);
                            cell.get("judge").add(e.judge());
                            cell.get("classifier_a_logp").add(e.classifierALogProb());
                            cell.get("classifier_a_share").add(e.classifierAShare());
                            cell.get("diversity").add(e.diversity());
                            cell.get("per_class_fid").add(e.perClassFid());
                        }
                        o.printf(Locale.ROOT, "%s seed %d: judge %.4f diversity %.4f (%.0f s elapsed)%n", c.name(), s,
                                last(cell.get("judge")), last(cell.get("diversity")), (System.nanoTime() - t0) / 1e9);
                        o.flush();
                    }
                    results.put(c.name(), cell);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        prov.timing("total", seconds);
        List<String> names = new ArrayList<>();
        cfgs.forEach(c -> names.add(c.name()));
        DivergenceReport.write(folder, new DivergenceReport.Results(
                String.join(" ", spec.commandLine().getParseResult().originalArgs()), names, results, baseFigures,
                seconds, perPrompt, steps, batch, lr, beta, seeds, evalPerClass));
        prov.write(folder.file("provenance.json"));
        folder.commit();
        o.println("results: " + folder.target().resolve("results.md"));
        o.flush();
        return 0;
    }

    private static double last(List<Double> v) {
        return v.get(v.size() - 1);
    }
}
