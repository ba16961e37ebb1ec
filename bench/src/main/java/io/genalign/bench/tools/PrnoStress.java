package io.genalign.bench.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.gaussianity.Gradients;
import io.genalign.core.gaussianity.Prno;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Stress run of PRNO's value + gradient (docs/regularizers.md, "Resolved: PRNO's sporadic non-finite gradient"):
 * N calls of the default PRNO (100 shuffles) through {@link Gradients#valueAndGradient} on a (8, 16, 7, 7) latent that
 * takes a small normalised descent step plus a little noise after each call, so the inputs vary like an optimisation;
 * every value and gradient entry is checked. On the first non-finite one it re-evaluates the same input, tries fresh
 * seeds, prints the sequential term's parts and stops. A short version runs in the tests ({@code PrnoStressTest}).
 *
 * <p>Run from the repository root after {@code ./mvnw -q -pl bench -am package -DskipTests}:
 * <pre>
 *   java -Dai.djl.offline=true -cp "$(cat bench/target/classpath.txt):bench/target/classes" \
 *       io.genalign.bench.tools.PrnoStress 100000 [sequential]
 * </pre>
 * ({@code sequential}: the sequential term only, without the shuffles). Prints progress every 10,000 calls.
 */
public final class PrnoStress {
    private PrnoStress() {}

    /** Calls made and how many had a non-finite value or gradient (the run stops at the first). */
    public record Result(int calls, int nonFinite) {}

    public static void main(String[] a) {
        EngineBootstrap.start(1);
        int n = Integer.parseInt(a[0]);
        long t0 = System.nanoTime();
        Result r = run(n, a.length > 1, System.out);
        System.out.printf("stopped after %d calls, %d non-finite (%.0f s)%n", r.calls(), r.nonFinite(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** The stress loop; the engine must be started. */
    public static Result run(int n, boolean sequentialOnly, PrintStream log) {
        Regularizer r = sequentialOnly ? Prno.builder().optShuffles(0).build() : Regularizers.create("prno", 0);
        int bad = 0;
        int calls = 0;
        try (NDManager m = Tensors.newManager()) {
            NDArray x = m.randomNormal(new Shape(8, 16, 7, 7));
            for (int i = 0; i < n; i++) {
                calls++;
                try (NDManager s = m.newSubManager()) {
                    NDArray y = x.duplicate();
                    y.attach(s);
                    Gradients.ValueAndGradient vg = Gradients.valueAndGradient(r, y);
                    float[] g = vg.gradient().toFloatArray();
                    boolean ok = true;
                    for (float v : g) {
                        if (!Float.isFinite(v)) {
                            ok = false;
                            break;
                        }
                    }
                    for (double v : vg.perSample()) {
                        ok &= Double.isFinite(v);
                    }
                    if (!ok) {
                        bad++;
                        report(log, r, x, g, vg, i);
                        break;
                    }
                    // a small normalised descent step and a little noise, so the inputs vary like an optimisation
                    NDArray gg = vg.gradient();
                    NDArray step = gg.div(gg.square().sum().sqrt().add(1e-12f)).mul(-0.5f);
                    NDArray nx = x.add(step).add(s.randomNormal(x.getShape()).mul(0.001f));
                    nx.attach(m);
                    x.close();
                    x = nx;
                }
                if ((i + 1) % 10_000 == 0) {
                    log.println("PrnoStress: " + (i + 1) + " calls, " + bad + " non-finite");
                }
            }
        }
        return new Result(calls, bad);
    }

    private static void report(PrintStream log, Regularizer r, NDArray x, float[] g, Gradients.ValueAndGradient vg,
                               int i) {
        int nan = 0;
        int first = -1;
        for (int j = 0; j < g.length; j++) {
            if (!Float.isFinite(g[j])) {
                nan++;
                first = first < 0 ? j : first;
            }
        }
        log.println("non-finite at iteration " + i + ": " + nan + " of " + g.length + " gradient entries, first "
                + first + " values " + Arrays.toString(vg.perSample()));
        for (int rep = 0; rep < 5; rep++) {
            log.println("  re-evaluation " + rep + ": " + nonFinite(Gradients.valueAndGradient(r, x)) + " non-finite");
        }
        for (int sd = 0; sd < 3; sd++) {
            log.println("  fresh seed " + sd + ": "
                    + nonFinite(Gradients.valueAndGradient(Regularizers.create("prno", 100 + sd), x)) + " non-finite");
        }
        Prno.Terms t = ((Prno) r).sequentialTerms(x);
        log.println("  m1 " + Arrays.toString(t.m1()) + " m2 " + Arrays.toString(t.m2()));
    }

    private static int nonFinite(Gradients.ValueAndGradient vg) {
        int n = 0;
        for (float v : vg.gradient().toFloatArray()) {
            n += Float.isFinite(v) ? 0 : 1;
        }
        return n;
    }
}
