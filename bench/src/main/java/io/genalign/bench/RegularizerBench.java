package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.genalign.core.gaussianity.Mpgr;
import io.genalign.core.gaussianity.Prno;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RegularizerBenchmark} for every regularizer, D and batch size of issue 2 item 8 and writes
 * {@code regularizers.md} and {@code regularizers-jmh.json} into the output folder (default
 * {@code bench/results}).
 *
 * <p>Plan: every regularizer of {@link Regularizers#names()} except "none", at every D of
 * {@link BenchConfig#DIMS} (the O(D²) covariance matching only up to {@link BenchConfig#COVARIANCE_MAX_D}) and
 * every batch of {@link BenchConfig#BATCHES}, float32. Each case first gets a probe in this JVM (one call after
 * one warm-up call) that picks its JMH settings ({@link #settingsFor(double)}): fast cases use AverageTime with
 * timed iterations, slow ones SingleShotTime with a few calls. Each case then runs in its own forked JVM with the
 * offline flags. A case that fails is reported as failed, and cases are skipped (and reported so) once the time
 * budget {@link #BUDGET_S} is spent.
 *
 * <p>Arguments: {@code [--out DIR] [--quick] [--only NAME[,NAME...]] [--command TEXT] [--torch-threads N]};
 * {@code --quick} runs a short smoke version (D = 4096 and 16384, one short iteration) into the same files, for
 * checking the harness; {@code --torch-threads N} sets PyTorch's intra-op threads in the probe JVM and every
 * fork (on a machine shared with other CPU-heavy processes, OpenMP threads that wait for each other make
 * every tensor op cost a scheduler time slice, so one thread measures the algorithms more faithfully there).
 * The budget {@link #BUDGET_S} counts from the start, probes included.
 */
public final class RegularizerBench {
    /** Wall-clock budget of the JMH part; remaining cases are skipped once it is spent. */
    public static final long BUDGET_S = 22 * 60;
    /** DJL's setting of PyTorch's intra-op thread count. */
    static final String TORCH_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    private static final Pattern BENCH = Pattern.compile(
            "^" + Pattern.quote(RegularizerBenchmark.class.getName() + ".valueAndGradient") + "$");

    private RegularizerBench() {}

    /** How one case is measured. */
    record Settings(Mode mode, int warmups, int warmupSeconds, int measurements, int measurementSeconds) {
        double estimateSeconds(double probeSeconds) {
            double forkStart = 6;
            if (mode == Mode.SingleShotTime) {
                return forkStart + (warmups + measurements) * probeSeconds;
            }
            return forkStart + warmups * warmupSeconds + measurements * measurementSeconds + 2 * probeSeconds;
        }

        String label() {
            return mode == Mode.SingleShotTime ? "ss" : "avgt";
        }
    }

    /** JMH settings for a case whose single call took {@code probeSeconds}. */
    static Settings settingsFor(double probeSeconds) {
        if (probeSeconds < 0.05) {
            return new Settings(Mode.AverageTime, 3, 1, 5, 1);
        }
        if (probeSeconds < 0.4) {
            return new Settings(Mode.AverageTime, 2, 2, 4, 2);
        }
        int n = (int) Math.max(3, Math.min(8, Math.floor(15.0 / probeSeconds)));
        return new Settings(Mode.SingleShotTime, 1, 0, n, 0);
    }

    record Case(String regularizer, int dim, int batch) {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("bench", "results");
        boolean quick = false;
        List<String> only = null;
        String command = null;
        String torchThreads = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--only" -> only = List.of(args[++i].split(","));
                case "--command" -> command = args[++i];
                case "--torch-threads" -> torchThreads = Integer.toString(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "': expected --out DIR, --quick, --only NAMES, --command TEXT, --torch-threads N");
            }
        }
        String jvmLine = "java " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                + " -cp \"$(cat bench/target/classpath.txt):bench/target/classes\" " + RegularizerBench.class.getName()
                + (args.length == 0 ? "" : " " + String.join(" ", args));
        command = command == null ? jvmLine : command + "\n# which ran:\n" + jvmLine;
        Files.createDirectories(out);
        EngineBootstrap.ensureOffline();
        List<String> forkArgs = new ArrayList<>(List.of(BenchConfig.forkJvmArgs()));
        if (torchThreads != null) {
            System.setProperty(TORCH_THREADS_PROPERTY, torchThreads);
            forkArgs.add("-D" + TORCH_THREADS_PROPERTY + "=" + torchThreads);
        }

        Instant start = Instant.now();
        long startNanos = System.nanoTime();
        String loadBefore = CpuSampler.loadAverage();
        List<Case> cases = plan(quick, only);
        List<Measurement> results = new ArrayList<>();
        ArrayNode json = new ObjectMapper().createArrayNode();
        Map<Case, Double> probes = new LinkedHashMap<>();
        CpuSampler sampler = new CpuSampler();
        EngineBootstrap.start(BenchConfig.SEED);
        try (NDManager manager = Tensors.newManager()) {
            for (Case c : cases) {
                probes.put(c, probe(manager, c));
                System.out.printf(Locale.ROOT, "probe %-10s D=%-7d B=%d: %.2f ms%n", c.regularizer(), c.dim(),
                        c.batch(), probes.get(c) * 1e3);
            }
        }
        double estimate = 0;
        for (Case c : cases) {
            double p = probes.get(c);
            if (Double.isFinite(p)) {
                estimate += settings(quick, p).estimateSeconds(p);
            }
        }
        System.out.printf(Locale.ROOT, "%d cases, estimated %.0f s of JMH runs (budget %d s)%n", cases.size(),
                estimate, BUDGET_S);
        Path tmp = Files.createTempDirectory("genalign-bench");
        for (Case c : cases) {
            double p = probes.get(c);
            if (!Double.isFinite(p)) {
                results.add(Measurement.missing(c.regularizer(), c.dim(), c.batch(), "failed in the probe call"));
                continue;
            }
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
            Settings s = settings(quick, p);
            if (elapsed + s.estimateSeconds(p) > BUDGET_S) {
                results.add(Measurement.missing(c.regularizer(), c.dim(), c.batch(), "skipped: time budget spent"));
                continue;
            }
            results.add(runCase(c, s, tmp, json, forkArgs));
        }
        sampler.close();
        String loadAfter = CpuSampler.loadAverage();
        Instant end = Instant.now();

        results.sort(java.util.Comparator.comparingInt((Measurement m) -> order(m.regularizer()))
                .thenComparingInt(Measurement::dim).thenComparingInt(Measurement::batch));
        RegularizerReport.Sharing sharing = new RegularizerReport.Sharing(loadBefore, loadAfter,
                sampler.meanOtherCores(), sampler.maxOtherCores(), sampler.samples(),
                Runtime.getRuntime().availableProcessors());
        Map<String, String> machine = machine(start, end);
        String method = method(quick, probes, forkArgs, torchThreads);
        String md = RegularizerReport.markdown(new RegularizerReport.Context(machine, sharing, command, method),
                results);
        writeAtomically(out.resolve("regularizers.md"), md);
        writeAtomically(out.resolve("regularizers-jmh.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println(md);
        System.out.println("wrote " + out.resolve("regularizers.md") + " and " + out.resolve("regularizers-jmh.json"));
        System.exit(0); // JMH and the engine leave non-daemon threads behind
    }

    static List<Case> plan(boolean quick, List<String> only) {
        List<Case> cases = new ArrayList<>();
        List<String> names = new ArrayList<>(Regularizers.names());
        names.remove("none");
        names.add(FftFloor.NAME);
        names.sort(java.util.Comparator.comparingInt(RegularizerBench::order));
        if (only != null) {
            for (String n : only) {
                if (!names.contains(n)) {
                    throw new IllegalArgumentException("unknown regularizer '" + n + "' in --only: expected "
                            + String.join(", ", names));
                }
            }
            names.retainAll(only);
        }
        for (String name : names) {
            for (int d : BenchConfig.DIMS) {
                if (quick && d > 16384 || "covariance".equals(name) && d > BenchConfig.COVARIANCE_MAX_D) {
                    continue;
                }
                for (int b : BenchConfig.BATCHES) {
                    cases.add(new Case(name, d, b));
                }
            }
        }
        return cases;
    }

    /** The regularizer of a case: one from {@link Regularizers}, or the {@link FftFloor} reference row. */
    static Regularizer create(String name) {
        return FftFloor.NAME.equals(name) ? new FftFloor() : Regularizers.create(name, BenchConfig.SEED);
    }

    /** Run order and table order: the two compared by the targets first, the O(D²) one last. */
    private static int order(String name) {
        List<String> first = List.of("mpgr", FftFloor.NAME, "prno", "norm", "kl", "kurtosis");
        int i = first.indexOf(name);
        return i >= 0 ? i : name.equals("covariance") ? 100 : 50;
    }

    private static Settings settings(boolean quick, double probeSeconds) {
        return quick ? new Settings(Mode.SingleShotTime, 1, 0, 2, 0) : settingsFor(probeSeconds);
    }

    /** Seconds of one call, after one warm-up call; NaN if the call fails. */
    static double probe(NDManager manager, Case c) {
        try (NDManager sub = manager.newSubManager()) {
            Regularizer reg = create(c.regularizer());
            NDArray input = sub.randomNormal(0f, 1f, new Shape(c.batch(), c.dim()), DataType.FLOAT32);
            long t0 = System.nanoTime();
            RegularizerBenchmark.run(sub, reg, input, null);
            double first = (System.nanoTime() - t0) / 1e9;
            if (first > 0.5) {
                return first;
            }
            t0 = System.nanoTime();
            RegularizerBenchmark.run(sub, reg, input, null);
            return (System.nanoTime() - t0) / 1e9;
        } catch (RuntimeException | OutOfMemoryError e) {
            System.out.println("probe failed for " + c + ": " + e);
            return Double.NaN;
        }
    }

    private static Measurement runCase(Case c, Settings s, Path tmp, ArrayNode json, List<String> forkArgs) {
        Path jsonFile = tmp.resolve(c.regularizer() + "-" + c.dim() + "-" + c.batch() + ".json");
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(BENCH.pattern())
                .param("regularizer", c.regularizer())
                .param("dim", Integer.toString(c.dim()))
                .param("batch", Integer.toString(c.batch()))
                .mode(s.mode())
                .timeUnit(TimeUnit.MILLISECONDS)
                .forks(1)
                .threads(1)
                .warmupIterations(s.warmups())
                .measurementIterations(s.measurements())
                .jvmArgsAppend(forkArgs.toArray(new String[0]))
                .shouldFailOnError(true)
                .result(jsonFile.toString())
                .resultFormat(ResultFormatType.JSON);
        if (s.mode() != Mode.SingleShotTime) {
            o.warmupTime(TimeValue.seconds(s.warmupSeconds())).measurementTime(TimeValue.seconds(s.measurementSeconds()));
        }
        try {
            Collection<RunResult> runs = new Runner(o.build()).run();
            if (runs.isEmpty()) {
                return Measurement.missing(c.regularizer(), c.dim(), c.batch(), "failed: JMH returned no result");
            }
            RunResult r = runs.iterator().next();
            if (Files.exists(jsonFile)) {
                new ObjectMapper().readTree(jsonFile.toFile()).forEach(json::add);
            }
            return Measurement.of(c.regularizer(), c.dim(), c.batch(), s.label(),
                    r.getPrimaryResult().getStatistics().getN(), r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError());
        } catch (Exception e) {
            String msg = String.valueOf(e.getMessage()).replace('\n', ' ').replace('|', '/');
            return Measurement.missing(c.regularizer(), c.dim(), c.batch(),
                    "failed: " + (msg.length() > 80 ? msg.substring(0, 80) + "…" : msg));
        }
    }

    static Map<String, String> machine(Instant start, Instant end) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpuModel());
        m.put("cores (JVM available processors)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", memory());
        m.put("OS", osName() + " (" + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ")");
        m.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        Map<String, String> v = Versions.all();
        m.put("DJL", v.get("djl"));
        m.put("PyTorch (DJL engine, CPU)", ai.djl.engine.Engine.getInstance().getVersion() + " (built against "
                + v.get("pytorch") + ")");
        m.put("device", EngineBootstrap.device().toString());
        m.put("JMH", org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion() == null ? "1.37"
                : org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion());
        m.put("genalign", v.get("genalign"));
        m.put("started (UTC)", start.truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("finished (UTC)", end.truncatedTo(ChronoUnit.SECONDS).toString() + " ("
                + Math.round((end.toEpochMilli() - start.toEpochMilli()) / 60000.0) + " min)");
        return m;
    }

    private static String method(boolean quick, Map<Case, Double> probes, List<String> forkArgs,
                                 String torchThreads) {
        StringBuilder s = new StringBuilder();
        s.append("- One operation = `Gradients.valueAndGradient(reg, batch)` on a float32 batch of shape (B, D) drawn "
                + "from N(0, 1): a detached copy, the forward pass, the per-sample values read back to Java, the "
                + "autograd backward pass and a copy of the gradient. Everything it allocates is freed at the end "
                + "of the operation (sub-manager).\n");
        s.append("- Regularizers as `Regularizers.create(name, seed)` builds them: MPGR with moment orders {1, 2}, "
                + "lambda ").append(Mpgr.DEFAULT_LAMBDA_POWER).append(", blocks of ").append(Mpgr.DEFAULT_BLOCK_SIZE)
                .append(", permutation mode ").append(Mpgr.DEFAULT_MODE).append(" (natural + one permuted spectrum); "
                        + "PRNO with k = ").append(Prno.DEFAULT_K).append(", the sequential term plus ")
                .append(Prno.DEFAULT_SHUFFLES).append(" shuffles; ReNO norm, KL, kurtosis; covariance = circular "
                        + "covariance matching computed in the spatial domain, O(D²), only up to D = ")
                .append(BenchConfig.COVARIANCE_MAX_D).append(".\n");
        s.append("- `").append(FftFloor.NAME).append("` is a reference row, not a regularizer: value and gradient of "
                + "the mean FFT magnitude of each sample twice over (one real FFT of every row of [x; x], magnitudes, "
                + "means), the FFT work of MPGR's BOTH mode without its moments, permutation, mirroring and blocks. "
                + "MPGR's time minus this row is what a leaner MPGR on this engine could at most save.\n");
        s.append("- JMH, one forked JVM per case (flags appended: `").append(String.join(" ", forkArgs))
                .append("`), one benchmark thread; PyTorch intra-op threads: ")
                .append(torchThreads == null ? "PyTorch's default (one per core)" : torchThreads + " (`--torch-threads "
                        + torchThreads + "`)").append(".\n");
        if (torchThreads != null) {
            s.append("- Why a fixed thread count: on a machine shared with other CPU-heavy processes, PyTorch's OpenMP "
                    + "threads wait for each other at the end of every parallel op, and a descheduled thread makes each "
                    + "op cost a scheduler time slice; with one intra-op thread the measured time reflects the "
                    + "algorithm. On an idle machine two threads may be faster; these numbers are then an upper "
                    + "bound for 2 cores.\n");
        }
        if (quick) {
            s.append("- **Quick smoke run** (`--quick`): SingleShotTime, 1 warm-up and 2 measured calls per case, "
                    + "D ≤ 16384 only. Not a measurement to quote.\n");
        } else {
            s.append("- Settings per case from a probe (in the runner's JVM: one call after one warm-up call, or the first call alone when it "
                    + "takes over 0.5 s): probe "
                    + "< 50 ms: AverageTime, 3 × 1 s warm-up, 5 × 1 s measured; < 400 ms: AverageTime, 2 × 2 s "
                    + "warm-up, 4 × 2 s measured; slower: SingleShotTime, 1 warm-up call and 3 to 8 measured calls "
                    + "(about 15 s of calls).\n");
        }
        s.append("- Probe times (ms, one call): ");
        List<String> p = new ArrayList<>();
        probes.forEach((c, v) -> p.add(String.format(Locale.ROOT, "%s D=%d B=%d %s", c.regularizer(), c.dim(),
                c.batch(), RegularizerReport.fmt(v * 1e3))));
        s.append(String.join("; ", p)).append(".");
        return s.toString();
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).map(l -> l.split(":", 2)[1].trim())
                    .findFirst().orElse("unknown");
            long procs = lines.stream().filter(l -> l.startsWith("processor")).count();
            String flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            String simd = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2";
            String mhz = lines.stream().filter(l -> l.startsWith("cpu MHz")).map(l -> l.split(":", 2)[1].trim())
                    .findFirst().orElse("?");
            return model + ", " + procs + " logical CPUs in /proc/cpuinfo, " + mhz + " MHz, " + simd;
        } catch (IOException e) {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
