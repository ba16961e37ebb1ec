package io.genalign.cli;

import picocli.CommandLine.Mixin;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import io.genalign.core.model.ModelSet;
import io.genalign.cli.options.RunOptions;
import io.genalign.cli.options.ModelOption;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.HtmlReport;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.flow.DgFlow;
import io.genalign.core.flow.FlowDefaults;
import io.genalign.core.flow.FlowStep;
import io.genalign.core.flow.RefineMethod;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.flow.Refinement;
import io.genalign.core.io.Npy;
import io.genalign.core.model.Condition;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genalign refine}: refines the built-in GAN's samples of one class with the latent particle flow (GMI) or
 * one of its baselines, and writes a report folder: grids before and after, FID / Inception-Score-like score /
 * diversity / classifier-B share / realism before, after and at every step, the flow's own per-step figures,
 * latents (.npy), provenance and an index.html. Setup in {@link RefineSession}.
 */
@Command(name = "refine", mixinStandardHelpOptions = true,
        description = {"Refine a generator's samples (builtin GAN or --model DIR) with a latent particle flow (GMI: KRR",
                "scores on a mollified kernel) or a baseline (kde, krr, stein, ddls, dot, dgflow), and write a report."})
public final class RefineCommand implements Callable<Integer> {
    /** Default prompt. */
    public static final String DEFAULT_PROMPT = "sneaker";

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run;

    @Option(names = "--prompt", description = "What to refine: a class of a class model (builtin default: "
            + DEFAULT_PROMPT + ") or any text for a text model (default: the model's default prompt).")
    String prompt;

    @Option(names = "--method", description = "gmi, krr, kde, stein, ddls, dot or dgflow (default: ${DEFAULT-VALUE}).")
    String method = "gmi";

    @Option(names = "--particles", description = "Particles refined together, 2..1024 (default: ${DEFAULT-VALUE}).")
    int particles = FlowDefaults.PARTICLES;

    @Option(names = "--steps", description = "Steps (default: ${DEFAULT-VALUE}).")
    int steps = FlowDefaults.STEPS;

    @Option(names = "--eta-data", description = "eta1, data attraction (default: ${DEFAULT-VALUE}).")
    double etaData = FlowDefaults.ETA_DATA;

    @Option(names = "--eta-particle", description = "eta2, particle repulsion (default: ${DEFAULT-VALUE}).")
    double etaParticle = FlowDefaults.ETA_PARTICLE;

    @Option(names = "--eta-condition", description = "eta3, condition guidance by log sigma(d(x, c)) "
            + "(default: ${DEFAULT-VALUE}).")
    double etaCondition = FlowDefaults.ETA_CONDITION;

    @CommandLine.Mixin
    KernelOptions kernel = new KernelOptions();

    @Option(names = "--stein-nu", description = "Stein estimator ridge (default: ${DEFAULT-VALUE}).")
    double steinNu = FlowDefaults.STEIN_NU;

    @Option(names = "--clip", description = "Clip latents to [-c, c] after each step, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip = FlowDefaults.LATENT_CLIP;

    @Option(names = "--ddls-step", description = "DDLS Langevin step (default: ${DEFAULT-VALUE}).")
    double ddlsStep = FlowDefaults.DDLS_STEP;

    @Option(names = "--dgflow-step", description = "DGflow step (default: ${DEFAULT-VALUE}).")
    double dgflowStep = FlowDefaults.DGFLOW_STEP;

    @Option(names = "--dgflow-gamma", description = "DGflow noise weight gamma (default: ${DEFAULT-VALUE}).")
    double dgflowGamma = FlowDefaults.DGFLOW_GAMMA;

    @Option(names = "--dgflow-divergence", description = "KL, JS or LOGD (default: ${DEFAULT-VALUE}).")
    DgFlow.Functional dgflowDivergence = FlowDefaults.DGFLOW_DIVERGENCE;

    @Option(names = "--dot-lr", description = "DOT learning rate (default: ${DEFAULT-VALUE}).")
    double dotLr = FlowDefaults.DOT_LEARNING_RATE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The options of these flags (shared with the experiment's defaults). */
    RefineOptions options() {
        if (particles < 2 || particles > 1024) {
            throw new IllegalArgumentException("--particles must be in 2..1024, got " + particles);
        }
        return kernel.applyTo(RefineOptions.builder()).optSteps(steps).optStepSizes(etaData, etaParticle, etaCondition)
                .optSteinNu(steinNu).optLatentClip(clip)
                .optDdlsStep(ddlsStep).optDgflow(dgflowStep, dgflowGamma, dgflowDivergence).optDotLearningRate(dotLr)
                .build();
    }

    @Override
    public Integer call() throws IOException {
        RefineMethod m = RefineMethod.parse(method);
        RefineOptions o = options();
        long seed = run.seed;
        PrintWriter w = spec.commandLine().getOut();
        try (ModelSet set = model.open(); NDManager mgr = Tensors.newManager()) {
        String p = prompt != null ? prompt : model.isBuiltin() ? DEFAULT_PROMPT : set.defaultPrompt();
        String shown = set.canonicalPrompt(p);
        set.condition(p, 1); // an unknown prompt fails before anything is written
        EngineBootstrap.start(seed);
        try (RefineSession s = new RefineSession(mgr, set)) {
            int half = s.half(p);
            GaussianFit reference = s.hasFeatures() ? GaussianFit.of(s.features(s.referenceImages(mgr, p))) : null;
            Path dir = run.outOr("refine", shown + "-" + m.cliName());
            RunFolder folder = RunFolder.create(dir, run.overwrite);
            Provenance prov = Provenance.start("refine", spec.commandLine().getParseResult().originalArgs());
            prov.config("model", set.provenance()).config("prompt", shown).config("method", m.cliName())
                    .config("particles", particles).config("options", o.toMap())
                    .config("data_samples", "real samples 0.." + (half - 1) + " of the prompt, " + particles
                            + " drawn once")
                    .config("fid_reference", "real samples " + half + ".." + (2 * half - 1)
                            + " of the prompt (the model's feature extractor)")
                    .seed("latents_noise_data", seed);
            long t0 = System.nanoTime();
            List<String> prompts = Collections.nCopies(particles, p);
            int[] labels = new int[particles];
            List<Map<String, Double>> perStep = new ArrayList<>();
            RefineSession.BatchResult r = s.refine(mgr, m, o, p, particles, seed, ref -> {
                try (NDManager sm = mgr.newSubManager()) {
                    perStep.add(s.metrics(s.images(sm, ref.latents(), s.condition(p, particles)), prompts, labels,
                            reference));
                }
            }, st -> w.printf(Locale.ROOT, "step %d: %s%n", st.step() + 1, brief(st)));
            prov.timing("refine", (System.nanoTime() - t0) / 1e9);
            Map<String, Double> before = s.metrics(r.initialImages(), prompts, labels, reference);
            Map<String, Double> after = s.metrics(r.finalImages(), prompts, labels, reference);
            writeReport(folder, m, shown, half, r, before, after, perStep);
            Refinement.Result res = r.refinement();
            prov.result("stop", res.stop().name()).result("message", res.message()).result("before", before)
                    .result("after", after).result("steps_run", res.history().size());
            if (!res.history().isEmpty()) {
                prov.result("last_step_figures", res.history().get(res.history().size() - 1).figures());
            }
            prov.write(folder.file("provenance.json"));
            folder.commit();
            if (res.stop() == Refinement.Stop.NON_FINITE) {
                w.println("WARNING: " + res.message() + ".");
            }
            StringBuilder line = new StringBuilder();
            for (String k : before.keySet()) {
                line.append(String.format(Locale.ROOT, "%s %.3f -> %.3f, ", k, before.get(k), after.get(k)));
            }
            w.printf(Locale.ROOT, "refined %d particles of '%s' (model %s) with %s: %s(%s)%n", particles, shown,
                    set.name(), m.cliName(), line, res.message());
            w.println("report: " + folder.target().resolve("index.html"));
            w.flush();
        }
        }
        return 0;
    }

    private static String brief(FlowStep s) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Double> e : s.figures().entrySet()) {
            if (!Double.isNaN(e.getValue())) {
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%.4g", e.getValue()));
            }
        }
        return b.toString();
    }

    private void writeReport(RunFolder f, RefineMethod m, String shown, int half, RefineSession.BatchResult r,
                             Map<String, Double> before, Map<String, Double> after, List<Map<String, Double>> perStep)
            throws IOException {
        int cols = Math.min(16, particles);
        Shape img = r.initialImages().getShape();
        int scale = (int) Math.max(1, Math.min(3, 96 / img.get(2)));
        ImageGrids.write(f.file("before.png"), r.initialImages(), cols, scale);
        ImageGrids.write(f.file("after.png"), r.finalImages(), cols, scale);
        NDArray pairs = NDArrays.stack(new NDList(r.initialImages(), r.finalImages()), 1)
                .reshape(new Shape(img.get(0) * 2).addAll(img.slice(1)));
        ImageGrids.write(f.file("before-after.png"), pairs.get("0:" + Math.min(32, 2 * particles)), 2 * Math.min(8,
                particles), scale);
        Npy.writeNDArray(f.file("initial_latents.npy"), r.refinement().initialLatents());
        Npy.writeNDArray(f.file("final_latents.npy"), r.refinement().finalLatents());
        List<FlowStep> h = r.refinement().history();
        List<String> flowKeys = new ArrayList<>();
        for (FlowStep s : h) {
            for (String k : s.figures().keySet()) {
                if (!flowKeys.contains(k)) {
                    flowKeys.add(k);
                }
            }
        }
        List<String> metricKeys = new ArrayList<>(before.keySet());
        StringBuilder csv = new StringBuilder("step");
        for (String k : metricKeys) {
            csv.append(',').append(k);
        }
        for (String k : flowKeys) {
            csv.append(',').append(k);
        }
        csv.append('\n');
        List<Map<String, Object>> json = new ArrayList<>();
        for (int t = 0; t <= h.size(); t++) {
            Map<String, Double> mt = t == 0 ? before : perStep.get(t - 1);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", t);
            csv.append(t);
            for (String k : metricKeys) {
                csv.append(',').append(mt.get(k));
                row.put(k, mt.get(k));
            }
            for (String k : flowKeys) {
                double v = t == 0 ? Double.NaN : h.get(t - 1).get(k);
                csv.append(',').append(Double.isNaN(v) ? "" : String.valueOf(v));
                row.put(k, Double.isNaN(v) ? null : v);
            }
            csv.append('\n');
            json.add(row);
        }
        AtomicFiles.writeString(f.file("metrics.csv"), csv.toString());
        AtomicFiles.writeString(f.file("metrics.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        double[] x = new double[h.size() + 1];
        for (int t = 0; t < x.length; t++) {
            x[t] = t;
        }
        List<String> figs = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        if (before.containsKey("fid")) {
            Plots.line(f.file("fid.png"), "FID to the prompt's reference half", "step", "FID", x,
                    series(before, perStep, "fid"));
            figs.add("fid.png");
            caps.add("FID at every step");
        }
        Map<String, double[]> q = new LinkedHashMap<>();
        if (before.containsKey("classifier_b_share")) {
            q.put("classifier-B share", series(before, perStep, "classifier_b_share"));
        }
        if (before.containsKey("diversity")) {
            q.put("diversity / diversity at step 0", scaled(series(before, perStep, "diversity")));
        }
        if (!q.isEmpty()) {
            Plots.lines(f.file("quality.png"), "Held-out figures", "step", "value", x, q);
            figs.add("quality.png");
            caps.add("held-out class share (class models) and relative diversity");
        }
        if (before.containsKey("realism_logit")) {
            Plots.line(f.file("realism.png"), "Mean discriminator logit (realism)", "step", "logit", x,
                    series(before, perStep, "realism_logit"));
            figs.add("realism.png");
            caps.add("the discriminator's mean logit");
        }
        if (!h.isEmpty()) {
            Map<String, double[]> fl = new LinkedHashMap<>();
            for (String k : List.of("velocity_norm", "latent_shift")) {
                if (flowKeys.contains(k)) {
                    double[] v = new double[h.size()];
                    for (int t = 0; t < v.length; t++) {
                        v[t] = h.get(t).get(k);
                    }
                    fl.put(k, v);
                }
            }
            double[] xs = Arrays.copyOfRange(x, 1, x.length);
            Plots.lines(f.file("flow.png"), "Update size per step (mean over particles)", "step", "norm", xs, fl);
            figs.add("flow.png");
            caps.add("mean velocity (before clipping/noise) and mean latent shift");
        }
        Refinement.Result res = r.refinement();
        HtmlReport html = new HtmlReport("genalign refine: " + shown + " with " + m.cliName());
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "%d particles, %s.", particles,
                res.message()));
        for (String k : before.keySet()) {
            summary.append(String.format(Locale.ROOT, " %s %.3f → %.3f;", k, before.get(k), after.get(k)));
        }
        html.paragraph(summary.toString());
        if (res.stop() == Refinement.Stop.NON_FINITE) {
            html.paragraph("WARNING: an update was not finite; the last finite particles are shown.");
        }
        if (before.containsKey("fid")) {
            html.paragraph("FID here is measured on " + particles + " samples against " + half
                    + " real images of the prompt that the flow never saw; with so few samples it is biased upward "
                    + "and only comparable between runs of the same size.");
        }
        html.heading("Particles");
        html.figures(List.of("before.png", "after.png"), List.of("before: G(z) at the initial latents",
                "after: the same particles after the last step"));
        html.figures(List.of("before-after.png"), List.of("pairs: each particle before (left) and after (right)"));
        html.heading("Per step");
        html.figures(figs, caps);
        List<List<String>> rows = new ArrayList<>();
        for (String k : before.keySet()) {
            rows.add(List.of(k, String.format(Locale.ROOT, "%.4f", before.get(k)),
                    String.format(Locale.ROOT, "%.4f", after.get(k))));
        }
        html.table(List.of("metric", "before", "after"), rows);
        html.heading("Files");
        html.links(List.of("metrics.csv", "metrics.json", "initial_latents.npy", "final_latents.npy",
                "provenance.json"));
        html.write(f.file("index.html"));
    }

    private static double[] series(Map<String, Double> first, List<Map<String, Double>> rest, String k) {
        double[] v = new double[rest.size() + 1];
        v[0] = first.get(k);
        for (int i = 0; i < rest.size(); i++) {
            v[i + 1] = rest.get(i).get(k);
        }
        return v;
    }

    private static double[] scaled(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = v[i] / v[0];
        }
        return o;
    }
}
