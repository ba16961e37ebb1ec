package io.genalign.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.genalign.cli.options.ModelOption;
import io.genalign.cli.options.PromptListOption;
import io.genalign.cli.options.RunOptions;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.Diversity;
import io.genalign.core.eval.Fid;
import io.genalign.core.eval.GaussianFit;
import io.genalign.core.flow.FlowDefaults;
import io.genalign.core.flow.RefineMethod;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.model.ModelSet;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.report.RefineAblationReport;
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
 * {@code genalign experiment refine}: the GMI paper's ablation (its Table 2) on the built-in GAN. Every method
 * refines the same starting latents (paired: per seed, class and batch one latent draw and one data draw shared by
 * all methods) with the default options; the "base" row is the unrefined samples. Per seed the samples of all
 * classes are pooled and scored: FID against the reference halves of the real bank (never used as flow data),
 * the Inception-Score-like score (10 splits), within-class diversity, classifier-B share and the discriminator's
 * mean logit. The table gives the mean over seeds with a 95% Student-t interval; the FID of all seeds pooled is
 * given beside it. Also FID per step per method, and sample grids. Setup in {@link RefineSession}. This class runs the
 * ablation; its files are written by {@link RefineAblationReport}.
 */
@Command(name = "refine", mixinStandardHelpOptions = true,
        description = "Compare GMI with its ablations and baselines (DOT, DDLS, DGflow, KDE, KRR, Stein) on a generator (builtin GAN or --model DIR).")
public final class RefineExperiment implements Callable<Integer> {
    /** Rows, in the table's order ("base" = no refinement). */
    static final List<String> ROWS = List.of("base", "dot", "ddls", "dgflow", "kde", "krr", "gmi", "stein");

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run = RunOptions.withSeed(11);

    @Option(names = "--seeds", description = "Independent repetitions (default: ${DEFAULT-VALUE}).")
    int seeds = 3;

    @Option(names = "--batches", description = "Batches per class and seed (default: ${DEFAULT-VALUE}).")
    int batches = 1;

    @Option(names = "--particles", description = "Particles per batch (default: ${DEFAULT-VALUE}).")
    int particles = FlowDefaults.PARTICLES;

    @Option(names = "--steps", description = "Steps (default: ${DEFAULT-VALUE}).")
    int steps = FlowDefaults.STEPS;

    @Option(names = "--methods", split = ",", description = "Methods (default: dot,ddls,dgflow,kde,krr,gmi,stein).")
    List<String> methods = new ArrayList<>(ROWS.subList(1, ROWS.size()));

    @Mixin
    PromptListOption promptList;

    @CommandLine.Mixin
    KernelOptions kernel = new KernelOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<RefineMethod> ms = new ArrayList<>();
        for (String m : methods) {
            ms.add(RefineMethod.parse(m));
        }
        if (seeds < 1 || batches < 1 || particles < 2 || particles > 1024) {
            throw new IllegalArgumentException("need --seeds >= 1, --batches >= 1 and --particles in 2..1024");
        }
        long seed = run.seed;
        RefineOptions options = kernel.applyTo(RefineOptions.builder().optSteps(steps)).build();
        try (ModelSet set = model.open()) {
        List<String> prompts = promptList.resolve(set);
        int nc = prompts.size();
        RunFolder folder = RunFolder.create(run.outOr("experiment", "refine"), run.overwrite);
        Provenance prov = Provenance.start("experiment refine", spec.commandLine().getParseResult().originalArgs());
        prov.config("model", set.provenance()).config("methods", methods).config("seeds", seeds)
                .config("batches_per_prompt", batches).config("particles", particles).config("options", options.toMap())
                .config("prompts", prompts).config("samples_per_row_per_seed", nc * batches * particles)
                .seed("base", seed);
        EngineBootstrap.start(seed);
        PrintWriter o = spec.commandLine().getOut();
        List<String> rows = new ArrayList<>(List.of("base"));
        ms.forEach(m -> rows.add(m.cliName()));
        // metric -> row -> per-seed values
        Map<String, Map<String, List<Double>>> table = new LinkedHashMap<>();
        Map<String, double[]> fidPerStep = new LinkedHashMap<>();
        Map<String, Double> pooledFid = new LinkedHashMap<>();
        Map<String, Double> secondsPerBatch = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (NDManager mgr = Tensors.newManager(); RefineSession s = new RefineSession(mgr, set)) {
            List<NDArray> refs = new ArrayList<>();
            for (String p : prompts) {
                refs.add(s.referenceImages(mgr, p));
            }
            GaussianFit reference = GaussianFit.of(s.features(NDArrays.concat(new NDList(refs), 0)));
            Map<String, List<double[]>> pooledFeatures = new LinkedHashMap<>();
            Map<String, NDArray> grids = new LinkedHashMap<>();
            for (int sd = 0; sd < seeds; sd++) {
                try (NDManager seedMgr = mgr.newSubManager()) {
                    Map<String, List<NDArray>> finals = new LinkedHashMap<>();
                    Map<String, List<List<NDArray>>> perStep = new LinkedHashMap<>();
                    for (String r : rows) {
                        finals.put(r, new ArrayList<>());
                        perStep.put(r, new ArrayList<>());
                    }
                    for (int pi = 0; pi < nc; pi++) {
                        String prompt = prompts.get(pi);
                        int c = PromptListOption.drawKey(set, prompt, pi);
                        for (int b = 0; b < batches; b++) {
                            long drawSeed = seed * 1_000_003L + sd * 10_007L + c * 101L + b;
                            for (RefineMethod m : ms) {
                                Engine.getInstance().setRandomSeed((int) drawSeed);
                                List<NDArray> steps = new ArrayList<>();
                                long b0 = System.nanoTime();
                                RefineSession.BatchResult res = s.refine(seedMgr, m, options, prompt, particles,
                                        drawSeed, ref -> steps.add(s.images(seedMgr, ref.latents(),
                                                s.condition(prompt, particles))), null);
                                secondsPerBatch.merge(m.cliName(), (System.nanoTime() - b0) / 1e9, Double::sum);
                                if (m == ms.get(0)) {
                                    finals.get("base").add(res.initialImages());
                                    perStep.get("base").add(List.of(res.initialImages()));
                                }
                                finals.get(m.cliName()).add(res.finalImages());
                                List<NDArray> all = new ArrayList<>(List.of(res.initialImages()));
                                all.addAll(steps);
                                perStep.get(m.cliName()).add(all);
                            }
                        }
                        o.printf(Locale.ROOT, "seed %d prompt '%s' done (%.0f s)%n", sd, prompt,
                                (System.nanoTime() - t0) / 1e9);
                        o.flush();
                    }
                    int[] labels = new int[nc * batches * particles];
                    List<String> rowPrompts = new ArrayList<>();
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = PromptListOption.drawKey(set, prompts.get(i / (batches * particles)), i / (batches * particles));
                        rowPrompts.add(prompts.get(i / (batches * particles)));
                    }
                    for (String r : rows) {
                        NDArray imgs = NDArrays.concat(new NDList(finals.get(r)), 0);
                        Map<String, Double> met = s.metrics(imgs, rowPrompts, labels, reference);
                        met.put("diversity", withinClassDiversity(s, imgs, nc, batches * particles));
                        for (Map.Entry<String, Double> e : met.entrySet()) {
                            table.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
                                    .computeIfAbsent(r, k -> new ArrayList<>()).add(e.getValue());
                        }
                        pooledFeatures.computeIfAbsent(r, k -> new ArrayList<>()).addAll(Arrays.asList(s.features(imgs)));
                        if (sd == 0) {
                            NDArray g = firstOfEachClass(imgs, nc, batches * particles, 8);
                            g.attach(mgr);
                            grids.put(r, g);
                        }
                        // FID per step (seed mean)
                        List<List<NDArray>> ps = perStep.get(r);
                        int len = ps.get(0).size();
                        double[] acc = fidPerStep.computeIfAbsent(r, k -> new double[len]);
                        for (int t = 0; t < len; t++) {
                            List<NDArray> atT = new ArrayList<>();
                            for (List<NDArray> batch : ps) {
                                atT.add(batch.get(Math.min(t, batch.size() - 1)));
                            }
                            acc[t] += Fid.distance(GaussianFit.of(s.features(
                                    NDArrays.concat(new NDList(atT), 0))), reference) / seeds;
                        }
                    }
                }
            }
            for (Map.Entry<String, List<double[]>> e : pooledFeatures.entrySet()) {
                pooledFid.put(e.getKey(), Fid.distance(GaussianFit.of(
                        e.getValue().toArray(new double[0][])), reference));
            }
            RefineAblationReport.writeGrids(folder, rows, grids);
        }
        double total = (System.nanoTime() - t0) / 1e9;
        prov.timing("experiment", total);
        RefineAblationReport.writeTable(folder, new RefineAblationReport.Settings(prompts, seeds, batches, particles,
                steps), rows, table, pooledFid, secondsPerBatch, total);
        RefineAblationReport.plotFidPerStep(folder, fidPerStep);
        prov.result("table", table).result("pooled_fid", pooledFid).result("fid_per_step", fidPerStep);
        prov.write(folder.file("provenance.json"));
        folder.commit();
        o.println("results: " + folder.target().resolve("table.md"));
        o.flush();
        }
        return 0;
    }

    /** Mean over classes of the mean pairwise feature distance within each class block. */
    private static double withinClassDiversity(RefineSession s, NDArray images, int blocks, int perClass) {
        double sum = 0;
        for (int c = 0; c < blocks; c++) {
            sum += Diversity.meanPairwiseDistance(s.features(images.get(c * perClass + ":" + (c + 1) * perClass)));
        }
        return sum / blocks;
    }

    private static NDArray firstOfEachClass(NDArray images, int blocks, int perClass, int k) {
        List<NDArray> parts = new ArrayList<>();
        for (int c = 0; c < blocks; c++) {
            parts.add(images.get(c * perClass + ":" + (c * perClass + Math.min(k, perClass))));
        }
        return NDArrays.concat(new NDList(parts), 0);
    }
}
