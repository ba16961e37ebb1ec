package io.genalign.bench;

import ai.djl.ndarray.types.Shape;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Versions;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.preference.DiffusionDpoTrainer;
import io.genalign.zoo.preference.DpoOptions;
import io.genalign.zoo.train.CheckpointStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Resident memory over a long DPO run on the built-in diffusion model (issue 14, item 6): {@code genalign dpo}'s
 * trainer ({@link DiffusionDpoTrainer#train}, checkpoints included) for STEPS steps on synthetic pairs, the resident
 * set (VmRSS of /proc/self/status) sampled every EVERY steps. Verdict: after WARMUP steps every sample lies within
 * 5% of the sample at the end of the warm-up, i.e. the run does not grow. Writes {@code bench/results/dpo-memory.md}.
 *
 * <p>Run with {@code bash bench/run-dpo-memory.sh [STEPS] [PAIRS] [EVERY] [WARMUP] [CHECKPOINT_EVERY] [OUT] [MODE]};
 * MODE {@code trim} also reads the resident set after glibc returned its free pages (see {@link #trimmedRssKb}).
 */
public final class DpoMemory {
    /** The largest allowed deviation from the post-warm-up resident set. */
    static final double BOUND = 0.05;

    private DpoMemory() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int pairsPerStep = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int checkpointEvery = args.length > 4 ? Integer.parseInt(args[4]) : 250;
        Path out = Path.of(args.length > 5 ? args[5] : "bench/results/dpo-memory.md");
        boolean trim = args.length > 6 && args[6].equals("trim");
        if (args.length > 6 && !trim && !args[6].equals("raw")) {
            throw new IllegalArgumentException("MODE is raw or trim, got " + args[6]);
        }
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        EngineBootstrap.start(1);
        byte[] base = Zoo.diffusionWeights();
        PreferencePairs.PairSet pairs = PreferencePairs.PairSet.synthetic(64, 3, new Shape(1, 28, 28));
        DpoOptions o = DpoOptions.builder().setDivergence(Divergence.reverseKl()).optSteps(steps)
                .optPairsPerStep(pairsPerStep).optSeed(1).optCheckpointEvery(checkpointEvery).build();
        Path work = Files.createTempDirectory("dpo-memory");
        List<int[]> samples = new ArrayList<>(); // {step, RSS kB, JVM non-heap committed kB, RSS after trim kB}
        List<Double> seconds = new ArrayList<>();
        samples.add(sample(0, trim));
        seconds.add(0.0);
        long t0 = System.nanoTime();
        try {
            DiffusionDpoTrainer.train(base, pairs, o, work, (s, total) -> {
                if (s.step() % every == 0 || s.step() == total) {
                    samples.add(sample(s.step(), trim));
                    seconds.add((System.nanoTime() - t0) / 1e9);
                    int[] last = samples.get(samples.size() - 1);
                    System.out.printf(Locale.ROOT, "step %d  rss %.1f MB  trimmed %.1f MB  %.0f s%n", s.step(),
                            last[1] / 1024.0, last[3] / 1024.0, seconds.get(seconds.size() - 1));
                }
            });
        } finally {
            CheckpointStore.deleteRecursively(work);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report(samples, seconds, steps, pairsPerStep, every, warmup, checkpointEvery, trim,
                wall, loadBefore, loadAfter));
        System.out.println(Files.readString(out));
    }

    /** One sample: step, VmRSS, JVM non-heap, and with {@code trim} VmRSS after glibc returned its free pages. */
    static int[] sample(int step, boolean trim) {
        int rss = rssKb();
        int nonHeap = nonHeapKb();
        return new int[] {step, rss, nonHeap, trim ? trimmedRssKb() : -1};
    }

    /** Deviation from the warm-up sample of one column: {ref MB, min, max, largest relative deviation, slope}. */
    static double[] deviation(List<int[]> samples, int ref, int column) {
        double refMb = samples.get(ref)[column] / 1024.0;
        double min = Double.MAX_VALUE;
        double max = 0;
        // least-squares slope of the column against step after the warm-up
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = 0;
        for (int i = ref; i < samples.size(); i++) {
            double x = samples.get(i)[0];
            double y = samples.get(i)[column] / 1024.0;
            min = Math.min(min, y);
            max = Math.max(max, y);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            n++;
        }
        double slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0;
        return new double[] {refMb, min, max, Math.max(max / refMb - 1, 1 - min / refMb), slope};
    }

    static String report(List<int[]> samples, List<Double> seconds, int steps, int pairsPerStep, int every,
                         int warmup, int checkpointEvery, boolean trim, double wall, String loadBefore,
                         String loadAfter) {
        int ref = -1;
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i)[0] >= warmup) {
                ref = i;
                break;
            }
        }
        if (ref < 0) {
            throw new IllegalArgumentException("no sample at or after the warm-up (step " + warmup + ")");
        }
        double[] raw = deviation(samples, ref, 1);
        StringBuilder md = new StringBuilder("# Resident memory over a long DPO run\n\n");
        md.append(String.format(Locale.ROOT, "Written by `io.genalign.bench.DpoMemory` (`%sOMP_NUM_THREADS=1 nice "
                + "bash bench/run-dpo-memory.sh %d %d %d %d %d bench/results/dpo-memory.md %s`; native allocator: %s). "
                + "The trainer of `genalign dpo` (`DiffusionDpoTrainer.train`, checkpoints every %d steps included) "
                + "fine-tunes the built-in diffusion model for %d steps of %d "
                + "synthetic preference pairs (reverse KL, default options otherwise); the resident set (VmRSS of "
                + "/proc/self/status) is read every %d steps. %d pairs per step instead of the default %d keeps the run "
                + "short on this machine; the memory of a step's temporaries scales with the batch, a leak with the "
                + "number of steps.%n%n", mallocVariables(), steps, pairsPerStep, every, warmup, checkpointEvery,
                trim ? "trim" : "raw", mallocSettings(), checkpointEvery, steps, pairsPerStep, every, pairsPerStep,
                DpoOptions.DEFAULT_PAIRS_PER_STEP));
        md.append(String.format(Locale.ROOT, "Machine: %d cores shared with other jobs, load average before `%s`, "
                + "after `%s`. Java %s, DJL %s, PyTorch %s, OMP_NUM_THREADS=%s. The Java heap is fixed and touched "
                + "at start-up (%d MB, -Xms = -Xmx, -XX:+AlwaysPreTouch), so its first use of fresh pages does not "
                + "show as growth: what can grow is native memory, where the engine's tensors live. Date: %s. Wall "
                + "time %.0f s (%.3f s / step).%n%n", Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter,
                System.getProperty("java.version"), Versions.all().get("djl"), Versions.all().get("pytorch"),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"), Runtime.getRuntime().maxMemory() >> 20,
                Instant.now(), wall, wall / steps));
        md.append(String.format(Locale.ROOT, "## Verdict%n%nAfter the warm-up (step %d, %.1f MB) the resident set "
                + "stays between %.1f and %.1f MB: largest deviation %.2f%% (bound %.0f%%): **%s**. Least-squares "
                + "slope after the warm-up: %+.2f MB per 1,000 steps.%n%n", samples.get(ref)[0], raw[0], raw[1],
                raw[2], 100 * raw[3], 100 * BOUND, raw[3] <= BOUND ? "flat, met" : "NOT met", 1000 * raw[4]));
        if (trim) {
            double[] t = deviation(samples, ref, 3);
            md.append(String.format(Locale.ROOT, "Trimmed (mode `trim`: right after each sample the JVM's "
                    + "`System.trim_native_heap` diagnostic command has glibc return its free pages, i.e. "
                    + "malloc_trim(0), and the resident set is read again; what remains is memory the process holds, "
                    + "without freed blocks the allocator keeps for reuse): from %.1f MB at the warm-up it stays between "
                    + "%.1f and %.1f MB: largest deviation %.2f%% (bound %.0f%%): **%s**. Slope %+.2f MB per 1,000 "
                    + "steps. The trims change the allocator's state, so the raw column of this mode is the resident set "
                    + "%d steps after the previous trim, not the one of a run without trims.%n%n", t[0], t[1], t[2],
                    100 * t[3], 100 * BOUND, t[3] <= BOUND ? "flat, met" : "NOT met", 1000 * t[4], every));
        }
        md.append("## Samples\n\nJVM non-heap: committed code cache, metaspace and other JVM pools "
                + "(MemoryMXBean); the rest of the resident set is the pre-touched heap and native memory.\n\n"
                + "| step | seconds | RSS MB | vs warm-up | JVM non-heap MB |" + (trim ? " RSS after trim MB | vs warm-up |"
                : "") + "\n|---|---|---|---|---|" + (trim ? "---|---|" : "") + "\n");
        for (int i = 0; i < samples.size(); i++) {
            double mb = samples.get(i)[1] / 1024.0;
            md.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %s | %.1f |", samples.get(i)[0],
                    seconds.get(i), mb, i < ref ? "(warm-up)" : String.format(Locale.ROOT, "%+.2f%%",
                            100 * (mb / raw[0] - 1)), samples.get(i)[2] / 1024.0));
            if (trim) {
                double tmb = samples.get(i)[3] / 1024.0;
                double tref = samples.get(ref)[3] / 1024.0;
                md.append(String.format(Locale.ROOT, " %.1f | %s |", tmb, i < ref ? "(warm-up)"
                        : String.format(Locale.ROOT, "%+.2f%%", 100 * (tmb / tref - 1))));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The glibc allocator variables this run had, e.g. "MALLOC_MMAP_THRESHOLD_=131072", or "glibc defaults". */
    static String mallocSettings() {
        String s = mallocVariables();
        return s.isEmpty() ? "glibc defaults" : s.trim();
    }

    /** The glibc allocator variables of this run as they would prefix the command ("" when none). */
    static String mallocVariables() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(System.getenv()).forEach((k, v) -> {
            if (k.startsWith("MALLOC_") || k.equals("GLIBC_TUNABLES")) {
                b.append(k).append('=').append(v).append(' ');
            }
        });
        return b.toString();
    }

    /**
     * The resident set after glibc returned the free pages of every arena (the JVM's {@code System.trim_native_heap}
     * diagnostic command, i.e. malloc_trim(0)), in kB.
     */
    static int trimmedRssKb() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("this JVM cannot trim the native heap (System.trim_native_heap)", e);
        }
        return rssKb();
    }

    /** The JVM's committed non-heap memory (code cache, metaspace, …) in kB. */
    static int nonHeapKb() {
        return (int) (ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted() >> 10);
    }

    /** The resident set of this process in kB (VmRSS). */
    static int rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Integer.parseInt(line.trim().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
