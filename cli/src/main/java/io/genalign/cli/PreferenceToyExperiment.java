package io.genalign.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.genalign.zoo.preference.DivergenceConfig;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.preference.GradientField;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.report.PreferenceToyReport;
import io.genalign.zoo.preference.toy.PreferenceToy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genalign experiment preference-toy}: the toys of spec §8 for f-divergence Diffusion-DPO: the gradient field
 * of each loss over (s_w, s_l) (check 3) and the 2-D Gaussian-mixture diffusion toy (check 4,
 * {@link PreferenceToy}). Writes {@code docs/results/preference-toy/} by default.
 */
@Command(name = "preference-toy", mixinStandardHelpOptions = true,
        description = "f-divergence Diffusion-DPO on a 2-D Gaussian-mixture toy, with the gradient field of each loss.")
public final class PreferenceToyExperiment implements Callable<Integer> {
    private static final PreferenceToy.Options D = PreferenceToy.Options.defaults();

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs", "results", "preference-toy");

    @Option(names = "--overwrite", description = "Replace an existing results folder.")
    boolean overwrite;

    @Option(names = "--configs", split = ",", description = "Configurations DIVERGENCE[@BETA_OUT] (default: "
            + "reverse-kl,forward-kl,js,js@2,alpha:0.3,alpha:0.5,alpha:0.7,reverse-kl@0.5,reverse-kl@2,reverse-kl@4).")
    List<String> configs = new ArrayList<>(D.configs());

    @Option(names = "--seeds", split = ",", description = "Seeds; each trains its own reference (default: 1,2,3,4,5).")
    List<Long> seeds = new ArrayList<>(D.seeds());

    @Option(names = "--modes", description = "Gaussians on the ring (default: ${DEFAULT-VALUE}).")
    int modes = D.modes();

    @Option(names = "--std", description = "Standard deviation of each Gaussian (default: ${DEFAULT-VALUE}).")
    double std = D.std();

    @Option(names = "--T", description = "Diffusion steps of the cosine schedule (default: ${DEFAULT-VALUE}).")
    int scheduleSteps = D.scheduleSteps();

    @Option(names = "--hidden", description = "Width of the MLP's three hidden layers (default: ${DEFAULT-VALUE}).")
    int hidden = D.hidden();

    @Option(names = "--ref-steps", description = "Training steps of the reference (default: ${DEFAULT-VALUE}).")
    int refSteps = D.refSteps();

    @Option(names = "--ref-batch", description = "Points per reference step (default: ${DEFAULT-VALUE}).")
    int refBatch = D.refBatch();

    @Option(names = "--ref-lr", description = "Adam learning rate of the reference (default: ${DEFAULT-VALUE}).")
    float refLr = D.refLr();

    @Option(names = "--pairs", description = "Preference pairs per seed (default: ${DEFAULT-VALUE}).")
    int pairs = D.pairs();

    @Option(names = "--bt-scale", description = "Bradley–Terry scale of the labels (default: ${DEFAULT-VALUE}).")
    double btScale = D.btScale();

    @Option(names = "--steps", description = "DPO steps per configuration (default: ${DEFAULT-VALUE}).")
    int steps = D.dpoSteps();

    @Option(names = "--batch", description = "Pairs per DPO step (default: ${DEFAULT-VALUE}).")
    int batch = D.pairsPerStep();

    @Option(names = "--lr", description = "DPO AdamW learning rate (default: ${DEFAULT-VALUE}).")
    float lr = D.dpoLr();

    @Option(names = "--weight-decay", description = "DPO AdamW weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay = D.weightDecay();

    @Option(names = "--beta", description = "beta_dpo, the same for every divergence (default: ${DEFAULT-VALUE}).")
    double beta = D.betaDpo();

    @Option(names = "--samples", description = "Evaluation samples per model (default: ${DEFAULT-VALUE}).")
    int samples = D.samples();

    @Option(names = "--ddim-steps", description = "DDIM steps of sampling (default: ${DEFAULT-VALUE}).")
    int ddimSteps = D.ddimSteps();

    @Option(names = "--survive-share", description = "Share of the samples a surviving mode holds at least "
            + "(default: ${DEFAULT-VALUE}).")
    double surviveShare = D.surviveShare();

    @Option(names = "--grid", description = "Points per axis of the gradient-field grid (default: ${DEFAULT-VALUE}).")
    int grid = 161;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PreferenceToy.Options o = new PreferenceToy.Options(modes, D.radius(), std, scheduleSteps, hidden, refSteps,
                refBatch, refLr, pairs, btScale, steps, batch, lr, weightDecay, beta, samples, ddimSteps, surviveShare,
                seeds, configs);
        if (grid < 2) {
            throw new IllegalArgumentException("--grid must be >= 2");
        }
        RunFolder folder = RunFolder.create(out, overwrite);
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        String command = "./genalign " + String.join(" ", args);
        Provenance prov = Provenance.start("experiment preference-toy", args);
        for (var e : o.toMap().entrySet()) {
            prov.config(e.getKey(), e.getValue());
        }
        EngineBootstrap.start(seeds.get(0));
        // one intra-op thread: the toy's matrices are tiny, and on a shared machine a second thread only spin-waits
        // (the documented run's figures are from one thread); restored at the end
        int previousThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        PrintWriter w = spec.commandLine().getOut();
        List<GradientField.Field> fields = new ArrayList<>();
        PreferenceToy.Outcome outcome;
        try {
            try (NDManager m = Tensors.newManager()) {
                for (String c : configs) {
                    DivergenceConfig cfg = DivergenceConfig.parse(c);
                    fields.add(GradientField.grid(m, cfg.divergence(), cfg.betaOut(), -4, 4, grid));
                }
            }
            outcome = PreferenceToy.run(o, line -> {
                w.println(line);
                w.flush();
            });
        } finally {
            JniUtils.setNumThreads(previousThreads);
        }
        prov.timing("total", outcome.seconds());
        PreferenceToyReport.write(folder, outcome, fields, command);
        prov.write(folder.file("provenance.json"));
        folder.commit();
        w.println("results: " + folder.target().resolve("results.md"));
        w.flush();
        return 0;
    }
}
