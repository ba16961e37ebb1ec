package io.genalign.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.io.Npy;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.Rewards;
import io.genalign.core.model.folder.ModelFolder;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.NoiseOptimizer;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One noise-alignment step of genalign against the same step written directly in PyTorch, side by side in one run,
 * on a model folder exported by real PyTorch (issue 11, "Performance"; default {@code examples/tiny-t2i}, whose
 * {@code bench_align_step.py} is the PyTorch peer). Run with {@code bash bench/run-own-models.sh}; never run by the
 * tests or CI (it needs Python with PyTorch).
 *
 * <p>genalign side: the folder is opened with {@link ModelFolder#open(Path)} and the {@link NoiseOptimizer} is built
 * with the same calls as {@code io.genalign.api.Alignment} (generator, target {@code clip-score} with weight 1,
 * held-out {@code aesthetic} (the folder's default held-out reward), MPGR from {@code Regularizers.create("mpgr",
 * seed)}, default {@link NoiseAlignmentOptions}: Adam, lr 0.1, regularizer weight 1 with MATCH_REWARD_NORM scaling).
 * The start latents and prompts are the peer's: {@code reference/z.npy} and the four prompts of
 * {@code reference/prompts.txt}. One step = one {@link NoiseOptimizer#step()} call, timed with
 * {@link System#nanoTime()}.
 *
 * <p>PyTorch side: {@code bench_align_step.py --threads 1 --scaling match --lr 0.1 --times} (the same work: the
 * regularizer gradient rescaled per seed to the reward gradient's norm, Adam with lr 0.1, the held-out aesthetic
 * under no_grad, batch 4), launched as a child process with {@code OMP_NUM_THREADS=1}; its per-step times are
 * parsed from its JSON line.
 *
 * <p>Third side, the direct DJL step ({@link DirectRun}): the same step written directly against DJL and the
 * same libtorch 2.7.1, without genalign's optimizer. genalign and the direct step run alternately, step by step, in
 * the same JVM block (paired per-step ratios); what separates genalign from the direct step is genalign's own
 * overhead, what separates the direct step from the PyTorch peer is libtorch 2.7.1 vs PyTorch 1.13 and Java vs
 * Python dispatch.
 *
 * <p>The JVM block and the PyTorch block alternate (JVM, PyTorch, JVM, ...) so that load drift on a shared machine
 * hits all sides alike; each block starts from the reference latents, runs {@code warmup} untimed steps and then
 * {@code steps} timed ones. Threads: run the JVM with {@code OMP_NUM_THREADS=1 -Dai.djl.pytorch.num_threads=1
 * -Dai.djl.pytorch.num_interop_threads=1} (the script does); the report records what was in effect.
 *
 * <p>Arguments: {@code [--blocks N] [--warmup N] [--steps N] [--model DIR] [--python EXE] [--out FILE]
 * [--command TEXT] [--sides genalign,pytorch,direct]} (a run with fewer sides prints its blocks and writes no
 * report: for profiling).
 */
public final class OwnModelBench {
    private OwnModelBench() {}

    /** One block's per-step milliseconds, and for genalign its phase totals. */
    record Block(String side, double[] ms, Map<String, Double> phases, String finals) {}

    public static void main(String[] args) throws Exception {
        int blocks = 4;
        int warmup = 20;
        int steps = 80;
        Path dir = Path.of("examples/tiny-t2i");
        String python = "/usr/bin/python3";
        Path out = Path.of("bench/results/own-models.md");
        String command = "bash bench/run-own-models.sh";
        List<String> sides = List.of("genalign", "pytorch", "direct");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--model" -> dir = Path.of(args[++i]);
                case "--python" -> python = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--sides" -> sides = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String loadBefore = loadavg();
        String started = Instant.now().toString();
        EngineBootstrap.start(0);
        List<Block> results = new ArrayList<>();
        NoiseAlignmentOptions options = NoiseAlignmentOptions.builder().optSteps(warmup + steps).build();
        List<String> prompts = Files.readAllLines(dir.resolve("reference/prompts.txt")).stream()
                .filter(s -> !s.isBlank()).toList();
        Direct direct = null;
        try (ModelSet model = ModelFolder.open(dir); NDManager m = Tensors.newManager()) {
            NDArray z0 = Npy.readNDArray(dir.resolve("reference/z.npy"), m);
            int b = (int) z0.getShape().get(0);
            if (prompts.size() != b) {
                throw new IllegalStateException(prompts.size() + " reference prompts for " + b + " latents");
            }
            int[] classes = new int[b];
            Arrays.fill(classes, -1);
            Condition condition = Condition.of(prompts, classes);
            Generator g = model.generator();
            direct = new Direct(dir, m);
            for (int blk = 0; blk < blocks; blk++) {
                if (sides.contains("genalign")) {
                    for (Block r : jvmBlock(model, g, condition, options, direct, z0, warmup, steps, blk,
                            sides.contains("direct"))) {
                        results.add(r);
                        System.out.println(summary(r));
                    }
                }
                if (sides.contains("pytorch")) {
                    results.add(pytorchBlock(python, dir, warmup, steps));
                    System.out.println(summary(results.get(results.size() - 1)));
                }
            }
        }
        direct.close();
        String loadAfter = loadavg();
        if (sides.size() < 3) {
            return; // a partial run (profiling) writes no report
        }
        String md = report(results, blocks, warmup, steps, dir, loadBefore, loadAfter, started, command);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println(md);
    }

    /**
     * One JVM block: a genalign optimizer and the direct DJL step, both from the reference latents, stepped
     * alternately (genalign then direct on even steps, the other order on odd ones), so that load changes on a
     * shared machine hit both alike step by step.
     */
    private static List<Block> jvmBlock(ModelSet model, Generator g, Condition condition, NoiseAlignmentOptions options,
                                        Direct direct, NDArray z0, int warmup, int steps, long seed, boolean withDirect) {
        double[] ms = new double[steps];
        double[] dms = new double[steps];
        Map<String, Double> phases;
        String finals;
        String directFinals = "";
        try (NDManager sm = z0.getManager().newSubManager()) {
            NDArray z = z0.duplicate();
            z.attach(sm);
            // the same calls as io.genalign.api.Alignment.run (cli), with the peer's prompts and latents
            NoiseOptimizer.Builder builder = NoiseOptimizer.builder().setGenerator(g).setCondition(condition)
                    .optRegularizer(Regularizers.create("mpgr", seed)).optOptions(options)
                    .addTarget(Rewards.create(model, "clip-score"), 1.0)
                    .addHeldOut(Rewards.create(model, "aesthetic"));
            try (NoiseOptimizer opt = builder.build(); DirectRun d = withDirect ? new DirectRun(direct, z0, seed) : null) {
                opt.initialise(z);
                Map<String, Double> atWarm = null;
                var last = (io.genalign.core.noise.StepRecord) null;
                for (int s = 0; s < warmup + steps; s++) {
                    if (s == warmup) {
                        atWarm = opt.timings();
                    }
                    long dt = 0;
                    if (d != null && s % 2 == 1) {
                        dt = d.timedStep();
                    }
                    long t0 = System.nanoTime();
                    last = opt.step();
                    long t1 = System.nanoTime();
                    if (d != null && s % 2 == 0) {
                        dt = d.timedStep();
                    }
                    if (s >= warmup) {
                        ms[s - warmup] = (t1 - t0) / 1e6;
                        dms[s - warmup] = dt / 1e6;
                    }
                }
                phases = new LinkedHashMap<>();
                Map<String, Double> end = opt.timings();
                for (Map.Entry<String, Double> e : end.entrySet()) {
                    double before = atWarm == null ? 0 : atWarm.getOrDefault(e.getKey(), 0.0);
                    phases.put(e.getKey(), (e.getValue() - before) * 1e3 / steps);
                }
                finals = "clip " + fmt(last.target()) + ", aesthetic " + fmt(last.heldOut().get("aesthetic"))
                        + ", mpgr " + fmt(last.regularizer());
                if (d != null) {
                    directFinals = d.finals();
                }
                opt.finalise();
            }
        }
        List<Block> out = new ArrayList<>();
        out.add(new Block("genalign", ms, phases, finals));
        if (withDirect) {
            out.add(new Block("direct", dms, Map.of(), directFinals));
        }
        return out;
    }

    /**
     * The same step written directly against DJL and the same libtorch, without genalign's optimizer: the three
     * TorchScript files loaded as genalign's adapter loads them, token ids from {@code reference/token_ids.npy}
     * (tokenised once), generator + clip-score forward and backward, genalign's MPGR (the algorithm is the work,
     * not overhead) forward and backward, the per-seed norm matching, the held-out aesthetic without gradient, and
     * Adam; per-step temporaries in a sub-manager closed each step. What is left of genalign's time above this
     * is genalign's bookkeeping (checks, statistics for the report, best-iterate tracking); what separates this
     * from the PyTorch peer is libtorch 2.7.1 vs PyTorch 1.13 and Python vs Java dispatch.
     */
    static final class Direct implements AutoCloseable {
        final Model gen;
        final Model clip;
        final Model aes;
        final NDArray ids;

        Direct(Path dir, NDManager m) throws Exception {
            gen = load(dir.resolve("generator.pt"));
            clip = load(dir.resolve("clip_score.pt"));
            aes = load(dir.resolve("aesthetic.pt"));
            ids = readInt64Npy(dir.resolve("reference/token_ids.npy"), m);
        }

        private static Model load(Path file) throws Exception {
            Model model = Model.newInstance(file.getFileName().toString(), EngineBootstrap.device(), "PyTorch");
            model.load(file, null, Map.of("trainParam", "true", "mapLocation", "true"));
            PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
            JniUtils.enableInferenceMode(block);
            block.freezeParameters(true);
            return model;
        }

        static NDArray forward(Model model, NDArray... in) {
            return IValueUtils.forward((PtSymbolBlock) model.getBlock(), new NDList(in), true).get(0);
        }

        @Override
        public void close() {
            gen.close();
            clip.close();
            aes.close();
        }
    }

    /** The direct step's state: latents, Adam's moments and the step count, in a manager of their own. */
    static final class DirectRun implements AutoCloseable {
        private final Direct d;
        private final NDManager keep;
        private final Regularizer reg;
        private NDArray z;
        private NDArray am;
        private NDArray av;
        private int k;
        private double[] target;
        private double[] held;
        private double[] regV;

        DirectRun(Direct d, NDArray z0, long seed) {
            this.d = d;
            this.keep = z0.getManager().newSubManager();
            this.reg = Regularizers.create("mpgr", seed);
            z = z0.duplicate();
            z.attach(keep);
            am = z.zerosLike();
            av = z.zerosLike();
        }

        /** One step; returns its nanoseconds. */
        long timedStep() {
            long t0 = System.nanoTime();
            step();
            return System.nanoTime() - t0;
        }

        private void step() {
            double lr = NoiseAlignmentOptions.DEFAULT_LEARNING_RATE;
            double b1 = NoiseAlignmentOptions.DEFAULT_BETA1;
            double b2 = NoiseAlignmentOptions.DEFAULT_BETA2;
            float eps = (float) NoiseAlignmentOptions.DEFAULT_ADAM_EPS;
            long b = z.getShape().get(0);
            try (NDManager sm = keep.newSubManager()) {
                NDArray zl = z.duplicate();
                zl.attach(sm);
                zl.setRequiresGradient(true);
                NDArray images;
                NDArray score;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    images = Direct.forward(d.gen, zl, d.ids);
                    score = Direct.forward(d.clip, images, d.ids);
                    gc.backward(score.sum().neg());
                }
                NDArray gR = zl.getGradient();
                NDArray zr = z.duplicate();
                zr.attach(sm);
                zr.setRequiresGradient(true);
                NDArray per;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    per = reg.perSample(zr);
                    gc.backward(per.sum());
                }
                NDArray gReg = zr.getGradient();
                NDArray nr = gR.reshape(b, -1).norm(new int[] {1});
                NDArray ng = gReg.reshape(b, -1).norm(new int[] {1});
                NDArray ratio = nr.div(ng.maximum(1e-30f)).reshape(b, 1, 1, 1);
                NDArray g = gR.add(gReg.mul(ratio));
                NDArray h = Direct.forward(d.aes, images.stopGradient());
                k++;
                NDArray m1 = am.mul((float) b1).add(g.mul((float) (1 - b1)));
                NDArray v1 = av.mul((float) b2).add(g.square().mul((float) (1 - b2)));
                NDArray upd = m1.div((float) (1 - Math.pow(b1, k)))
                        .div(v1.div((float) (1 - Math.pow(b2, k))).sqrt().add(eps)).mul((float) lr);
                NDArray zn = z.sub(upd);
                for (NDArray a : new NDArray[] {m1, v1, zn}) {
                    a.attach(keep);
                }
                am.close();
                av.close();
                z.close();
                am = m1;
                av = v1;
                z = zn;
                // what a user reads back each step: the target, held-out and regularizer values
                target = toDoubles(score);
                held = toDoubles(h);
                regV = toDoubles(per);
            }
        }

        String finals() {
            return "clip " + fmt(target) + ", aesthetic " + fmt(held) + ", mpgr " + fmt(regV);
        }

        private static double[] toDoubles(NDArray a) {
            float[] f = a.toFloatArray();
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }

        @Override
        public void close() {
            keep.close();
        }
    }

    /** An int64 .npy (format 1.x or 2.x, little-endian, C order) as an int64 NDArray. */
    static NDArray readInt64Npy(Path file, NDManager m) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int major = buf.get(6);
        int headerLen = major == 1 ? buf.getShort(8) & 0xffff : buf.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(buf.array(), start, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.contains("'<i8'") || header.contains("'fortran_order': True")) {
            throw new IOException(file + ": expected a C-order little-endian int64 array, header " + header.trim());
        }
        String dims = header.replaceAll("(?s).*'shape': \\(([^)]*)\\).*", "$1");
        long[] shape = Arrays.stream(dims.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        buf.position(start + headerLen);
        long[] data = new long[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
        buf.asLongBuffer().get(data);
        return m.create(data, new Shape(shape));
    }

    private static Block pytorchBlock(String python, Path dir, int warmup, int steps)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(python, dir.resolve("bench_align_step.py").toString(), "--threads", "1",
                "--scaling", "match", "--lr", String.valueOf(NoiseAlignmentOptions.DEFAULT_LEARNING_RATE),
                "--lambda", String.valueOf(NoiseAlignmentOptions.DEFAULT_REG_WEIGHT), "--warmup",
                String.valueOf(warmup), "--steps", String.valueOf(steps), "--model-dir", dir.toString(), "--times");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("MKL_NUM_THREADS", "1");
        Process p = pb.start();
        String json = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.startsWith("{")) {
                    json = line;
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || json == null) {
            throw new IllegalStateException("PyTorch peer failed (exit " + rc + "): " + String.join(" ", cmd) + "\n"
                    + all);
        }
        JsonNode n = new ObjectMapper().readTree(json);
        double[] ms = new double[n.get("times_ms").size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = n.get("times_ms").get(i).asDouble();
        }
        String finals = "clip " + n.get("final_clip_score") + ", aesthetic " + n.get("final_aesthetic") + ", mpgr "
                + n.get("final_mpgr") + " (torch " + n.get("torch").asText() + ")";
        return new Block("pytorch", ms, Map.of(), finals);
    }

    static String report(List<Block> results, int blocks, int warmup, int steps, Path dir, String loadBefore,
                         String loadAfter, String started, String command) {
        double[] ga = pooled(results, "genalign");
        double[] pt = pooled(results, "pytorch");
        double[] dj = pooled(results, "direct");
        StringBuilder md = new StringBuilder();
        md.append("## Run of ").append(started).append("\n\n");
        md.append("Model folder `").append(dir).append("`, batch 4, ").append(blocks).append(" pairs of blocks (a JVM "
                + "block, genalign and the direct step interleaved step by step, then a PyTorch block), each side from "
                + "the reference latents: ").append(warmup)
                .append(" untimed warm-up steps, then ").append(steps).append(" timed steps (").append(blocks * steps)
                .append(" timed steps per side).\n\n");
        md.append("Threads: OMP_NUM_THREADS=").append(System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"))
                .append(", ai.djl.pytorch.num_threads=").append(System.getProperty("ai.djl.pytorch.num_threads",
                        "(unset)")).append(", ai.djl.pytorch.num_interop_threads=")
                .append(System.getProperty("ai.djl.pytorch.num_interop_threads", "(unset)"))
                .append("; the peer: `--threads 1` (torch.set_num_threads(1)), OMP_NUM_THREADS=1.\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", genalign ").append(Versions.genalign())
                .append(", DJL ").append(Versions.all().get("djl")).append(", libtorch ")
                .append(Versions.all().get("pytorch")).append(". `/proc/loadavg` before: ").append(loadBefore)
                .append("; after: ").append(loadAfter).append(".\n\n");
        md.append("| side | median ms / step | mean ms | min ms | p90 ms |\n|---|---|---|---|---|\n");
        md.append(row("genalign (NoiseOptimizer.step)", ga)).append(row("PyTorch peer (bench_align_step.py)", pt))
                .append(row("direct DJL step, same libtorch (no genalign optimizer)", dj));
        md.append(ratioRow("**ratio genalign / PyTorch peer**", ga, pt)).append(ratioRow("ratio genalign / direct DJL",
                ga, dj)).append('\n');
        if (ga.length == dj.length) {
            double[] paired = new double[ga.length];
            for (int i = 0; i < ga.length; i++) {
                paired[i] = ga[i] / dj[i];
            }
            md.append(String.format(Locale.ROOT, "genalign and the direct step run alternately, step by step, in the "
                    + "same JVM: the median of the paired per-step ratios genalign / direct is **%.2f×** (quartiles "
                    + "%.2f× – %.2f×), the median paired difference %.2f ms.%n%n", median(paired), pct(paired, 0.25),
                    pct(paired, 0.75), medianDiff(ga, dj)));
        }
        md.append(String.format(Locale.ROOT, "The median of the per-block ratios genalign / PyTorch (each block pair "
                + "run back to back) is **%.2f×**.%n%n", blockRatioMedian(results)));
        md.append("Per block (median ms / step; genalign and direct interleaved step by step, then the PyTorch "
                + "block):\n\n| block | genalign | PyTorch | direct DJL | genalign / PyTorch | "
                + "genalign / direct |\n|---|---|---|---|---|---|\n");
        List<Block> g = results.stream().filter(r -> r.side().equals("genalign")).toList();
        List<Block> p = results.stream().filter(r -> r.side().equals("pytorch")).toList();
        List<Block> d = results.stream().filter(r -> r.side().equals("direct")).toList();
        for (int i = 0; i < Math.min(g.size(), Math.min(p.size(), d.size())); i++) {
            double mg = median(g.get(i).ms());
            double mp = median(p.get(i).ms());
            double mdj = median(d.get(i).ms());
            md.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f× | %.2f× |%n", i + 1, mg, mp, mdj,
                    mg / mp, mg / mdj));
        }
        md.append("\ngenalign's own phase timings (`NoiseOptimizer.timings()`, mean ms per timed step over all blocks):");
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Block b : g) {
            b.phases().forEach((k, v) -> phases.merge(k, v / g.size(), Double::sum));
        }
        phases.forEach((k, v) -> md.append(String.format(Locale.ROOT, " %s %.2f;", k, v)));
        md.append("\n\nValues after the last step of the last block (sanity check that both sides do the same work; "
                + "MPGR's permutations come from different generators, so they agree only roughly):\n\n");
        md.append("- genalign: ").append(g.get(g.size() - 1).finals()).append('\n');
        md.append("- PyTorch: ").append(p.get(p.size() - 1).finals()).append('\n');
        md.append("- direct DJL: ").append(d.get(d.size() - 1).finals()).append("\n\n");
        md.append("Reproduce: `").append(command).append("`\n");
        return md.toString();
    }

    private static double medianDiff(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return median(d);
    }

    private static double blockRatioMedian(List<Block> results) {
        List<Block> g = results.stream().filter(r -> r.side().equals("genalign")).toList();
        List<Block> p = results.stream().filter(r -> r.side().equals("pytorch")).toList();
        double[] r = new double[Math.min(g.size(), p.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = median(g.get(i).ms()) / median(p.get(i).ms());
        }
        return median(r);
    }

    private static String ratioRow(String label, double[] a, double[] b) {
        return String.format(Locale.ROOT, "| %s | **%.2f×** | %.2f× | %.2f× | %.2f× |%n", label, median(a) / median(b),
                mean(a) / mean(b), min(a) / min(b), pct(a, 0.9) / pct(b, 0.9));
    }

    private static String row(String label, double[] ms) {
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", label, median(ms), mean(ms), min(ms),
                pct(ms, 0.9));
    }

    private static String summary(Block b) {
        return String.format(Locale.ROOT, "%s block: median %.2f ms, mean %.2f, min %.2f %s; load %s", b.side(),
                median(b.ms()), mean(b.ms()), min(b.ms()), b.phases().isEmpty() ? "" : b.phases().toString(),
                loadavg());
    }

    private static double[] pooled(List<Block> results, String side) {
        return results.stream().filter(r -> r.side().equals(side)).flatMapToDouble(r -> Arrays.stream(r.ms()))
                .toArray();
    }

    static double median(double[] v) {
        return pct(v, 0.5);
    }

    static double pct(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        if (q == 0.5) {
            return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
        }
        return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.6f", v[i]));
        }
        return b.append(']').toString();
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }
}
