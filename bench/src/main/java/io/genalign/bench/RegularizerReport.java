package io.genalign.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code bench/results/regularizers.md}: the machine, the sharing of the machine during the run, the
 * table of times, and the three targets of issue 2 checked against the numbers.
 *
 * <p>Targets, with the rule used to call each one met:
 * <ul>
 *   <li>speed-up: PRNO mean / MPGR mean at D = 65,536 is at least {@value #SPEEDUP_TARGET}, for batch 1 and for
 *       batch 8;</li>
 *   <li>latency: the MPGR mean at D = 65,536, batch 1, is below {@value #LATENCY_TARGET_MS} ms;</li>
 *   <li>growth: the exponent p of a least-squares fit of ln t against ln(D ln D) over every measured D is at
 *       most {@value #GROWTH_EXPONENT_LIMIT}, for MPGR at batch 1 and at batch 8 (p = 1 is D log D; p below 1
 *       means fixed per-call costs dominate the small sizes; D² growth would give p close to 2).</li>
 * </ul>
 * Pure Java, no JMH, so it can be unit-tested on hand-made numbers.
 */
public final class RegularizerReport {
    /** D at which the speed-up and the latency are judged. */
    public static final int TARGET_D = 65536;
    /** Required PRNO / MPGR time ratio at {@link #TARGET_D}. */
    public static final double SPEEDUP_TARGET = 50.0;
    /** MPGR value + gradient at {@link #TARGET_D}, batch 1, must take less than this. */
    public static final double LATENCY_TARGET_MS = 3.0;
    /** Largest fitted exponent of t against D ln D that still counts as D log D growth. */
    public static final double GROWTH_EXPONENT_LIMIT = 1.10;

    private RegularizerReport() {}

    /**
     * What is known about the machine and the run.
     *
     * @param machine ordered label to value pairs (CPU, cores, memory, OS, Java, DJL, PyTorch, dates...)
     * @param sharing load and CPU use by other processes during the run
     * @param command the exact command that produced the results
     * @param method  free text describing how each case was measured
     */
    public record Context(Map<String, String> machine, Sharing sharing, String command, String method) {}

    /**
     * How busy the machine was with other work.
     *
     * @param loadBefore        /proc/loadavg (1, 5, 15 min) before the run
     * @param loadAfter         /proc/loadavg after the run
     * @param othersMeanCores   mean CPU use of processes outside the benchmark's process tree, in cores
     * @param othersMaxCores    largest such value over one sampling interval, in cores
     * @param samples           number of sampling intervals
     * @param cores             cores of the machine
     */
    public record Sharing(String loadBefore, String loadAfter, double othersMeanCores, double othersMaxCores,
                          int samples, int cores) {
        /** Other work used on average at least 0.1 core or, at some point, half a core. */
        public boolean shared() {
            return othersMeanCores >= 0.1 || othersMaxCores >= 0.5;
        }
    }

    /** The verdict on one target. */
    public record Verdict(String target, boolean met, boolean known, String numbers) {
        String word() {
            return !known ? "UNKNOWN (not measured)" : met ? "met" : "NOT met";
        }
    }

    /** The markdown document. */
    public static String markdown(Context ctx, List<Measurement> results) {
        StringBuilder s = new StringBuilder();
        s.append("# Regularizer benchmark: value + gradient time\n\n");
        s.append("Written by `io.genalign.bench.RegularizerBench`. Command:\n\n```\n").append(ctx.command())
                .append("\n```\n\n");
        s.append("MPGR, PRNO and the norm side by side with a PyTorch peer (same inputs, one thread each, wall and CPU "
                + "time): [`regularizers-pytorch.md`](regularizers-pytorch.md), `bash bench/run-regularizers.sh --peer`."
                + "\n\n");
        s.append("## Machine\n\n| | |\n|---|---|\n");
        ctx.machine().forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        Sharing sh = ctx.sharing();
        s.append("\n## Was the machine shared?\n\n");
        s.append(sh.shared() ? "**Yes: the machine was shared during this run** (other processes used CPU while it "
                + "ran), so the times below are slower and noisier than on an idle machine.\n\n"
                : "No significant CPU use by other processes was seen during the run.\n\n");
        s.append(String.format(Locale.ROOT, "- load average (1/5/15 min) before: %s; after: %s (%d cores)%n",
                sh.loadBefore(), sh.loadAfter(), sh.cores()));
        s.append(String.format(Locale.ROOT, "- CPU used by processes outside the benchmark: mean %.2f cores, "
                + "max %.2f cores over %d intervals of 10 s (from /proc/stat minus the benchmark's own process "
                + "tree)%n%n", sh.othersMeanCores(), sh.othersMaxCores(), sh.samples()));
        s.append("## Method\n\n").append(ctx.method()).append("\n\n");

        s.append("## Results\n\nMean time of one value + gradient call, milliseconds; ± is JMH's 99.9% confidence "
                + "half-width (n/a with fewer than 2 samples). Mode: `avgt` = JMH AverageTime over timed iterations, "
                + "`ss` = SingleShotTime (one call per iteration, used for slow cases).\n\n");
        s.append("| regularizer | D | batch | mean (ms) | ± error (ms) | per sample (ms) | mode | samples |\n");
        s.append("|---|---:|---:|---:|---:|---:|---|---:|\n");
        for (Measurement m : results) {
            if (m.ok()) {
                s.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %d |%n", m.regularizer(),
                        m.dim(), m.batch(), fmt(m.meanMs()), Double.isFinite(m.errorMs()) ? fmt(m.errorMs()) : "n/a",
                        fmt(m.meanMs() / m.batch()), m.mode(), m.samples()));
            } else {
                s.append(String.format(Locale.ROOT, "| %s | %d | %d | — | — | — | %s | 0 |%n", m.regularizer(),
                        m.dim(), m.batch(), m.problem()));
            }
        }

        List<Verdict> verdicts = targets(results);
        s.append("\n## Targets (issue 2, item 8)\n\n| target | verdict | numbers |\n|---|---|---|\n");
        for (Verdict v : verdicts) {
            s.append("| ").append(v.target()).append(" | **").append(v.word()).append("** | ").append(v.numbers())
                    .append(" |\n");
        }
        s.append("\nRules: speed-up = PRNO mean / MPGR mean at D = 65,536 (at least ")
                .append(fmt(SPEEDUP_TARGET)).append(" for both batch sizes); latency = MPGR mean at D = 65,536, "
                        + "batch 1, below ").append(fmt(LATENCY_TARGET_MS))
                .append(" ms; growth = fitted exponent p of t ∝ (D ln D)^p over all measured D at most ")
                .append(fmt(GROWTH_EXPONENT_LIMIT)).append(" for MPGR at both batch sizes. Nothing was tuned to "
                        + "meet them.\n");
        StringBuilder ratios = new StringBuilder();
        for (int d : distinctDims(results)) {
            for (int b : distinctBatches(results)) {
                Optional<Measurement> p = find(results, "prno", d, b);
                Optional<Measurement> m = find(results, "mpgr", d, b);
                if (p.isPresent() && m.isPresent()) {
                    ratios.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s |%n", d, b,
                            fmt(p.get().meanMs()), fmt(m.get().meanMs()), fmt(p.get().meanMs() / m.get().meanMs())));
                }
            }
        }
        if (ratios.length() > 0) {
            s.append("\n### Cost ratio PRNO / MPGR\n\n| D | batch | PRNO (ms) | MPGR (ms) | PRNO / MPGR |\n"
                    + "|---:|---:|---:|---:|---:|\n").append(ratios);
        }
        StringBuilder floor = new StringBuilder();
        for (int d : distinctDims(results)) {
            for (int b : distinctBatches(results)) {
                Optional<Measurement> f = find(results, FftFloor.NAME, d, b);
                Optional<Measurement> m = find(results, "mpgr", d, b);
                if (f.isPresent() && m.isPresent()) {
                    floor.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s%% |%n", d, b,
                            fmt(m.get().meanMs()), fmt(f.get().meanMs()), fmt(m.get().meanMs() - f.get().meanMs()),
                            fmt(100 * f.get().meanMs() / m.get().meanMs())));
                }
            }
        }
        if (floor.length() > 0) {
            s.append("\n### MPGR against the FFT floor\n\nThe `").append(FftFloor.NAME).append("` row (two real FFTs "
                    + "per sample with their magnitudes, value and gradient) is the part of MPGR's time that no leaner "
                    + "MPGR on this engine can avoid.\n\n| D | batch | MPGR (ms) | FFT floor (ms) | MPGR − floor (ms) "
                    + "| floor / MPGR |\n|---:|---:|---:|---:|---:|---:|\n").append(floor);
        }
        s.append("\n### Growth with D\n\nFor successive sizes D₁ → D₂ (each ×4): the measured time ratio "
                + "t₂/t₁ beside the ratio D log D predicts, (D₂ ln D₂)/(D₁ ln D₁), and the ratio D² predicts (16). "
                + "p is the fitted exponent of t ∝ (D ln D)^p over all measured D.\n\n");
        s.append("| regularizer | batch | steps: t₂/t₁ (D log D ratio) | p |\n|---|---:|---|---:|\n");
        for (String r : distinctRegularizers(results)) {
            for (int b : distinctBatches(results)) {
                List<Measurement> series = series(results, r, b);
                if (series.size() < 2) {
                    continue;
                }
                List<String> steps = new ArrayList<>();
                for (int i = 1; i < series.size(); i++) {
                    Measurement a = series.get(i - 1);
                    Measurement c = series.get(i);
                    steps.add(String.format(Locale.ROOT, "%d→%d: %s (%s)", a.dim(), c.dim(),
                            fmt(c.meanMs() / a.meanMs()), fmt(dLogD(c.dim()) / dLogD(a.dim()))));
                }
                s.append("| ").append(r).append(" | ").append(b).append(" | ").append(String.join("; ", steps))
                        .append(" | ").append(fmt(growthExponent(series))).append(" |\n");
            }
        }
        return s.toString();
    }

    /** The three targets' verdicts, in the order of the issue. */
    public static List<Verdict> targets(List<Measurement> results) {
        List<Verdict> out = new ArrayList<>();
        // 1. speed-up
        List<String> nums = new ArrayList<>();
        boolean known = true;
        boolean met = true;
        for (int b : new int[] {1, 8}) {
            Optional<Measurement> p = find(results, "prno", TARGET_D, b);
            Optional<Measurement> m = find(results, "mpgr", TARGET_D, b);
            if (p.isEmpty() || m.isEmpty()) {
                known = false;
                nums.add("batch " + b + ": not measured");
                continue;
            }
            double ratio = p.get().meanMs() / m.get().meanMs();
            met &= ratio >= SPEEDUP_TARGET;
            nums.add(String.format(Locale.ROOT, "batch %d: PRNO %s ms / MPGR %s ms = %s×", b, fmt(p.get().meanMs()),
                    fmt(m.get().meanMs()), fmt(ratio)));
        }
        out.add(new Verdict("MPGR ≥ " + fmt(SPEEDUP_TARGET) + "× faster than PRNO at D = 65,536", known && met, known,
                String.join("; ", nums)));
        // 2. latency
        Optional<Measurement> m1 = find(results, "mpgr", TARGET_D, 1);
        out.add(m1.map(m -> new Verdict("MPGR value + gradient at D = 65,536 (batch 1) under "
                        + fmt(LATENCY_TARGET_MS) + " ms", m.meanMs() < LATENCY_TARGET_MS, true,
                        String.format(Locale.ROOT, "%s ± %s ms", fmt(m.meanMs()),
                                Double.isFinite(m.errorMs()) ? fmt(m.errorMs()) : "n/a")))
                .orElse(new Verdict("MPGR value + gradient at D = 65,536 (batch 1) under " + fmt(LATENCY_TARGET_MS)
                        + " ms", false, false, "not measured")));
        // 3. growth
        nums = new ArrayList<>();
        known = true;
        met = true;
        for (int b : new int[] {1, 8}) {
            List<Measurement> series = series(results, "mpgr", b);
            if (series.size() < 2) {
                known = false;
                nums.add("batch " + b + ": fewer than 2 sizes measured");
                continue;
            }
            double p = growthExponent(series);
            met &= p <= GROWTH_EXPONENT_LIMIT;
            nums.add(String.format(Locale.ROOT, "batch %d: p = %s over D = %d…%d", b, fmt(p), series.get(0).dim(),
                    series.get(series.size() - 1).dim()));
        }
        out.add(new Verdict("MPGR cost grows like D log D", known && met, known, String.join("; ", nums)));
        return out;
    }

    /** Least-squares slope of ln t against ln(D ln D). */
    static double growthExponent(List<Measurement> series) {
        int n = series.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Measurement m : series) {
            double x = Math.log(dLogD(m.dim()));
            double y = Math.log(m.meanMs());
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    static double dLogD(int d) {
        return d * Math.log(d);
    }

    static List<Measurement> series(List<Measurement> results, String reg, int batch) {
        return results.stream().filter(m -> m.ok() && m.regularizer().equals(reg) && m.batch() == batch)
                .sorted(java.util.Comparator.comparingInt(Measurement::dim)).toList();
    }

    static Optional<Measurement> find(List<Measurement> results, String reg, int d, int batch) {
        return results.stream().filter(m -> m.ok() && m.regularizer().equals(reg) && m.dim() == d
                && m.batch() == batch).findFirst();
    }

    private static List<Integer> distinctDims(List<Measurement> results) {
        return results.stream().map(Measurement::dim).distinct().sorted().toList();
    }

    private static List<Integer> distinctBatches(List<Measurement> results) {
        return results.stream().map(Measurement::batch).distinct().sorted().toList();
    }

    private static List<String> distinctRegularizers(List<Measurement> results) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        results.forEach(m -> seen.put(m.regularizer(), true));
        return new ArrayList<>(seen.keySet());
    }

    /** Three significant digits, plain notation. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
