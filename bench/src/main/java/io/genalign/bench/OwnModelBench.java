package io.genalign.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import io.genalign.core.optim.AdamW;
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
 * <p>PyTorch side: {@code bench_align_step.py --threads 1 --scaling match --lr 0.1 --serve} (the same work: the
 * regularizer gradient rescaled per seed to the reward gradient's norm, Adam with lr 0.1, the held-out aesthetic
 * under no_grad, batch 4), a child process with {@code OMP_NUM_THREADS=1} that runs one step per request and
 * answers with its own timing of it (pipe traffic is not timed).
 *
 * <p>Third side, the direct DJL step ({@link DirectRun}): the same step written directly against DJL and the
 * same libtorch 2.7.1, without genalign's optimizer. What separates genalign from the direct step is genalign's own
 * overhead; what separates the direct step from the PyTorch peer is libtorch 2.7.1 vs PyTorch 1.13 and Java vs
 * Python dispatch.
 *
 * <p>Each round starts all three from the reference latents and steps them in turn, one step each, the order
 * rotating every step, so that load changes on a shared machine hit all sides alike and every step has a paired
 * step of each other side; {@code warmup} untimed steps, then {@code steps} timed ones. Threads: run the JVM with
 * {@code OMP_NUM_THREADS=1 -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1} (the script
 * does); the report records what was in effect.
 *
 * <p>Arguments: {@code [--blocks N (rounds)] [--warmup N] [--steps N] [--model DIR] [--python EXE] [--out FILE]
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
                for (Block r : round(model, g, condition, options, direct, z0, warmup, steps, blk, sides, python,
                        dir)) {
                    results.add(r);
                    System.out.println(summary(r));
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
     * One round: a genalign optimizer, the direct DJL step and the PyTorch peer (a child process in {@code --serve}
     * mode), all from the reference latents, stepped in turn, one step each, the order rotating every step (g d p,
     * d p g, p g d), so that load changes on a shared machine hit all three alike, step by step.
     */
    private static List<Block> round(ModelSet model, Generator g, Condition condition, NoiseAlignmentOptions options,
                                     Direct direct, NDArray z0, int warmup, int steps, long seed, List<String> sides,
                                     String python, Path dir) throws IOException, InterruptedException {
        boolean withDirect = sides.contains("direct");
        boolean withPeer = sides.contains("pytorch");
        double[] ms = new double[steps];
        double[] dms = new double[steps];
        double[] pms = new double[steps];
        Map<String, Double> phases;
        String finals;
        String directFinals = "";
        String peerFinals = "";
        try (NDManager sm = z0.getManager().newSubManager()) {
            NDArray z = z0.duplicate();
            z.attach(sm);
            // the same calls as io.genalign.api.Alignment.run (cli), with the peer's prompts and latents
            NoiseOptimizer.Builder builder = NoiseOptimizer.builder().setGenerator(g).setCondition(condition)
                    .optRegularizer(Regularizers.create("mpgr", seed)).optOptions(options)
                    .addTarget(Rewards.create(model, "clip-score"), 1.0)
                    .addHeldOut(Rewards.create(model, "aesthetic"));
            try (NoiseOptimizer opt = builder.build();
                 DirectRun d = withDirect ? new DirectRun(direct, z0, seed) : null;
                 Peer peer = withPeer ? Peer.start(python, dir, warmup) : null) {
                opt.initialise(z);
                Map<String, Double> atWarm = null;
                var last = (io.genalign.core.noise.StepRecord) null;
                for (int s = 0; s < warmup + steps; s++) {
                    if (s == warmup) {
                        atWarm = opt.timings();
                    }
                    double gt = 0;
                    double dt = 0;
                    double pt = 0;
                    for (int k = 0; k < 3; k++) {
                        switch ((s + k) % 3) {
                            case 0 -> {
                                long t0 = System.nanoTime();
                                last = opt.step();
                                gt = (System.nanoTime() - t0) / 1e6;
                            }
                            case 1 -> dt = d == null ? 0 : d.timedStep() / 1e6;
                            default -> pt = peer == null ? 0 : peer.step();
                        }
                    }
                    if (s >= warmup) {
                        ms[s - warmup] = gt;
                        dms[s - warmup] = dt;
                        pms[s - warmup] = pt;
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
                if (peer != null) {
                    peerFinals = peer.finish();
                }
                opt.finalise();
            }
        }
        List<Block> out = new ArrayList<>();
        out.add(new Block("genalign", ms, phases, finals));
        if (withDirect) {
            out.add(new Block("direct", dms, Map.of(), directFinals));
        }
        if (withPeer) {
            out.add(new Block("pytorch", pms, Map.of(), peerFinals));
        }
        return out;
    }

    /** The PyTorch peer in {@code --serve} mode: one step per request, its own timing of it read back. */
    static final class Peer implements AutoCloseable {
        private final Process process;
        private final BufferedReader in;
        private final java.io.Writer out;
        private final List<String> command;
        private final StringBuilder transcript = new StringBuilder();
        private final ObjectMapper json = new ObjectMapper();

        private Peer(Process process, List<String> command) {
            this.process = process;
            this.command = command;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static Peer start(String python, Path dir, int warmup) throws IOException {
            List<String> cmd = List.of(python, dir.resolve("bench_align_step.py").toString(), "--threads", "1",
                    "--scaling", "match", "--lr", String.valueOf(NoiseAlignmentOptions.DEFAULT_LEARNING_RATE),
                    "--lambda", String.valueOf(NoiseAlignmentOptions.DEFAULT_REG_WEIGHT), "--warmup",
                    String.valueOf(warmup), "--model-dir", dir.toString(), "--serve");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().put("MKL_NUM_THREADS", "1");
            Peer p = new Peer(pb.start(), cmd);
            p.readJson("ready");
            return p;
        }

        /** Runs one step in the peer; returns the peer's own timing of it in ms. */
        double step() throws IOException {
            out.write("1\n");
            out.flush();
            return readJson("times_ms").get("times_ms").get(0).asDouble();
        }

        /** Ends the peer; returns its final values. */
        String finish() throws IOException, InterruptedException {
            out.write("end\n");
            out.flush();
            JsonNode n = readJson("final_clip_score");
            int rc = process.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("PyTorch peer exited with " + rc + ": " + transcript);
            }
            return "clip " + n.get("final_clip_score") + ", aesthetic " + n.get("final_aesthetic") + ", mpgr "
                    + n.get("final_mpgr") + " (torch " + n.get("torch").asText() + ")";
        }

        private JsonNode readJson(String key) throws IOException {
            for (String line; (line = in.readLine()) != null; ) {
                transcript.append(line).append('\n');
                if (line.startsWith("{")) {
                    JsonNode n = json.readTree(line);
                    if (n.has(key)) {
                        return n;
                    }
                }
            }
            throw new IllegalStateException("PyTorch peer ended before answering (" + String.join(" ", command)
                    + "):\n" + transcript);
        }

        @Override
        public void close() {
            process.destroy();
        }
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

    /** The direct step's state: latents and the kit's Adam (core.optim), in a manager of their own. */
    static final class DirectRun implements AutoCloseable {
        private final Direct d;
        private final NDManager keep;
        private final Regularizer reg;
        private NDArray z;
        private final AdamW adam;
        private double[] target;
        private double[] held;
        private double[] regV;

        DirectRun(Direct d, NDArray z0, long seed) {
            this.d = d;
            this.keep = z0.getManager().newSubManager();
            this.reg = Regularizers.create("mpgr", seed);
            z = z0.duplicate();
            z.attach(keep);
            adam = AdamW.adam(keep, NoiseAlignmentOptions.DEFAULT_BETA1, NoiseAlignmentOptions.DEFAULT_BETA2,
                    NoiseAlignmentOptions.DEFAULT_ADAM_EPS, AdamW.BiasCorrection.MOMENTS);
        }

        /** One step; returns its nanoseconds. */
        long timedStep() {
            long t0 = System.nanoTime();
            step();
            return System.nanoTime() - t0;
        }

        private void step() {
            double lr = NoiseAlignmentOptions.DEFAULT_LEARNING_RATE;
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
                adam.step(List.of(z), List.of(g), lr); // z in place, the moments in keep
                // what a user reads back each step: the target, held-out and regularizer values
                target = Tensors.toDoubles(score);
                held = Tensors.toDoubles(h);
                regV = Tensors.toDoubles(per);
            }
        }

        String finals() {
            return "clip " + fmt(target) + ", aesthetic " + fmt(held) + ", mpgr " + fmt(regV);
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

    static String report(List<Block> results, int blocks, int warmup, int steps, Path dir, String loadBefore,
                         String loadAfter, String started, String command) {
        double[] ga = pooled(results, "genalign");
        double[] pt = pooled(results, "pytorch");
        double[] dj = pooled(results, "direct");
        StringBuilder md = new StringBuilder();
        md.append("## Run of ").append(started).append("\n\n");
        md.append("Model folder `").append(dir).append("`, batch 4, ").append(blocks).append(" rounds; in each, "
                + "genalign, the direct DJL step and the PyTorch peer (`--serve`) start from the reference latents and "
                + "take one step in turn, the order rotating every step; ").append(warmup)
                .append(" untimed warm-up steps, then ").append(steps).append(" timed steps per round (")
                .append(blocks * steps).append(" timed steps per side).\n\n");
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
        md.append(paired("genalign / PyTorch peer", ga, pt)).append(paired("genalign / direct DJL", ga, dj))
                .append('\n');
        md.append("Per round (median ms / step):\n\n| round | genalign | PyTorch | direct DJL | genalign / PyTorch | "
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
        md.append("\ngenalign's own phase timings (`NoiseOptimizer.timings()`, mean ms per timed step over all rounds):");
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Block b : g) {
            b.phases().forEach((k, v) -> phases.merge(k, v / g.size(), Double::sum));
        }
        phases.forEach((k, v) -> md.append(String.format(Locale.ROOT, " %s %.2f;", k, v)));
        md.append("\n\nValues after the last step of the last round (sanity check that both sides do the same work; "
                + "MPGR's permutations come from different generators, so they agree only roughly):\n\n");
        md.append("- genalign: ").append(g.get(g.size() - 1).finals()).append('\n');
        md.append("- PyTorch: ").append(p.get(p.size() - 1).finals()).append('\n');
        md.append("- direct DJL: ").append(d.get(d.size() - 1).finals()).append("\n\n");
        md.append("Reproduce: `").append(command).append("`\n");
        return md.toString();
    }

    /** The paired per-step comparison of two sides run in turn: median ratio, quartiles, median difference. */
    private static String paired(String label, double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            return "";
        }
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return String.format(Locale.ROOT, "- paired per-step ratio %s: median **%.2f×** (quartiles %.2f× – %.2f×), "
                + "median paired difference %.2f ms%n", label, median(r), pct(r, 0.25), pct(r, 0.75), medianDiff(a, b));
    }

    private static double medianDiff(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return median(d);
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
        return String.format(Locale.ROOT, "%s: median %.2f ms, mean %.2f, min %.2f %s; load %s", b.side(),
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
