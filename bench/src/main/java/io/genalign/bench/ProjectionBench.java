package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.gaussianity.Gradients;
import io.genalign.core.gaussianity.Mpgr;
import io.genalign.core.gaussianity.WhiteNoiseProjection;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Cost of {@link WhiteNoiseProjection} against N ({@code docs/preconditioning.md} §3): the time of one projection
 * of one sample (plain Java, float64) at N = 2^10 … 2^20 and at a few lengths that are not powers of two (Bluestein),
 * its time per N·log₂N, and a least-squares exponent of time on N·log₂N; beside it, at the same N, the batch path
 * (one float32 DJL array in and out) and MPGR's value and gradient (DJL, float32) for scale. Median of several
 * timed batches after a warm-up; no assertion (a benchmark, not a test).
 *
 * <p>Usage: {@code bash bench/run-projection.sh [--out FILE] [--quick]}.
 */
public final class ProjectionBench {
    private ProjectionBench() {}

    interface Op {
        void run();
    }

    /** Median seconds per call over {@code batches} batches, each long enough to take ≥ minSeconds. */
    static double time(Op op, int batches, double minSeconds) {
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        long t0 = System.nanoTime();
        int reps = 0;
        while ((System.nanoTime() - t0) / 1e9 < minSeconds / 4 || reps < 1) {
            op.run();
            reps++;
        }
        double per = (System.nanoTime() - t0) / 1e9 / reps;
        int calls = (int) Math.max(1, Math.ceil(minSeconds / per));
        double[] v = new double[batches];
        for (int b = 0; b < batches; b++) {
            long s = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                op.run();
            }
            v[b] = (System.nanoTime() - s) / 1e9 / calls;
        }
        Arrays.sort(v);
        return v[batches / 2];
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of("bench/results/projection.md");
        boolean quick = false;
        String command = "bash bench/run-projection.sh";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        EngineBootstrap.start(0);
        WhiteNoiseProjection p = WhiteNoiseProjection.create();
        Mpgr mpgr = Mpgr.builder().build();
        List<Integer> sizes = new ArrayList<>();
        for (int e = 10; e <= (quick ? 14 : 20); e++) {
            sizes.add(1 << e);
        }
        List<Integer> odd = quick ? List.of(3 * 1024) : List.of(3 * 1024, 3 * 16384, 5 * 65536);
        int batches = quick ? 3 : 7;
        double minSeconds = quick ? 0.05 : 0.3;
        StringBuilder md = new StringBuilder();
        md.append("# White-noise projection: cost against N\n\n");
        md.append("Command: `").append(command).append("`; ").append(Instant.now()).append("; ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; load average at start ")
                .append(String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean().getSystemLoadAverage())).append(".\n\n");
        md.append("Median of ").append(batches).append(" timed batches (each ≥ ").append(minSeconds)
                .append(" s) after a warm-up. `project` = one sample, plain Java float64 (FFT, a sort of 16 per "
                        + "block, inverse FFT); `batch f32` = the same through one float32 DJL array of shape (1, N) "
                        + "in and out (host copies included); `MPGR v+g` = MPGR's value and autograd gradient on the "
                        + "same array (DJL/libtorch), for scale.\n\n");
        md.append("| N | project (ms) | ns per N·log₂N | batch f32 (ms) | MPGR v+g (ms) |\n|---|---|---|---|---|\n");
        List<double[]> fit = new ArrayList<>();
        List<Integer> all = new ArrayList<>(sizes);
        all.addAll(odd);
        for (int n : all) {
            Random r = new Random(n);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextGaussian();
            }
            double tp = time(() -> p.project(x), batches, minSeconds);
            double tb;
            double tm;
            try (NDManager m = Tensors.newManager()) {
                NDArray a = m.create(x, new Shape(1, n)).toType(DataType.FLOAT32, false);
                tb = time(() -> {
                    try (NDManager sm = m.newSubManager()) {
                        NDArray c = a.duplicate();
                        c.attach(sm);
                        p.project(c);
                    }
                }, batches, minSeconds);
                tm = time(() -> {
                    try (NDManager sm = m.newSubManager()) {
                        NDArray c = a.duplicate();
                        c.attach(sm);
                        Gradients.valueAndGradient(mpgr, c);
                    }
                }, batches, minSeconds);
            }
            double nlogn = n * (Math.log(n) / Math.log(2));
            if (sizes.contains(n)) {
                fit.add(new double[] {Math.log(nlogn), Math.log(tp), Math.log(n)});
            }
            md.append(String.format(Locale.ROOT, "| %d%s | %.3f | %.2f | %.3f | %.3f |%n", n,
                    sizes.contains(n) ? "" : " (not 2^k)", tp * 1e3, tp * 1e9 / nlogn, tb * 1e3, tm * 1e3));
            System.out.printf(Locale.ROOT, "N=%d project %.3f ms, batch %.3f ms, mpgr %.3f ms%n", n, tp * 1e3,
                    tb * 1e3, tm * 1e3);
        }
        // the preconditioned update's overhead on the built-in model: two projections of a (8, 16, 7, 7) float32
        // batch per step (the gradient and the iterate); N = 784 is not a power of two (Bluestein)
        double tStep;
        try (NDManager m = Tensors.newManager()) {
            NDArray a = m.randomNormal(new Shape(8, 16, 7, 7));
            tStep = time(() -> {
                try (NDManager sm = m.newSubManager()) {
                    NDArray c = a.duplicate();
                    c.attach(sm);
                    p.project(p.project(c));
                }
            }, batches, minSeconds);
        }
        md.append(String.format(Locale.ROOT, "%nThe preconditioned update's added work per step on the built-in "
                + "model (two projections of a (8, 16, 7, 7) float32 batch, N = 784 per seed): %.3f ms.%n",
                tStep * 1e3));
        md.append(String.format(Locale.ROOT, "%nLeast-squares slope of log time on log(N·log₂N) over the powers of "
                + "two: %.3f (1 = exactly N log N); on log N: %.3f.%n", slope(fit, 0), slope(fit, 2)));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    private static double slope(List<double[]> pts, int xi) {
        double mx = 0;
        double my = 0;
        for (double[] q : pts) {
            mx += q[xi];
            my += q[1];
        }
        mx /= pts.size();
        my /= pts.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] q : pts) {
            sxy += (q[xi] - mx) * (q[1] - my);
            sxx += (q[xi] - mx) * (q[xi] - mx);
        }
        return sxy / sxx;
    }
}
