package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.Condition;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.NoiseOptimizer;
import io.genalign.core.rewards.ClassLogProbability;
import io.genalign.core.rewards.Realism;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooGenerator;
import io.genalign.zoo.arch.Architectures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark harness of test-time noise alignment on the built-in models (issue: 100 steps for 4 seeds under
 * 10 s on 2 cores; the regularizer under 10% of a step; peak memory). Not JMH: one alignment is seconds long,
 * so each configuration is timed end to end over several repetitions after one warm-up run, excluding model
 * loading. Writes {@code bench/results/align.md}. Run with {@code bash bench/run-align.sh}.
 */
public final class AlignBench {
    private AlignBench() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path out = Path.of(args.length > 1 ? args[1] : "bench/results/align.md");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        EngineBootstrap.start(1);
        StringBuilder md = new StringBuilder("# Noise alignment benchmark\n\n");
        md.append("Written by `io.genalign.bench.AlignBench` (`bash bench/run-align.sh`). One run = `NoiseOptimizer`"
                + " with the default options (" + NoiseAlignmentOptions.defaults().toMap() + "), 100 steps, 4 seeds "
                + "(one batch), target classifier A's log-probability of the class, held-out classifier B and realism "
                + "evaluated every step, per-step Gaussianity statistics recorded. Model loading is excluded; one "
                + "warm-up run, then " + reps + " timed runs.\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", genalign ").append(Versions.genalign())
                .append(", DJL ").append(Versions.all().get("djl")).append(", PyTorch ")
                .append(Versions.all().get("pytorch")).append(", PyTorch intra-op threads: ")
                .append(System.getProperty("ai.djl.pytorch.num_threads", "default (one per core)"))
                .append(". Load average before: ").append(loadBefore)
                .append(". Date: ").append(Instant.now()).append(".\n\n");
        md.append("The regularizer share is measured inside `NoiseOptimizer` (its own regularizer call, as it is wired "
                + "at the time of the run). The last two columns measure, on the same latents (4 seeds, the model's "
                + "latent shape), the regularizer's own fastest path `Regularizer.valueAndGradient` (closed form for "
                + "MPGR, the norm and PRNO, autograd otherwise), median of 50 calls after 20 warm-up calls, and the "
                + "share of a step it would take if the optimizer called it instead: that time / (the step time "
                + "− the measured regularizer time + that time).\n\n");
        md.append("| regularizer | median s / run (100 steps x 4 seeds) | min | regularizer share of a step | "
                + "recording share | target < 10 s | share < 10% | `valueAndGradient` ms / call | share with it |"
                + "\n|---|---|---|---|---|---|---|---|---|\n");
        try (NDManager m = Tensors.newManager()) {
            ZooGenerator g = Zoo.generator(m);
            ClassLogProbability a = new ClassLogProbability(Zoo.classifierA(m), "classifier-a");
            ClassLogProbability b = new ClassLogProbability(Zoo.classifierB(m), "classifier-b");
            Realism realism = new Realism(Zoo.discriminator(m), Architectures.IMAGE);
            for (String reg : List.of("none", "mpgr", "norm", "kl", "kurtosis", "prno")) {
                List<Double> times = new ArrayList<>();
                double regShare = 0;
                double recShare = 0;
                double stepSeconds = 0;
                double regSeconds = 0;
                double fastMs = Double.NaN;
                for (int r = -1; r < reps; r++) {
                    try (NDManager sm = m.newSubManager()) {
                        NDArray z = sm.randomNormal(new Shape(4).addAll(g.latentShape()));
                        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(g)
                                .setCondition(Condition.repeat("sneaker", 7, 4)).addTarget(a, 1.0).addHeldOut(b)
                                .addHeldOut(realism).optRegularizer("none".equals(reg) ? null
                                        : Regularizers.create(reg, r)).build()) {
                            long t0 = System.nanoTime();
                            int stepsRun = Math.max(1, opt.run(z, null).stepsRun());
                            double secs = (System.nanoTime() - t0) / 1e9;
                            if (r >= 0) {
                                times.add(secs);
                                Map<String, Double> t = opt.timings();
                                regShare += t.get("regularizer") / t.get("steps") / reps;
                                recShare += t.get("record") / t.get("steps") / reps;
                                stepSeconds += t.get("steps") / reps / stepsRun;
                                regSeconds += t.get("regularizer") / reps / stepsRun;
                            }
                            if (r == reps - 1 && !"none".equals(reg)) {
                                fastMs = fastPathMs(sm, Regularizers.create(reg, r), z);
                            }
                        }
                    }
                }
                Collections.sort(times);
                double median = times.get(times.size() / 2);
                double fastShare = fastMs / 1e3 / (stepSeconds - regSeconds + fastMs / 1e3);
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f%% | %.1f%% | %s | %s | %s | %s |%n", reg,
                        median, times.get(0), 100 * regShare, 100 * recShare, median < 10 ? "met" : "NOT met",
                        "none".equals(reg) ? "n/a" : (regShare < 0.10 ? "met" : "NOT met"),
                        Double.isNaN(fastMs) ? "–" : String.format(Locale.ROOT, "%.3f", fastMs),
                        Double.isNaN(fastMs) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * fastShare)));
                System.out.println(reg + " median " + median);
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        md.append("\nPeak resident memory of the benchmark process (VmHWM): ").append(peakRssMb())
                .append(" MB. Load average after: ").append(loadAfter).append(".\n");
        Files.createDirectories(out.getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    /** Median wall ms of {@code reg.valueAndGradient} on a batch shaped like {@code z}, 50 calls after 20 warm-up. */
    static double fastPathMs(NDManager m, io.genalign.core.gaussianity.Regularizer reg, NDArray z) {
        double[] t = new double[50];
        for (int i = -20; i < t.length; i++) {
            try (NDManager s = m.newSubManager()) {
                NDArray x = s.randomNormal(z.getShape());
                long t0 = System.nanoTime();
                reg.valueAndGradient(x);
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    static String peakRssMb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return String.format(Locale.ROOT, "%.0f", Long.parseLong(line.trim().split("\\s+")[1]) / 1024.0);
            }
        }
        return "n/a";
    }
}
