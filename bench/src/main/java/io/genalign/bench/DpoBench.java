package io.genalign.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooDiffusion;
import io.genalign.zoo.diffusion.DdimSampler;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.preference.DiffusionDpoTrainer;
import io.genalign.zoo.preference.DpoOptions;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark harness of the diffusion model and f-divergence Diffusion-DPO (issue: training steps per second; the
 * f-divergence step's cost within 3% of the reverse-KL step's; DDIM sampling throughput). Plain timing, not JMH:
 * a step is tenths of a second. The divergences are timed interleaved (round-robin over repetitions) so that
 * load drift on a shared machine hits them alike; medians are reported. Writes {@code bench/results/dpo.md}.
 * Run with {@code bash bench/run-dpo.sh [REPS] [STEPS]}.
 */
public final class DpoBench {
    private DpoBench() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results/dpo.md");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        EngineBootstrap.start(1);
        boolean zooModel = !Zoo.list().stream().filter(m -> m.name().equals("diffusion")).toList().isEmpty();
        StringBuilder md = new StringBuilder("# Diffusion model and f-divergence DPO benchmark\n\n");
        md.append("Written by `io.genalign.bench.DpoBench` (`bash bench/run-dpo.sh ").append(reps).append(' ')
                .append(steps).append("`). Machine: ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores (shared with other jobs: load average before ").append(loadBefore).append("), Java ")
                .append(System.getProperty("java.version")).append(", DJL ").append(Versions.all().get("djl"))
                .append(", PyTorch ").append(Versions.all().get("pytorch")).append(", OMP_NUM_THREADS=")
                .append(System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")).append(". Weights: ")
                .append(zooModel ? "the zoo's diffusion model" : "a freshly initialised UNet (the zoo has no diffusion "
                        + "weights yet; cost does not depend on the values)").append(". Date: ").append(Instant.now())
                .append(".\n\n");
        try (NDManager m = Tensors.newManager()) {
            byte[] base = zooModel ? Zoo.diffusionWeights() : fresh(m);
            dpoSteps(md, base, reps, steps);
            pretrainStep(md, m, reps);
            ddim(md, m, base, reps);
        }
        md.append("\nPeak resident memory (VmHWM): ").append(AlignBench.peakRssMb()).append(" MB. Load average after: ")
                .append(Files.readString(Path.of("/proc/loadavg")).trim()).append(".\n");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    private static byte[] fresh(NDManager m) throws Exception {
        Block u = Diffusion.newUNet();
        u.initialize(m, DataType.FLOAT32, Diffusion.inputShapes(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        u.saveParameters(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** DPO training steps (8 pairs = 16 images per step) per divergence, interleaved. */
    private static void dpoSteps(StringBuilder md, byte[] base, int reps, int steps) throws Exception {
        List<Divergence> divs = List.of(Divergence.reverseKl(), Divergence.forwardKl(), Divergence.jensenShannon(),
                Divergence.alpha(0.3), Divergence.alpha(0.5), Divergence.alpha(0.7));
        PreferencePairs.PairSet pairs = PreferencePairs.PairSet.synthetic(64, 3, new Shape(1, 28, 28));
        Map<String, List<Double>> perStep = new LinkedHashMap<>();
        for (Divergence d : divs) {
            perStep.put(d.label(), new ArrayList<>());
        }
        Path work = Files.createTempDirectory("dpo-bench");
        int warm = 2;
        for (int r = 0; r < reps; r++) {
            for (Divergence d : divs) {
                DpoOptions o = DpoOptions.builder().setDivergence(d).optSteps(warm + steps).optPairsPerStep(8)
                        .optSeed(r).optCheckpointEvery(1_000_000).build();
                long[] stamps = new long[warm + steps + 1];
                stamps[0] = System.nanoTime();
                DiffusionDpoTrainer.train(base, pairs, o, work.resolve(d.label().replace(':', '-') + "-" + r),
                        (s, total) -> stamps[s.step()] = System.nanoTime());
                perStep.get(d.label()).add((stamps[warm + steps] - stamps[warm]) / 1e9 / steps);
            }
            System.out.println("rep " + r + " " + perStep);
        }
        double rkl = median(perStep.get("reverse-kl"));
        md.append("## DPO training step\n\nOne step = 8 preference pairs: policy forward and backward on 16 images, "
                + "frozen reference forward on 16 images, f-DPO loss, global-norm clipping, AdamW. Median over ")
                .append(reps).append(" repetitions of the mean over ").append(steps).append(" steps (after ")
                .append(warm).append(" warm-up steps), divergences interleaved.\n\n")
                .append("| divergence | s / step | steps / s | vs reverse KL | within 3% |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Double>> e : perStep.entrySet()) {
            double med = median(e.getValue());
            double rel = med / rkl - 1;
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f | %+.1f%% | %s |%n", e.getKey(), med, 1 / med,
                    100 * rel, e.getKey().equals("reverse-kl") ? "–" : (Math.abs(rel) <= 0.03 ? "met" : "NOT met")));
        }
        md.append("\nAll repetitions (s / step): ").append(perStep).append("\n\n");
    }

    /** One denoising training forward+backward at the zoo's batch size (48). */
    private static void pretrainStep(StringBuilder md, NDManager m, int reps) {
        Block u = Diffusion.newUNet();
        try (NDManager sm = m.newSubManager()) {
            u.initialize(sm, DataType.FLOAT32, Diffusion.inputShapes(48));
            ParameterStore ps = new ParameterStore(sm, false);
            List<Double> times = new ArrayList<>();
            Random r = new Random(1);
            for (int i = -2; i < reps * 3; i++) {
                try (NDManager step = sm.newSubManager()) {
                    NDArray x = step.randomNormal(new Shape(48, 1, 28, 28));
                    int[] t = new int[48];
                    int[] y = new int[48];
                    for (int k = 0; k < 48; k++) {
                        t[k] = r.nextInt(Diffusion.TIMESTEPS);
                        y[k] = r.nextInt(10);
                    }
                    long t0 = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = Diffusion.perSampleMse(Diffusion.predict(ps, u, x, t,
                                Diffusion.conditions(step, y, DataType.FLOAT32), true), x).mean();
                        gc.backward(l);
                    }
                    if (i >= 0) {
                        times.add((System.nanoTime() - t0) / 1e9);
                    }
                }
            }
            double med = median(times);
            md.append(String.format(Locale.ROOT, "## Diffusion pre-training step\n\nForward and backward of the UNet "
                    + "on 48 images (the zoo's batch; no optimizer): median %.3f s, %.2f steps / s, %.0f images / s "
                    + "(%d timings).%n%n", med, 1 / med, 48 / med, times.size()));
        }
    }

    /** DDIM sampling throughput with the default sampler and without guidance. */
    private static void ddim(StringBuilder md, NDManager m, byte[] base, int reps) throws Exception {
        md.append("## DDIM sampling\n\nBatches of 50 images, deterministic DDIM; median over ").append(reps)
                .append(" batches after one warm-up.\n\n| steps | guidance | network calls / image | s / batch | "
                        + "images / s |\n|---|---|---|---|---|\n");
        try (NDManager sm = m.newSubManager(); ZooDiffusion g = Zoo.diffusionFromBytes(sm, base)) {
            for (DdimSampler s : List.of(DdimSampler.defaults(), new DdimSampler(Diffusion.schedule(),
                    Diffusion.SAMPLING_STEPS, 1f), new DdimSampler(Diffusion.schedule(), 50, Diffusion.GUIDANCE))) {
                ZooDiffusion gs = g.withSampler(s);
                List<Double> times = new ArrayList<>();
                for (int i = -1; i < reps; i++) {
                    try (NDManager b = sm.newSubManager()) {
                        NDArray z = b.randomNormal(new Shape(50, 1, 28, 28));
                        int[] cls = new int[50];
                        for (int k = 0; k < 50; k++) {
                            cls[k] = k % 10;
                        }
                        long t0 = System.nanoTime();
                        gs.generate(z, io.genalign.core.model.Condition.of(Collections.nCopies(50, "x"), cls))
                                .toFloatArray();
                        if (i >= 0) {
                            times.add((System.nanoTime() - t0) / 1e9);
                        }
                    }
                }
                double med = median(times);
                md.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %.2f | %.1f |%n", s.steps(), s.guidance(),
                        s.steps() * (s.guidance() != 1f ? 2 : 1), med, 50 / med));
            }
        }
    }


    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
