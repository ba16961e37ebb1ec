package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.flow.FlowModels;
import io.genalign.core.flow.FlowStep;
import io.genalign.core.flow.LatentRefiner;
import io.genalign.core.flow.RefineMethod;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.flow.Refinement;
import io.genalign.core.flow.Refiners;
import io.genalign.core.model.Condition;
import io.genalign.core.rewards.Realism;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import io.genalign.zoo.RealBank;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooDiscriminator;
import io.genalign.zoo.ZooGenerator;
import io.genalign.zoo.arch.Architectures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark harness of the latent particle flow on the built-in GAN (issue: 64 particles x 10 steps under 10 s on
 * 2 cores; the kernel and solve share of a step under 15%; cost growth up to 1,024 particles). Not JMH: a run is
 * seconds long, so each configuration is timed end to end (model loading excluded) after one warm-up run. The
 * kernel share is the refiner's own {@code kernel_seconds} (median heuristic, Gram matrix, Cholesky solve and the
 * forward kernel sums of both potentials) over {@code step_seconds}; the backward pass through the kernel sums is
 * not separable and counts as the rest of the step. Writes {@code bench/results/flow.md}; run with
 * {@code bash bench/run-flow.sh [REPS] [SCALING_STEPS]}.
 */
public final class FlowBench {
    private FlowBench() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int scalingSteps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results/flow.md");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        EngineBootstrap.start(1);
        RefineOptions defaults = RefineOptions.builder().build();
        StringBuilder md = new StringBuilder("# Latent particle flow benchmark\n\n");
        md.append("Written by `io.genalign.bench.FlowBench` (`bash bench/run-flow.sh`). Built-in GAN, class "
                + "'sneaker', N(0, I) latents; φ = the discriminator's 128 body features; condition term log σ(d); "
                + "data samples: N real images from the shipped bank (n_d = N). Options: " + defaults.toMap()
                + ". Model loading is excluded; one warm-up run per configuration, then the timed runs. "
                + "OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)") + ".\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", genalign ").append(Versions.genalign())
                .append(", DJL ").append(Versions.all().get("djl")).append(", PyTorch ")
                .append(Versions.all().get("pytorch")).append(". Load average before: ").append(loadBefore)
                .append(" (the machine is shared; other jobs were running). Date: ").append(Instant.now())
                .append(".\n\n");
        try (NDManager m = Tensors.newManager()) {
            ZooGenerator g = Zoo.generator(m);
            ZooDiscriminator d = Zoo.discriminator(m);
            Realism realism = new Realism(d, Architectures.IMAGE);
            NDArray bank = RealBank.load().images(m);
            md.append("## 64 particles x 10 steps, every method\n\n");
            md.append("| method | median s / run | min | kernel + solve share of a step | < 10 s |\n|---|---|---|---|---|\n");
            for (RefineMethod method : RefineMethod.values()) {
                int r = method == RefineMethod.GMI ? reps : 1;
                Timing t = time(m, g, d, realism, bank, method, 64, 10, r);
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s |%n", method.cliName(), t.median,
                        t.min, method.isParticleFlow() ? String.format(Locale.ROOT, "%.1f%%", 100 * t.kernelShare)
                                : "n/a", t.median < 10 ? "met" : "NOT met"));
                System.out.println(method + " median " + t.median + " kernel share " + t.kernelShare);
            }
            md.append("\n## GMI: cost per step against the number of particles\n\n");
            md.append("Each row: one warm-up run and one timed run of " + scalingSteps + " steps; per-step means.\n\n");
            md.append("| particles | s / step | kernel + solve s / step | kernel share | s / step / particle |\n"
                    + "|---|---|---|---|---|\n");
            for (int n : new int[] {64, 128, 256, 512, 1024}) {
                Timing t = time(m, g, d, realism, bank, RefineMethod.GMI, n, scalingSteps, 1);
                double perStep = t.median / scalingSteps;
                md.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.1f%% | %.5f |%n", n, perStep,
                        perStep * t.kernelShare, 100 * t.kernelShare, perStep / n));
                System.out.println(n + " particles: " + perStep + " s/step, kernel share " + t.kernelShare);
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        md.append("\nPeak resident memory of the benchmark process (VmHWM): ").append(AlignBench.peakRssMb())
                .append(" MB. Load average after: ").append(loadAfter).append(".\n");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    private record Timing(double median, double min, double kernelShare) {}

    private static Timing time(NDManager m, ZooGenerator g, ZooDiscriminator d, Realism realism, NDArray bank,
                               RefineMethod method, int n, int steps, int reps) {
        RefineOptions o = RefineOptions.builder().optSteps(steps).build();
        List<Double> times = new ArrayList<>();
        double kernel = 0;
        double stepTotal = 0;
        for (int r = -1; r < reps; r++) {
            try (NDManager sm = m.newSubManager()) {
                Condition c = Condition.repeat("sneaker", 7, n);
                NDArray data = bank.get("0:" + n);
                NDArray z = sm.randomNormal(new Shape(n).addAll(g.latentShape()));
                FlowModels models = new FlowModels(g, c, d, data, realism, d);
                try (LatentRefiner ref = Refiners.create(method, models, o, sm)) {
                    long t0 = System.nanoTime();
                    Refinement.Result res = Refinement.run(ref, z, steps, sm, null);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    if (r >= 0) {
                        times.add(secs);
                        for (FlowStep s : res.history()) {
                            kernel += Double.isNaN(s.get("kernel_seconds")) ? 0 : s.get("kernel_seconds");
                            stepTotal += s.get("step_seconds");
                        }
                    }
                }
            }
        }
        Collections.sort(times);
        return new Timing(times.get(times.size() / 2), times.get(0), kernel / stepTotal);
    }
}
