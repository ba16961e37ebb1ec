package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genalign.core.gaussianity.Gradients;
import io.genalign.core.gaussianity.Mpgr;
import io.genalign.core.gaussianity.PermutationMode;
import io.genalign.core.gaussianity.Prno;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.gaussianity.RenoNorm;
import io.genalign.core.io.Npy;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * genalign's side of the side-by-side regularizer benchmark against a PyTorch peer
 * ({@code bench/peers/regularizers_torch.py}), run by {@code bench/run-regularizers.sh --peer}.
 *
 * <ul>
 *   <li>{@code inputs --work DIR}: one float32 sample of N(0, 1) per D of {@link BenchConfig#DIMS} (seeded), written
 *       as {@code DIR/inputs/x_D.npy}, with the deterministic checks both sides compare ({@code java-checks.json}):
 *       MPGR in NATURAL mode, PRNO's sequential term and the norm, and at the smallest D the MPGR (NATURAL) and norm
 *       gradients as .npy.</li>
 *   <li>{@code measure --work DIR --round N}: the median time of one value + gradient call
 *       ({@link Gradients#valueAndGradient(Regularizer, NDArray)} in a sub-manager closed after the call, exactly what
 *       {@link RegularizerBenchmark} measures) of MPGR (default, BOTH mode), PRNO (default) and the norm on each input,
 *       batch 1; writes {@code DIR/java-N.json}.</li>
 *   <li>{@code report --work DIR --out FILE --command TEXT}: reads every {@code java-*.json} and {@code torch-*.json}
 *       and writes the side-by-side table with the ratios and the issue's targets.</li>
 * </ul>
 * Timing rule (the same in the Python peer): warm-up calls until 200 calls or 1 s (at least one), then calls until at
 * least 5 calls and {@code --seconds} (default 1.5) have passed, at most 400; the median is reported.
 */
public final class RegularizerPeerBench {
    static final List<String> REGULARIZERS = List.of("mpgr", "prno", "norm");
    /** Warm-up: calls until this many or {@link #WARMUP_SECONDS} (the JIT compiles the host loops meanwhile). */
    static final int WARMUP_CALLS = 200;
    static final double WARMUP_SECONDS = 1.0;
    /** Once per JVM, before any measurement: seconds of MPGR and of norm calls at the smallest D each. */
    static final double JIT_WARMUP_SECONDS = 2.0;

    private RegularizerPeerBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 ? "" : args[0];
        Path work = null;
        Path out = null;
        String command = "";
        int round = 1;
        double seconds = 1.5;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--round" -> round = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (work == null) {
            throw new IllegalArgumentException("--work DIR is required");
        }
        switch (mode) {
            case "inputs" -> inputs(work);
            case "measure" -> measure(work, round, seconds);
            case "report" -> Files.writeString(out, report(work, command), StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("expected inputs, measure or report, got '" + mode + "'");
        }
        System.exit(0);
    }

    static void inputs(Path work) throws IOException {
        EngineBootstrap.start(BenchConfig.SEED);
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.putArray("regularizers").addAll(REGULARIZERS.stream().map(root::textNode).toList());
        ArrayNode list = root.putArray("inputs");
        Files.createDirectories(work.resolve("inputs"));
        try (NDManager m = Tensors.newManager()) {
            for (int d : BenchConfig.DIMS) {
                NDArray x = m.randomNormal(0f, 1f, new Shape(1, d), DataType.FLOAT32);
                String file = "inputs/x_" + d + ".npy";
                Npy.writeNDArray(work.resolve(file), x.reshape(d));
                ObjectNode c = list.addObject();
                c.put("D", d);
                c.put("file", file);
                ObjectNode values = c.putObject("values");
                ObjectNode grads = c.putObject("gradients");
                Map<String, Regularizer> det = Map.of(
                        "mpgr_natural", Mpgr.builder().optPermutationMode(PermutationMode.NATURAL).build(),
                        "prno_sequential", Prno.builder().optShuffles(0).build(),
                        "norm", new RenoNorm());
                for (Map.Entry<String, Regularizer> e : new TreeMap<>(det).entrySet()) {
                    Gradients.ValueAndGradient vg = Gradients.valueAndGradient(e.getValue(), x);
                    values.put(e.getKey(), vg.perSample()[0]);
                    if (d == BenchConfig.DIMS[0] && !e.getKey().startsWith("prno")) {
                        String g = "inputs/grad_" + e.getKey() + "_" + d + ".npy";
                        Npy.writeNDArray(work.resolve(g), vg.gradient().reshape(d));
                        grads.put(e.getKey(), g);
                    }
                }
            }
        }
        Files.writeString(work.resolve("java-checks.json"), om.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    static void measure(Path work, int round, double seconds) throws IOException {
        EngineBootstrap.start(BenchConfig.SEED);
        ObjectMapper om = new ObjectMapper();
        JsonNode checks = om.readTree(work.resolve("java-checks.json").toFile());
        ObjectNode root = om.createObjectNode();
        root.put("side", "genalign");
        root.put("round", round);
        Map<String, String> v = Versions.all();
        root.put("djl", v.get("djl"));
        root.put("libtorch", ai.djl.engine.Engine.getInstance().getVersion());
        root.put("java", System.getProperty("java.runtime.version"));
        root.put("threads", System.getProperty(RegularizerBench.TORCH_THREADS_PROPERTY, "default"));
        root.put("omp_num_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        root.put("load_before", CpuSampler.loadAverage());
        ArrayNode cases = root.putArray("cases");
        try (NDManager m = Tensors.newManager()) {
            // JIT warm-up of the host code (the closed forms' loops, the permutations, DJL's Java side) before any
            // measurement, so that the first case measured is not the one that pays for compilation
            NDArray w = m.randomNormal(0f, 1f, new Shape(1, BenchConfig.DIMS[0]), DataType.FLOAT32);
            for (String name : List.of("mpgr", "norm")) {
                Regularizer reg = Regularizers.create(name, BenchConfig.SEED + 1);
                long until = System.nanoTime() + (long) (JIT_WARMUP_SECONDS * 1e9);
                while (System.nanoTime() < until) {
                    RegularizerBenchmark.run(m, reg, w, null);
                }
            }
            for (JsonNode c : checks.get("inputs")) {
                int d = c.get("D").asInt();
                NDArray x = Npy.readNDArray(work.resolve(c.get("file").asText()), m).reshape(1, d)
                        .toType(DataType.FLOAT32, false);
                for (String name : REGULARIZERS) {
                    Regularizer reg = Regularizers.create(name, BenchConfig.SEED);
                    double[] t = medianMs(() -> RegularizerBenchmark.run(m, reg, x, null), seconds);
                    ObjectNode o = cases.addObject();
                    o.put("regularizer", name);
                    o.put("D", d);
                    o.put("median_ms", t[0]);
                    o.put("calls", (int) t[1]);
                    o.put("min_ms", t[2]);
                    o.put("median_cpu_ms", t[3]);
                    System.out.printf(Locale.ROOT, "genalign %-5s D=%7d: median %9.3f ms over %d calls%n", name, d,
                            t[0], (int) t[1]);
                }
            }
        }
        root.put("load_after", CpuSampler.loadAverage());
        Files.writeString(work.resolve("java-" + round + ".json"),
                om.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * {median, calls, min, median thread CPU time} in milliseconds, by the rule in the class comment. With one
     * intra-op thread every tensor op runs on the calling thread, so its CPU time is the call's own work, without the
     * time it waited for a core while other processes ran.
     */
    static double[] medianMs(Supplier<?> call, double seconds) {
        long t0 = System.nanoTime();
        call.get();
        int warm = 1;
        while (warm < WARMUP_CALLS && (System.nanoTime() - t0) / 1e9 < WARMUP_SECONDS) {
            call.get();
            warm++;
        }
        List<Double> times = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        while (times.size() < 400 && (times.size() < 5 || (System.nanoTime() - start) / 1e9 < seconds)) {
            long c = tmx.getCurrentThreadCpuTime();
            long a = System.nanoTime();
            call.get();
            times.add((System.nanoTime() - a) / 1e6);
            cpu.add((tmx.getCurrentThreadCpuTime() - c) / 1e6);
        }
        double[] s = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] u = cpu.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {s[s.length / 2], s.length, s[0], u[u.length / 2]};
    }

    /** The markdown report from every round's JSON in {@code work}. */
    static String report(Path work, String command) throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> java = new ArrayList<>();
        List<JsonNode> torch = new ArrayList<>();
        try (var files = Files.list(work)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.matches("java-\\d+\\.json")) {
                    java.add(om.readTree(p.toFile()));
                } else if (n.matches("torch-\\d+\\.json")) {
                    torch.add(om.readTree(p.toFile()));
                }
            }
        }
        Map<String, Double> jBest = best(java, "median_ms");
        Map<String, Double> tBest = best(torch, "median_ms");
        Map<String, Double> jCpu = best(java, "median_cpu_ms");
        Map<String, Double> tCpu = best(torch, "median_cpu_ms");
        StringBuilder s = new StringBuilder();
        s.append("# Regularizers: genalign against a PyTorch peer, value + gradient\n\n");
        s.append("Written by `io.genalign.bench.RegularizerPeerBench report` (issue 13). Command:\n\n```\n")
                .append(command).append("\n```\n\n");
        s.append("## Setup\n\n");
        s.append("- Same inputs: one float32 sample of N(0, 1) per D, batch 1, written by the Java side as .npy and read by "
                + "both. Value + gradient per call: genalign `Gradients.valueAndGradient(reg, x)` in a sub-manager closed "
                + "after the call (closed-form gradient for MPGR and the norm, autograd for PRNO); PyTorch "
                + "`bench/peers/regularizers_torch.py`: the regularizer written directly in PyTorch, autograd "
                + "(`x.detach().requires_grad_()`, forward, values read back with `tolist()`, `backward()`).\n");
        s.append("- Regularizers: MPGR (orders {1, 2}, λ = 25, blocks of 16, natural + one fresh permuted spectrum per "
                + "call); PRNO (k = 4, sequential term + 100 shuffles, DNO's formulas); ReNO norm ½‖x‖² − (D−1) ln‖x‖.\n");
        s.append("- One intra-op thread on both sides (Java: `OMP_NUM_THREADS=1`, `-Dai.djl.pytorch.num_threads=1`; "
                + "Python: `OMP_NUM_THREADS=1`, `torch.set_num_threads(1)`).\n");
        s.append("- Timing rule, both sides: warm-up calls until 200 calls or 1 s (at least one), then calls until at least 5 calls and 1.5 s (at most 400); the median. The Java side first runs 2 s of MPGR and 2 s of norm calls at D = 4,096 once (JIT compilation of the host code; steady state is what an optimizer loop sees). Rounds alternate the sides (genalign, PyTorch, genalign, …); "
                + "the table takes each side's lowest median over the rounds (the round least disturbed by other "
                + "processes on a shared machine); every round's numbers are listed below.\n\n");
        s.append("## Machine and versions\n\n");
        JsonNode j0 = java.isEmpty() ? null : java.get(0);
        JsonNode t0 = torch.isEmpty() ? null : torch.get(0);
        s.append("- CPU: ").append(cpu()).append("\n");
        if (j0 != null) {
            s.append("- genalign: Java ").append(j0.path("java").asText()).append(", DJL ").append(j0.path("djl").asText())
                    .append(", libtorch ").append(j0.path("libtorch").asText()).append(" (CPU), intra-op threads ")
                    .append(j0.path("threads").asText()).append(", OMP_NUM_THREADS=")
                    .append(j0.path("omp_num_threads").asText()).append("\n");
        }
        if (t0 != null) {
            s.append("- PyTorch peer: Python ").append(t0.path("python").asText()).append(", PyTorch ")
                    .append(t0.path("torch").asText()).append(", NumPy ").append(t0.path("numpy").asText())
                    .append(", threads ").append(t0.path("threads").asText()).append(", OMP_NUM_THREADS=")
                    .append(t0.path("omp_num_threads").asText()).append("\n");
        } else {
            s.append("- PyTorch peer: **not run** (no `torch` for /usr/bin/python3: `apt-get install python3-torch`)\n");
        }
        s.append("- Load average (1/5/15 min) per side and round, before → after (2 cores):\n");
        for (JsonNode r : interleave(java, torch)) {
            s.append("  - ").append(r.path("side").asText()).append(" round ").append(r.path("round").asInt())
                    .append(": ").append(r.path("load_before").asText()).append(" → ")
                    .append(r.path("load_after").asText()).append("\n");
        }
        s.append("\n## Results (median ms per call; ratio = genalign / PyTorch, below 1 = genalign faster)\n\n");
        table(s, jBest, tBest);
        s.append("\n### Thread CPU time per call (median ms; the same calls)\n\n"
                + "CPU time of the calling thread (Java `ThreadMXBean.getCurrentThreadCpuTime`, Python "
                + "`time.thread_time`): with one intra-op thread each side's tensor work runs on that thread, so this "
                + "is the call's own work without the time spent waiting for a core while other processes ran; on a "
                + "shared machine it is the steadier measure. Not counted on the Java side: the JIT compiler and the "
                + "garbage collector, which run on other threads.\n\n");
        table(s, jCpu, tCpu);
        s.append("\n### PRNO / MPGR (how many times faster MPGR is)\n\n| D | genalign | PyTorch |\n|---:|---:|---:|\n");
        for (int d : BenchConfig.DIMS) {
            s.append("| ").append(String.format(Locale.ROOT, "%,d", d)).append(" | ")
                    .append(ratio(jBest.get("prno@" + d), jBest.get("mpgr@" + d))).append(" | ")
                    .append(ratio(tBest.get("prno@" + d), tBest.get("mpgr@" + d))).append(" |\n");
        }
        s.append("\n## Targets (issue 13)\n\n| target | verdict | numbers |\n|---|---|---|\n");
        s.append(target("genalign MPGR ≤ 1.0× PyTorch at every D (wall)", jBest, tBest, "mpgr", 1.0));
        s.append(target("genalign MPGR ≤ 1.0× PyTorch at every D (thread CPU)", jCpu, tCpu, "mpgr", 1.0));
        s.append(target("genalign norm ≤ 2.0× PyTorch at every D (wall)", jBest, tBest, "norm", 2.0));
        s.append(target("genalign norm ≤ 2.0× PyTorch at every D (thread CPU)", jCpu, tCpu, "norm", 2.0));
        Double sp = jBest.get("prno@65536") == null || jBest.get("mpgr@65536") == null ? null
                : jBest.get("prno@65536") / jBest.get("mpgr@65536");
        s.append("| MPGR ≥ 50× faster than PRNO at D = 65,536 (genalign, wall) | ")
                .append(sp == null ? "not measured" : sp >= 50 ? "**met**" : "**NOT met**").append(" | ")
                .append(sp == null ? "" : String.format(Locale.ROOT, "PRNO %s ms / MPGR %s ms = %.1f×",
                        fmt(jBest.get("prno@65536")), fmt(jBest.get("mpgr@65536")), sp)).append(" |\n");
        s.append("\n## Agreement of the values (float32 on both sides, deterministic variants)\n\n");
        s.append("MPGR in NATURAL mode (no permutation), PRNO's sequential term (no shuffles) and the norm, computed by "
                + "each side on the same input; at D = ").append(BenchConfig.DIMS[0]).append(" also the gradients "
                + "(max |difference| / max |PyTorch gradient|).\n\n");
        if (t0 != null) {
            s.append("| D | what | genalign | PyTorch | relative difference | gradient difference |\n"
                    + "|---:|---|---:|---:|---:|---:|\n");
            for (JsonNode c : t0.path("checks")) {
                s.append("| ").append(c.path("D").asInt()).append(" | ").append(c.path("what").asText()).append(" | ")
                        .append(String.format(Locale.ROOT, "%.7g | %.7g | %.1e | ", c.path("java").asDouble(),
                                c.path("pytorch").asDouble(), c.path("rel_diff").asDouble()))
                        .append(c.has("grad_max_abs_diff_rel") ? String.format(Locale.ROOT, "%.1e",
                                c.path("grad_max_abs_diff_rel").asDouble()) : "").append(" |\n");
            }
        }
        s.append("\n## Every round (wall ms: median, calls, min; thread CPU ms: median)\n\n"
                + "| side | round | regularizer | D | median | calls | min | CPU median |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : interleave(java, torch)) {
            for (JsonNode c : r.path("cases")) {
                s.append("| ").append(r.path("side").asText()).append(" | ").append(r.path("round").asInt()).append(" | ")
                        .append(c.path("regularizer").asText()).append(" | ").append(c.path("D").asInt()).append(" | ")
                        .append(fmt(c.path("median_ms").asDouble())).append(" | ").append(c.path("calls").asInt())
                        .append(" | ").append(fmt(c.path("min_ms").asDouble())).append(" | ")
                        .append(c.has("median_cpu_ms") ? fmt(c.path("median_cpu_ms").asDouble()) : "–").append(" |\n");
            }
        }
        s.append("\nWritten ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(".\n");
        return s.toString();
    }

    private static String target(String what, Map<String, Double> j, Map<String, Double> t, String reg, double max) {
        List<String> parts = new ArrayList<>();
        boolean all = true;
        boolean any = false;
        for (int d : BenchConfig.DIMS) {
            Double a = j.get(reg + "@" + d);
            Double b = t.get(reg + "@" + d);
            if (a == null || b == null) {
                continue;
            }
            any = true;
            all &= a / b <= max;
            parts.add(String.format(Locale.ROOT, "D=%,d: %.2f×", d, a / b));
        }
        String verdict = !any ? "not measured" : all ? "**met**" : "**NOT met**";
        return "| " + what + " | " + verdict + " | " + String.join("; ", parts) + " |\n";
    }

    private static List<JsonNode> interleave(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort((x, y) -> x.path("round").asInt() != y.path("round").asInt()
                ? Integer.compare(x.path("round").asInt(), y.path("round").asInt())
                : x.path("side").asText().equals("genalign") ? -1 : 1);
        return all;
    }

    private static Map<String, Double> best(List<JsonNode> rounds, String field) {
        Map<String, Double> m = new TreeMap<>();
        for (JsonNode r : rounds) {
            for (JsonNode c : r.path("cases")) {
                if (c.has(field)) {
                    m.merge(c.path("regularizer").asText() + "@" + c.path("D").asInt(), c.path(field).asDouble(),
                            Math::min);
                }
            }
        }
        return m;
    }

    private static void table(StringBuilder s, Map<String, Double> j, Map<String, Double> t) {
        s.append("| D | genalign MPGR | PyTorch MPGR | ratio | genalign PRNO | PyTorch PRNO | ratio | genalign norm | "
                + "PyTorch norm | ratio |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int d : BenchConfig.DIMS) {
            s.append("| ").append(String.format(Locale.ROOT, "%,d", d));
            for (String r : REGULARIZERS) {
                Double a = j.get(r + "@" + d);
                Double b = t.get(r + "@" + d);
                s.append(" | ").append(fmt(a)).append(" | ").append(fmt(b)).append(" | ")
                        .append(a == null || b == null ? "–" : String.format(Locale.ROOT, "%.2f×", a / b));
            }
            s.append(" |\n");
        }
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null ? "–" : String.format(Locale.ROOT, "%.1f×", a / b);
    }

    static String fmt(Double v) {
        if (v == null) {
            return "–";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String cpu() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).map(l -> l.split(":", 2)[1].trim())
                    .findFirst().orElse("unknown");
            long procs = lines.stream().filter(l -> l.startsWith("processor")).count();
            return model + ", " + procs + " logical CPUs";
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    static String joined(double[] v) {
        return Arrays.toString(v);
    }
}
