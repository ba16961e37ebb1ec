package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PRNO's closed-form {@link Prno#valueAndGradient(NDArray)} against autograd on {@link Prno#perSample(NDArray)}, in
 * each of the four clamp states of the sequential term (both clamped, both active, only p1 clamped, only p2 clamped),
 * with the default 100 shuffles drawn from the same seed, at D = 784 (the built-in model's latent).
 */
class PrnoClosedFormTest extends GenalignTestBase {
    private static final double LN2 = Math.log(2);
    private static final int D = 784;

    private static double[] gauss(int n, double mean, double sd, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + sd * r.nextGaussian();
        }
        return v;
    }

    private NDArray batch(int d, double[]... samples) {
        double[] all = new double[samples.length * d];
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(samples[i], 0, all, i * d, d);
        }
        return manager.create(all, new Shape(samples.length, d));
    }

    private static Prno prno() {
        return Prno.builder().optSeed(11).build();
    }

    /** The sequential term's clamp states of every sample: p1 clamped, p2 clamped. */
    private static void assertClamps(Prno.Terms t, int i, boolean p1, boolean p2, String what) {
        assertEquals(p1, t.logP1()[i] == -LN2, what + ": p1 clamped (log p1 = " + t.logP1()[i] + ")");
        assertEquals(p2, t.logP2()[i] == -LN2, what + ": p2 clamped (log p2 = " + t.logP2()[i] + ")");
    }

    private static void assertMatchesAutograd(Prno closed, Prno auto, NDArray b) {
        boolean f64 = b.getDataType() == DataType.FLOAT64;
        double tol = f64 ? 1e-12 : 1e-5;
        Gradients.ValueAndGradient fast = closed.valueAndGradient(b);
        Gradients.ValueAndGradient ref = Gradients.autograd(auto, b);
        assertEquals(b.getShape(), fast.gradient().getShape());
        assertEquals(b.getDataType(), fast.gradient().getDataType());
        assertTrue(fast.gradient().getManager() == b.getManager());
        for (int i = 0; i < ref.perSample().length; i++) {
            double v = ref.perSample()[i];
            assertEquals(v, fast.perSample()[i], tol * Math.max(1, Math.abs(v)), b.getDataType() + " value " + i);
        }
        double[] ga = ref.gradient().toType(DataType.FLOAT64, false).toDoubleArray();
        double[] gf = fast.gradient().toType(DataType.FLOAT64, false).toDoubleArray();
        double max = Arrays.stream(ga).map(Math::abs).max().orElse(0);
        for (int i = 0; i < ga.length; i++) {
            if (max == 0) {
                assertEquals(0.0, gf[i], 0.0, b.getDataType() + " gradient " + i + " (autograd's is 0)");
            } else {
                assertEquals(ga[i], gf[i], tol * max, b.getDataType() + " gradient " + i);
            }
        }
    }

    @Test
    void everyClampStateMatchesAutogradInBothTypes() {
        double[] typical = gauss(D, 0, 1, 1); // both clamped (DNO's typical region)
        double[] shifted = gauss(D, 0.5, 1, 2); // both active: M1 ≈ 1, M2 ≈ 1
        double[] wide = gauss(D, 0, Math.sqrt(2), 3); // p1 clamped, p2 active (variance 2)
        double[] nudged = gauss(D, 0.15, 1, 4); // p1 active, p2 clamped
        NDArray b64 = batch(D, typical, shifted, wide, nudged);
        Prno.Terms t = prno().sequentialTerms(b64);
        assertClamps(t, 0, true, true, "typical");
        assertClamps(t, 1, false, false, "shifted");
        assertClamps(t, 2, true, false, "variance 2");
        assertClamps(t, 3, false, true, "mean 0.15");
        assertMatchesAutograd(prno(), prno(), b64);
        assertMatchesAutograd(prno(), prno(), b64.toType(DataType.FLOAT32, false));
        // each sample alone: the per-sample branches do not depend on the batch
        for (int i = 0; i < 4; i++) {
            try (NDArray one = b64.get(i + ":" + (i + 1))) {
                assertMatchesAutograd(prno(), prno(), one);
            }
        }
    }

    @Test
    void theTypicalRegionHasTheFlatValueAndAZeroGradient() {
        // the sequential term alone, clamped on both sides: value 2 ln 2, gradient exactly 0 on both paths (with the
        // shuffles some of the 100 terms of a Gaussian draw leave the typical region, so the full value is not flat)
        NDArray b = batch(D, gauss(D, 0, 1, 1));
        Prno sequential = Prno.builder().optShuffles(0).build();
        Gradients.ValueAndGradient vg = sequential.valueAndGradient(b);
        assertEquals(2 * LN2, vg.perSample()[0], 1e-15);
        assertEquals(0.0, Arrays.stream(vg.gradient().toDoubleArray()).map(Math::abs).max().orElseThrow(), 0.0);
        assertEquals(0.0, Arrays.stream(Gradients.autograd(sequential, b).gradient().toDoubleArray())
                .map(Math::abs).max().orElseThrow(), 0.0);
        assertEquals(vg.perSample()[0], sequential.perSample(b).toDoubleArray()[0], 1e-15);
    }

    @Test
    void eachUnclampedCaseMatchesCentralFiniteDifferences() {
        for (double[] x : new double[][] {gauss(D, 0.5, 1, 2), gauss(D, 0, Math.sqrt(2), 3), gauss(D, 0.15, 1, 4)}) {
            double[] g = prno().valueAndGradient(batch(D, x)).gradient().toDoubleArray();
            double max = Arrays.stream(g).map(Math::abs).max().orElseThrow();
            assertTrue(max > 0);
            Random r = new Random(SEED);
            for (int c = 0; c < 6; c++) {
                int i = r.nextInt(D);
                double[] p = x.clone();
                double[] q = x.clone();
                p[i] += Tolerances.FD_STEP;
                q[i] -= Tolerances.FD_STEP;
                double fd = (prno().perSample(batch(D, p)).toDoubleArray()[0]
                        - prno().perSample(batch(D, q)).toDoubleArray()[0]) / (2 * Tolerances.FD_STEP);
                assertEquals(fd, g[i], Tolerances.FD_RTOL * max, "coordinate " + i);
            }
        }
    }

    @Test
    void consumesThePermutationsOfOnePerSampleCall() {
        // the second call of each instance sees the second block of permutations: the same one on both paths
        NDArray b = batch(D, gauss(D, 0.5, 1, 2), gauss(D, 0, Math.sqrt(2), 3));
        Prno viaValue = prno();
        Prno viaGradient = prno();
        viaValue.perSample(b).close();
        viaGradient.valueAndGradient(b).gradient().close();
        double[] v = viaValue.perSample(b).toDoubleArray();
        double[] w = viaGradient.valueAndGradient(b).perSample();
        for (int i = 0; i < 2; i++) {
            assertEquals(v[i], w[i], 1e-12 * Math.abs(v[i]), "sample " + i);
        }
    }

    @Test
    void otherChunkSizesAndRemaindersMatchAutograd() {
        // k = 3 and k = 2 take the generic moment loop; D = 105 drops D mod k entries; a 4-d batch keeps its shape
        double[] x = gauss(105, 0.4, 1.5, 5);
        double[] y = gauss(105, -0.2, 0.7, 6);
        for (int k : new int[] {2, 3, 4}) {
            Prno a = Prno.builder().optK(k).optShuffles(7).optSeed(k).build();
            Prno r = Prno.builder().optK(k).optShuffles(7).optSeed(k).build();
            assertMatchesAutograd(a, r, batch(105, x, y).reshape(2, 3, 7, 5));
        }
        Prno sequential = Prno.builder().optShuffles(0).build();
        assertMatchesAutograd(sequential, Prno.builder().optShuffles(0).build(), batch(105, x, y));
    }

    /**
     * The allocation-free top eigenpair is bit for bit the pair that {@code spectralNorm} takes from SymmetricEigen
     * (largest |λ|, ties to the last largest diagonal entry), including degenerate and diagonal matrices.
     */
    @Test
    void topEigenpairIsSymmetricEigensBitForBit() {
        Random r = new Random(SEED);
        for (int c = 0; c < 3000; c++) {
            int n = 1 + c % 5;
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double x = switch (c % 7) {
                        case 0 -> i == j ? 0.5 : 0.0; // a multiple eigenvalue
                        case 1 -> i == j ? (i % 2 == 0 ? 1.0 : -1.0) : 0.0; // |λ| tie between signs
                        case 2 -> 0.0; // the zero matrix
                        default -> r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
                    };
                    a[i][j] = x;
                    a[j][i] = x;
                }
            }
            io.genalign.core.linalg.SymmetricEigen e = io.genalign.core.linalg.SymmetricEigen.of(a);
            double[] lam = e.values();
            double[][] vecs = e.vectors();
            int top = Math.abs(lam[0]) > Math.abs(lam[n - 1]) ? 0 : n - 1;
            double[] v = new double[n];
            double got = Prno.topEigenpair(a, new double[n][n], new double[n][n], v);
            assertEquals(Double.doubleToRawLongBits(lam[top]), Double.doubleToRawLongBits(got), "case " + c);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(vecs[i][top]), Double.doubleToRawLongBits(v[i]),
                        "case " + c + " vector " + i);
            }
        }
    }

    /**
     * The tie rule the closed form copies: DJL's {@code minimum} (torch.minimum) against a constant passes half the
     * gradient at equality, all of it below, none above.
     */
    @Test
    void minimumAgainstAConstantSplitsTheGradientAtATie() {
        try (NDArray x = manager.create(new double[] {-LN2, -1.0, -0.5})) {
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(x.minimum(Flat.num(x, -LN2)).sum());
            }
            assertEquals(Arrays.toString(new double[] {0.5, 1.0, 0.0}),
                    Arrays.toString(x.getGradient().toDoubleArray()));
        }
    }
}
