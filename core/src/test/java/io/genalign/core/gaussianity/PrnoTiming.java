package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Timing of PRNO's value + gradient, closed form against autograd, in one JVM (not a test; skipped unless
 * {@code -Dgenalign.prnoTiming=true}). Run alone with one PyTorch thread:
 * <pre>
 *   ./mvnw -B -ntp -o -q -pl core test -Dtest=PrnoTiming -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dgenalign.prnoTiming=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.offline=true
 * </pre>
 * Default PRNO (k = 4, 100 shuffles), float32 batches, medians of interleaved repeated calls after a
 * warm-up pass over every configuration.
 */
class PrnoTiming extends GenalignTestBase {
    @Test
    void closedFormAgainstAutograd() throws Exception {
        assumeTrue(Boolean.getBoolean("genalign.prnoTiming"), "timing only with -Dgenalign.prnoTiming=true");
        System.out.println("PRNO timing: torch threads " + System.getProperty("ai.djl.pytorch.num_threads", "default")
                + ", load " + loadavg());
        for (boolean warmUp : new boolean[] {true, false}) {
            for (double mean : new double[] {0.0, 0.5}) {
                run(4, 784, mean, warmUp ? 20 : 60, warmUp);
                run(1, 65_536, mean, warmUp ? 3 : 21, warmUp);
            }
        }
        System.out.println("PRNO timing: load after " + loadavg());
    }

    private void run(int b, int d, double mean, int reps, boolean warmUp) {
        Random r = new Random(SEED);
        float[] v = new float[b * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + r.nextGaussian());
        }
        NDArray batch = manager.create(v, new Shape(b, d));
        Prno closed = Prno.builder().build();
        Prno auto = Prno.builder().build();
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] tc = new long[reps];
        long[] ta = new long[reps];
        long[] cc = new long[reps];
        long[] ca = new long[reps];
        for (int i = 0; i < reps; i++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = batch.duplicate();
                x.attach(sub);
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                closed.valueAndGradient(x).gradient().toType(DataType.FLOAT32, false);
                long t1 = System.nanoTime();
                long c1 = cpu.getCurrentThreadCpuTime();
                Gradients.autograd(auto, x).gradient().toType(DataType.FLOAT32, false);
                long t2 = System.nanoTime();
                long c2 = cpu.getCurrentThreadCpuTime();
                tc[i] = t1 - t0;
                ta[i] = t2 - t1;
                cc[i] = c1 - c0;
                ca[i] = c2 - c1;
            }
        }
        if (warmUp) {
            return;
        }
        double mc = median(tc);
        double ma = median(ta);
        System.out.printf("PRNO timing: B=%d D=%d mean %.1f: closed form %.3f ms, autograd %.3f ms, ratio %.1fx; "
                + "thread CPU %.3f ms vs %.3f ms, ratio %.1fx (%d reps)%n", b, d, mean, mc, ma, ma / mc, median(cc),
                median(ca), median(ca) / median(cc), reps);
    }

    private static double median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return (s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2])) / 1e6;
    }

    private static String loadavg() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
