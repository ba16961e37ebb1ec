package io.genalign.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.genalign.api.Judges;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.BadInputException;
import io.genalign.cli.support.HtmlReport;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.io.NpyDtype;
import io.genalign.core.model.Condition;
import io.genalign.core.model.folder.DdimGenerator;
import io.genalign.core.model.folder.FolderModelSet;
import io.genalign.core.model.folder.ModelFolder;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.PairMaker;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.preference.DiffusionDpoTrainer;
import io.genalign.zoo.preference.DiffusionDpoTrainer.StepMetrics;
import io.genalign.zoo.preference.DpoOptions;
import io.genalign.zoo.preference.EpsilonModel;
import io.genalign.zoo.preference.FolderEpsilon;
import io.genalign.zoo.train.WorkFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code genalign dpo --model DIR}: Diffusion-DPO of a model folder's TorchScript epsilon network (its manifest's
 * {@code diffusion} section). Pairs come from {@code --pairs} or are made from the folder's DDIM sampler judged by
 * the folder's rewards; training, checkpoints, resume and refusals are {@link DiffusionDpoTrainer}'s; the report
 * folder holds {@code policy.pt} (a TorchScript file PyTorch loads), before/after samples with the same noise and
 * their judge scores, the training curves, {@code check/} (inputs and genalign's outputs of the fine-tuned network
 * for {@code examples/tiny-t2i/check_dpo_output.py}) and provenance.
 */
final class DpoFolderRun {
    /** Samples per prompt before/after. */
    static final int EVAL_PER_PROMPT = 8;
    /** Timesteps of the check inputs (clamped to T − 1). */
    static final int[] CHECK_T = {0, 250, 500, 999};

    private DpoFolderRun() {}

    static int run(DpoCommand c, Divergence d, DpoOptions o) throws IOException {
        PrintWriter pw = c.spec.commandLine().getOut();
        if (c.base != null) {
            throw new BadInputException("--base applies to the built-in model only; with --model the base is the "
                    + "folder's diffusion network");
        }
        EngineBootstrap.start(c.seed);
        try (FolderModelSet set = ModelFolder.open(Path.of(c.model))) {
            ModelFolder.DiffusionSpec spec = set.requireDiffusion("genalign dpo --model");
            if (c.ddimSteps < 1 || c.ddimSteps > spec.alphasCumprod().length) {
                throw new BadInputException("--ddim-steps must be in 1.." + spec.alphasCumprod().length + ", got "
                        + c.ddimSteps);
            }
            EpsilonModel.Family family = FolderEpsilon.family(set);
            byte[] baseBytes = Files.readAllBytes(spec.module().file().path());
            PreferenceJudge j = Judges.of(set, c.judge, "--judge");
            List<Condition> prompts = PairsCommand.conditions(set, c.prompts);
            PreferencePairs.PairSet given = c.pairs == null ? null : readPairs(c, set, c.pairs, pw);
            Path dir = c.out != null ? c.out : Path.of("runs", "dpo", set.name() + "-"
                    + AlignCommand.slug(d.label()) + "-seed" + c.seed);
            RunFolder folder = RunFolder.create(dir, c.overwrite, c.pairs);
            Path work = folder.target().resolveSibling(folder.target().getFileName() + ".work");
            if (c.pairs != null && c.pairs.toAbsolutePath().normalize().startsWith(work)) {
                throw new BadInputException("--pairs " + c.pairs + " is inside the work folder " + work
                        + "; copy the pairs elsewhere first");
            }
            Map<String, Object> fp = new LinkedHashMap<>();
            fp.put("--model", set.name() + " (" + spec.module().file().relative() + ")");
            Map<String, Object> training = DiffusionDpoTrainer.fingerprint(baseBytes, new PreferencePairs.PairSet(
                    Path.of("."), set.imageShape(), List.of(), List.of()), o);
            training.remove("pairs");
            fp.putAll(training);
            if (given != null) {
                fp.put("pairs", "--pairs " + c.pairs + " (" + DiffusionDpoTrainer.pairsDigest(given) + ")");
            } else {
                fp.put("pairs", "made in the work folder");
                fp.put("--per-prompt", c.perPrompt);
                fp.put("--prompt", String.join(" | ", prompts.stream().map(q -> q.prompts().get(0)).toList()));
                fp.put("--judge", j.describe());
                fp.put("--ddim-steps", c.ddimSteps);
            }
            WorkFolder wf = WorkFolder.open(work, "dpo", fp, c.overwrite, DiffusionDpoTrainer.TODO);
            if (wf.restarted()) {
                pw.println("started " + work + " again: it held work made with other options (--overwrite)");
            }
            Provenance prov = Provenance.start("dpo", c.spec.commandLine().getParseResult().originalArgs());
            prov.config("model", set.provenance()).config("diffusion", spec.module().file().relative())
                    .config("schedule", spec.schedule()).config("options", o.toMap()).config("judge", j.describe())
                    .config("work", work.toString()).seed("run", c.seed);
            try (NDManager m = Tensors.newManager()) {
                Path pairDir = c.pairs != null ? c.pairs : work.resolve("pairs");
                String samplerText;
                try (DdimGenerator g = set.diffusionSampler(null, c.ddimSteps)) {
                    samplerText = g.describe();
                    if (c.pairs == null && !Files.exists(pairDir.resolve(PreferencePairs.INDEX))) {
                        long t0 = System.nanoTime();
                        try (NDManager pm = m.newSubManager()) {
                            PairMaker.Made made = PairMaker.make(pm, g, j, prompts, c.perPrompt, c.seed);
                            PreferencePairs.write(pairDir, made.pairs());
                        }
                        prov.timing("make_pairs", (System.nanoTime() - t0) / 1e9);
                        pw.println("made " + prompts.size() * c.perPrompt + " pairs with " + g.describe()
                                + " judged by " + j.describe() + " in " + pairDir);
                    }
                }
                prov.config("sampler", samplerText);
                PreferencePairs.PairSet set2 = given != null ? given : readPairs(c, set, pairDir, pw);
                prov.config("pairs", pairDir.toString()).config("pair_count", set2.size());
                Engine.getInstance().setRandomSeed((int) (c.seed + 77));
                NDArray noise = m.randomNormal(new Shape((long) prompts.size() * EVAL_PER_PROMPT)
                        .addAll(set.imageShape()));
                Condition evalCond = evalCondition(prompts);
                long t0 = System.nanoTime();
                NDArray before;
                double[] scoreBefore;
                try (DdimGenerator g = set.diffusionSampler(null, c.ddimSteps)) {
                    before = g.generate(noise, evalCond);
                    scoreBefore = j.score(before, evalCond);
                }
                prov.timing("evaluate_before", (System.nanoTime() - t0) / 1e9);
                Path checkDir = folder.file("check");
                DiffusionDpoTrainer.Result r = DiffusionDpoTrainer.train(family, baseBytes, set2, o, work,
                        new DiffusionDpoTrainer.Listener() {
                            @Override
                            public void onStep(StepMetrics metrics, int total) {}

                            @Override
                            public void onEnd(EpsilonModel policy) throws IOException {
                                writeCheck(checkDir, set, spec, policy, prompts, c.seed);
                            }
                        });
                prov.timing("train", r.seconds()).result("resumed_at_step", r.resumed() ? r.resumedAt() : null);
                t0 = System.nanoTime();
                NDArray after;
                double[] scoreAfter;
                try (DdimGenerator g = set.diffusionSampler(r.policyWeights(), c.ddimSteps)) {
                    after = g.generate(noise, evalCond);
                    scoreAfter = j.score(after, evalCond);
                }
                prov.timing("evaluate_after", (System.nanoTime() - t0) / 1e9);
                Files.copy(r.policyWeights(), folder.file("policy.pt"));
                Map<String, Object> figs = report(folder, d, o, j, r.history(), before, after, scoreBefore, scoreAfter,
                        set2.size(), EVAL_PER_PROMPT, set.name(), samplerText);
                prov.result("figures", figs);
                pw.printf(Locale.ROOT, "%s on %s: judge %.4f -> %.4f (same noise), implicit accuracy (last 10%% of "
                                + "steps) %.3f; fine-tuned TorchScript: %s%n", d.label(), set.name(),
                        figs.get("judge_before"), figs.get("judge_after"), figs.get("implicit_accuracy_last_10pct"),
                        folder.target().resolve("policy.pt"));
            }
            prov.write(folder.file("provenance.json"));
            folder.commit();
            pw.println("report: " + folder.target().resolve("index.html"));
            pw.flush();
        }
        return 0;
    }

    private static Condition evalCondition(List<Condition> prompts) {
        List<String> p = new ArrayList<>();
        int[] ids = new int[prompts.size() * EVAL_PER_PROMPT];
        for (int k = 0; k < prompts.size(); k++) {
            for (int i = 0; i < EVAL_PER_PROMPT; i++) {
                p.add(prompts.get(k).prompts().get(0));
                ids[k * EVAL_PER_PROMPT + i] = prompts.get(k).classId(0);
            }
        }
        return Condition.of(p, ids);
    }

    private static PreferencePairs.PairSet readPairs(DpoCommand c, FolderModelSet set, Path dir, PrintWriter pw)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--pairs " + dir + (Files.exists(dir) ? " is a file; it must be a pair folder "
                    + "holding " + PreferencePairs.INDEX : ": no such folder"));
        }
        PreferencePairs.PairSet s = PreferencePairs.read(dir, set.imageShape(), (prompt, classId) -> {
            try {
                set.condition(prompt, 1);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        if (!s.problems().isEmpty()) {
            String list = String.join("\n  ", s.problems());
            if (!c.skipBad) {
                throw new BadInputException(s.problems().size() + " bad line(s) in " + dir.resolve(
                        PreferencePairs.INDEX) + " (fix them, or pass --skip-bad-pairs to train on the other "
                        + s.size() + "):\n  " + list);
            }
            pw.println("WARNING: --skip-bad-pairs: left out " + s.problems().size() + " bad line(s) of "
                    + dir.resolve(PreferencePairs.INDEX) + ", training on " + s.size() + ":\n  " + list);
        }
        if (s.size() == 0) {
            throw new BadInputException("no usable preference pairs in " + dir);
        }
        return s;
    }

    /**
     * check/: x.npy (4, C, H, W) float32, t.npy (4) and, for token conditions, token_ids.npy (4, L) (float64
     * holding integers), prompts.txt, and eps.npy: genalign's output of the fine-tuned network as it is in memory
     * at the end of training, for {@code check_dpo_output.py} (PyTorch on policy.pt) and the CLI test (policy.pt
     * reloaded through the adapter).
     */
    static void writeCheck(Path dir, FolderModelSet set, ModelFolder.DiffusionSpec spec, EpsilonModel policy,
                           List<Condition> prompts, long seed) throws IOException {
        Files.createDirectories(dir);
        int n = CHECK_T.length;
        int tMax = spec.alphasCumprod().length - 1;
        int[] t = new int[n];
        double[] td = new double[n];
        List<String> p = new ArrayList<>();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = Math.min(CHECK_T[i], tMax);
            td[i] = t[i];
            p.add(prompts.get(i % prompts.size()).prompts().get(0));
            ids[i] = prompts.get(i % prompts.size()).classId(0);
        }
        Condition cond = Condition.of(p, ids);
        try (NDManager m = Tensors.newManager()) {
            Engine.getInstance().setRandomSeed((int) (seed + 991));
            NDArray x = m.randomNormal(new Shape(n).addAll(set.imageShape()), DataType.FLOAT32);
            NDArray y = policy.predict(new ParameterStore(m, false), x, t, cond, false).stopGradient();
            Npy.writeNDArray(dir.resolve("x.npy"), x);
            Npy.writeNDArray(dir.resolve("eps.npy"), y);
        }
        Npy.write(dir.resolve("t.npy"), new NpyArray(new long[] {n}, td, NpyDtype.FLOAT64));
        if (spec.module().condition().kind() == ModelFolder.Conditioning.Kind.TOKENS) {
            long[][] tok = set.tokenizer(spec.module().condition().tokenizer()).encode(p);
            double[] flat = new double[n * tok[0].length];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < tok[i].length; k++) {
                    flat[i * tok[i].length + k] = tok[i][k];
                }
            }
            Npy.write(dir.resolve("token_ids.npy"), new NpyArray(new long[] {n, tok[0].length}, flat,
                    NpyDtype.FLOAT64));
        }
        Files.writeString(dir.resolve("prompts.txt"), String.join("\n", p) + "\n", StandardCharsets.UTF_8);
    }

    static Map<String, Object> report(RunFolder f, Divergence d, DpoOptions o, PreferenceJudge j, List<StepMetrics> h,
                                      NDArray before, NDArray after, double[] sb, double[] sa, int pairCount,
                                      int perPrompt, String model, String sampler) throws IOException {
        StringBuilder csv = new StringBuilder("step,loss,implicit_accuracy,margin_mean,s_w_mean,s_l_mean,grad_norm,lr,"
                + "capped_share,mse_winner,mse_loser,ref_mse_winner,ref_mse_loser\n");
        int n = h.size();
        double[] x = new double[n];
        double[] loss = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            StepMetrics s = h.get(i);
            x[i] = s.step();
            loss[i] = s.loss();
            acc[i] = s.implicitAccuracy();
            csv.append(String.format(Locale.ROOT, "%d,%.8g,%.4f,%.6g,%.6g,%.6g,%.6g,%.4g,%.4f,%.8g,%.8g,%.8g,%.8g%n",
                    s.step(), s.loss(), s.implicitAccuracy(), s.marginMean(), s.sWMean(), s.sLMean(), s.gradNorm(),
                    s.learningRate(), s.cappedShare(), s.mseWinner(), s.mseLoser(), s.refMseWinner(),
                    s.refMseLoser()));
        }
        AtomicFiles.writeString(f.file("metrics.csv"), csv.toString());
        Plots.line(f.file("loss.png"), "f-DPO loss (" + d.label() + ", moving mean)", "step", "loss", x,
                DpoCommand.smooth(loss));
        Plots.line(f.file("implicit-accuracy.png"), "Implicit accuracy (moving mean)", "step", "implicit accuracy", x,
                DpoCommand.smooth(acc));
        int cols = perPrompt;
        int scale = (int) Math.max(1, Math.min(4, 112 / before.getShape().get(2)));
        ImageGrids.write(f.file("samples-before.png"), before, cols, scale);
        ImageGrids.write(f.file("samples-after.png"), after, cols, scale);
        int tail = Math.max(1, n / 10);
        Map<String, Double> last = DiffusionDpoTrainer.summary(h, n - tail, n);
        Map<String, Object> figs = new LinkedHashMap<>();
        figs.put("judge_before", mean(sb));
        figs.put("judge_after", mean(sa));
        figs.put("loss_first_step", h.get(0).loss());
        figs.put("loss_last_10pct", last.get("loss"));
        figs.put("implicit_accuracy_last_10pct", last.get("implicit_accuracy"));
        HtmlReport html = new HtmlReport("genalign dpo --model " + model + ": " + d.label());
        html.paragraph(String.format(Locale.ROOT, "Diffusion-DPO with the %s divergence of the model folder's "
                        + "TorchScript epsilon network on %d preference pairs judged by %s; %d steps of %d pairs, "
                        + "beta_dpo %.4g, beta_out %.4g, AdamW lr %.3g (warm-up %d), clip %.3g. Samples: %s.",
                d.label(), pairCount, j.describe(), o.steps(), o.pairsPerStep(), o.betaDpo(), o.betaOut(),
                o.learningRate(), o.warmupSteps(), o.gradClip(), sampler));
        html.table(List.of("measure (same noise before and after)", "before", "after"), List.of(List.of(
                "mean judge score (" + j.describe() + ")", DpoCommand.fmt(mean(sb)), DpoCommand.fmt(mean(sa)))));
        html.figures(List.of("samples-before.png", "samples-after.png"), List.of("base network, one row per prompt",
                "fine-tuned, same noise"));
        html.figures(List.of("loss.png", "implicit-accuracy.png"), List.of("loss", "implicit accuracy"));
        html.links(List.of("policy.pt", "metrics.csv", "provenance.json", "check/eps.npy"));
        html.write(f.file("index.html"));
        return figs;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
