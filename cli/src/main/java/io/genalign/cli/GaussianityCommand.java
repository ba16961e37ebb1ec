package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.BadInputException;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.TextTable;
import io.genalign.core.gaussianity.GaussianityProfile;
import io.genalign.core.gaussianity.InputChecks;
import io.genalign.core.io.Npy;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code genalign gaussianity}: how Gaussian are these latents? For each sample: mean, standard deviation,
 * the Kolmogorov–Smirnov distance to N(0, 1), MPGR's terms and every prior regularizer's value. With no
 * file, it scores the built-in demo: latents it generates itself, one clean and several deliberately
 * corrupted.
 */
@Command(name = "gaussianity", mixinStandardHelpOptions = true,
        description = {"Score how Gaussian latents are, with MPGR and the prior regularizers.",
                "Each FILE.npy holds one sample of any shape (NumPy .npy, float32/float64), unless --batched says",
                "its first axis indexes samples. With no FILE, scores built-in demo latents (clean and corrupted)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "2:bad input (missing or corrupt file, NaN/Inf, empty or all-zero sample)",
                "1:internal error"})
public final class GaussianityCommand implements Callable<Integer> {
    /** Default seed of the permutations (MPGR's permuted term, PRNO's shuffles) and of the demo latents. */
    public static final long DEFAULT_SEED = 0L;

    @Parameters(paramLabel = "FILE.npy", arity = "0..*", description = "Latent files (.npy).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--batched", description = "The first axis of each file indexes samples.")
    boolean batched;

    @Option(names = "--json", description = "Print a JSON array, one object per sample, instead of a table.")
    boolean json;

    @Option(names = "--seed", description = "Seed of the permutations and of the demo latents (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULT_SEED;

    @Option(names = "--out", paramLabel = "FILE.json",
            description = "Also write the JSON report to this file, with FILE.provenance.json beside it.")
    Path out;

    @Option(names = "--overwrite", description = "Allow --out to replace an existing report.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One sample to score: where it came from and its data. */
    record Sample(String file, int index, long[] shape, String label) {}

    @Override
    public Integer call() throws IOException {
        Provenance prov = Provenance.start("gaussianity", spec.commandLine().getParseResult().originalArgs());
        if (out != null) {
            AtomicFiles.refuseOverwrite(out, overwrite, "--overwrite");
            AtomicFiles.refuseOverwrite(provenancePath(out), overwrite, "--overwrite");
        }
        EngineBootstrap.start(seed);
        prov.config("files", files.stream().map(Path::toString).toList()).config("batched", batched)
                .config("json", json).seed("permutations", seed);
        long t0 = System.nanoTime();
        List<Sample> samples = new ArrayList<>();
        List<GaussianityProfile.Row> rows = new ArrayList<>();
        try (NDManager manager = Tensors.newManager()) {
            if (files.isEmpty()) {
                prov.config("demo", true);
                GaussianityDemo demo = GaussianityDemo.generate(manager, seed);
                rows.addAll(GaussianityProfile.of(demo.latents(), seed));
                for (int i = 0; i < demo.names().size(); i++) {
                    samples.add(new Sample("demo:" + demo.names().get(i), i, GaussianityDemo.SAMPLE_SHAPE.getShape(),
                            demo.names().get(i)));
                }
            } else {
                List<NDArray> batches = new ArrayList<>();
                for (Path f : files) {
                    NDArray batch = load(f, manager);
                    batches.add(batch);
                    long n = batch.getShape().get(0);
                    long[] sampleShape = batch.getShape().slice(1).getShape();
                    String base = f.getFileName().toString();
                    for (int i = 0; i < n; i++) {
                        samples.add(new Sample(f.toString(), i, sampleShape, batched ? base + "[" + i + "]" : base));
                    }
                }
                for (NDArray batch : batches) {
                    rows.addAll(GaussianityProfile.of(batch, seed));
                }
            }
        }
        prov.timing("score", (System.nanoTime() - t0) / 1e9).result("samples", samples.size());
        ArrayNode report = toJson(samples, rows);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(mapper().writeValueAsString(report));
        } else {
            o.print(table(samples, rows));
        }
        o.flush();
        if (out != null) {
            AtomicFiles.writeString(out, mapper().writeValueAsString(report) + "\n");
            prov.write(provenancePath(out));
            spec.commandLine().getErr().println("wrote " + out + " and " + provenancePath(out));
        }
        return 0;
    }

    static Path provenancePath(Path out) {
        String name = out.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return out.resolveSibling(stem + ".provenance.json");
    }

    private NDArray load(Path f, NDManager manager) {
        if (!Files.exists(f)) {
            throw new BadInputException(f + ": no such file");
        }
        NDArray a;
        try {
            a = Npy.readNDArray(f, manager).toType(DataType.FLOAT64, false);
        } catch (IOException e) {
            throw new BadInputException(f + ": " + e.getMessage(), e);
        }
        if (batched) {
            if (a.getShape().dimension() < 2) {
                throw new BadInputException(f + ": --batched needs at least 2 axes (samples, ...), got shape "
                        + a.getShape());
            }
        } else {
            a = a.getShape().dimension() == 0 ? a.reshape(1, 1) : a.expandDims(0);
        }
        try {
            InputChecks.requireLatentBatch(a, "latents");
        } catch (IllegalArgumentException e) {
            throw new BadInputException(f + ": " + e.getMessage(), e);
        }
        return a;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static ArrayNode toJson(List<Sample> samples, List<GaussianityProfile.Row> rows) {
        ObjectMapper m = mapper();
        ArrayNode arr = m.createArrayNode();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            GaussianityProfile.Row r = rows.get(i);
            ObjectNode o = arr.addObject();
            o.put("file", s.file());
            o.put("index", s.index());
            ArrayNode shape = o.putArray("shape");
            Arrays.stream(s.shape()).forEach(shape::add);
            o.put("mean", r.mean());
            o.put("std", r.std());
            o.put("ks", r.ks());
            ObjectNode mpgr = o.putObject("mpgr");
            mpgr.put("total", r.mpgr());
            mpgr.put("l1", r.l1());
            mpgr.put("l2", r.l2());
            mpgr.put("power_natural", r.powerNatural());
            mpgr.put("power_permuted", r.powerPermuted());
            mpgr.put("total_natural", r.mpgrNatural());
            o.put("norm", r.norm());
            o.put("prno", r.prno());
            o.put("prno_sequential", r.prnoSequential());
            o.put("kl", r.kl());
            o.put("kurtosis", r.kurtosis());
        }
        return arr;
    }

    static String table(List<Sample> samples, List<GaussianityProfile.Row> rows) {
        StringBuilder sb = new StringBuilder();
        int perBlock = 6;
        for (int from = 0; from < samples.size(); from += perBlock) {
            int to = Math.min(samples.size(), from + perBlock);
            List<String> header = new ArrayList<>();
            header.add("statistic");
            for (int i = from; i < to; i++) {
                header.add(samples.get(i).label());
            }
            TextTable t = new TextTable(header);
            addRow(t, "shape", samples, from, to, s -> new Shape(s.shape()).toString());
            String[] metrics = {"mean", "std", "KS distance to N(0,1)", "MPGR L1 = |mean|", "MPGR L2 = |rms - 1|",
                    "MPGR L_power natural", "MPGR L_power permuted", "MPGR total (BOTH)", "MPGR total (NATURAL)",
                    "ReNO norm (w=1)", "PRNO (DNO, 100 shuffles)", "PRNO sequential term", "KL",
                    "kurtosis |m4/m2^2 - 3|"};
            for (int k = 0; k < metrics.length; k++) {
                final int metric = k;
                List<String> cells = new ArrayList<>();
                cells.add(metrics[k]);
                for (int i = from; i < to; i++) {
                    cells.add(fmt(pick(rows.get(i), metric)));
                }
                t.add(cells);
            }
            sb.append(t.render()).append('\n');
        }
        long d = Arrays.stream(samples.get(0).shape()).reduce(1, (a, b) -> a * b);
        GaussianityProfile.Reference ref = GaussianityProfile.Reference.forDimension(d);
        sb.append(String.format(java.util.Locale.ROOT,
                "For a true N(0, I) sample of D = %d: L1 ~ %.4f, L2 ~ %.4f, L_power ~ %.4f (natural and permuted), "
                        + "MPGR ~ %.2f,%nPRNO >= %.4f (its floor, 4 ln 2), KL ~ 0, kurtosis ~ 0. Larger values mean "
                        + "less Gaussian.%n", d, ref.l1(), ref.l2(), ref.power(), ref.mpgr(), ref.prnoFloor()));
        return sb.toString();
    }

    private static void addRow(TextTable t, String name, List<Sample> samples, int from, int to,
                               java.util.function.Function<Sample, String> f) {
        List<String> cells = new ArrayList<>();
        cells.add(name);
        for (int i = from; i < to; i++) {
            cells.add(f.apply(samples.get(i)));
        }
        t.add(cells);
    }

    private static double pick(GaussianityProfile.Row r, int metric) {
        return switch (metric) {
            case 0 -> r.mean();
            case 1 -> r.std();
            case 2 -> r.ks();
            case 3 -> r.l1();
            case 4 -> r.l2();
            case 5 -> r.powerNatural();
            case 6 -> r.powerPermuted();
            case 7 -> r.mpgr();
            case 8 -> r.mpgrNatural();
            case 9 -> r.norm();
            case 10 -> r.prno();
            case 11 -> r.prnoSequential();
            case 12 -> r.kl();
            case 13 -> r.kurtosis();
            default -> throw new IllegalStateException("metric " + metric);
        };
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (v == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(java.util.Locale.ROOT, "%.3e", v);
        }
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
