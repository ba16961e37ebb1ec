package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WhiteNoiseProjection} ({@code docs/preconditioning.md} §2–3): the FFT, the compact spectrum, landing in the
 * set, idempotence, and nearest-point checks against slow numerical searches written here. Cost is measured in
 * bench/ ({@code ProjectionBench}), not asserted.
 */
class WhiteNoiseProjectionTest extends GenalignTestBase {
    private static final double SQRT_PI_2 = Math.sqrt(Math.PI) / 2;
    private final WhiteNoiseProjection p = WhiteNoiseProjection.create();

    private static double[] gauss(int d, long seed) {
        return GaussianityFactsTest.gauss(d, seed);
    }

    /** Inputs of every kind: Gaussian, correlated, patterned (zero bins), spike, constant, zero, tiny, huge. */
    private static List<double[]> inputs(int n) {
        List<double[]> v = new ArrayList<>();
        v.add(gauss(n, 1));
        v.add(GaussianityFactsTest.ar1(n, 0.7, 2));
        double[] checker = new double[n];
        double[] spike = new double[n];
        double[] constant = new double[n];
        double[] tiny = gauss(n, 3);
        double[] huge = gauss(n, 4);
        for (int i = 0; i < n; i++) {
            checker[i] = i % 2 == 0 ? 1 : -1;
            constant[i] = 0.3;
            tiny[i] *= 1e-7;
            huge[i] *= 1e5;
        }
        spike[n / 3] = 5;
        v.add(checker);
        v.add(spike);
        v.add(constant);
        v.add(new double[n]);
        v.add(tiny);
        v.add(huge);
        return v;
    }

    private void assertInSet(double[] x, double tol) {
        assertInSet(x, tol, "");
    }

    private void assertInSet(double[] x, double tol, String what) {
        double[][] norms = p.blockNorms(x);
        for (int i = 0; i < norms.length; i++) {
            double[] b = norms[i];
            assertEquals(SQRT_PI_2 * b[2], b[0], tol, what + " block " + i + " l1");
            assertEquals(b[2], b[1], tol, what + " block " + i + " l2^2");
        }
    }

    @Test
    void fftMatchesTheDefinitionAtPowerOfTwoAndOtherLengths() {
        for (int n : new int[] {2, 8, 12, 30, 64, 100}) {
            double[] x = gauss(n, n);
            double[] y = gauss(n, n + 1);
            double[] re = x.clone();
            double[] im = y.clone();
            Fft.forward(re, im);
            for (int k = 0; k < n; k++) {
                double sr = 0;
                double si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) k * j % n) / n;
                    sr += x[j] * Math.cos(a) - y[j] * Math.sin(a);
                    si += x[j] * Math.sin(a) + y[j] * Math.cos(a);
                }
                assertEquals(sr, re[k], 1e-9, "re n=" + n);
                assertEquals(si, im[k], 1e-9, "im n=" + n);
            }
            Fft.inverse(re, im);
            for (int j = 0; j < n; j++) {
                assertEquals(x[j], re[j] / n, 1e-12);
                assertEquals(y[j], im[j] / n, 1e-12);
            }
        }
    }

    @Test
    void compactSpectrumIsAnIsometryUpToSqrt2AndCnUnderGaussianNoise() {
        int n = 1 << 14;
        double[] x = gauss(n, 5);
        double[] yr = new double[n / 2];
        double[] yi = new double[n / 2];
        WhiteNoiseProjection.compact(x, yr, yi);
        double nx = 0;
        double ny = 0;
        double l1 = 0;
        for (double v : x) {
            nx += v * v;
        }
        for (int k = 0; k < n / 2; k++) {
            ny += yr[k] * yr[k] + yi[k] * yi[k];
            l1 += Math.hypot(yr[k], yi[k]);
        }
        assertEquals(nx / 2, ny, 1e-8 * nx);
        assertEquals(1.0, ny / (n / 2), 0.03); // E|y_k|^2 = 1
        assertEquals(SQRT_PI_2, l1 / (n / 2), 0.01); // E|y_k| = sqrt(pi)/2
        assertArrayEquals(x, WhiteNoiseProjection.expand(yr, yi, n), 1e-12);
    }

    @Test
    void projectionLandsInTheSetToOneInABillion() {
        // 32: one block; 1000: N/2 = 500, remainder 4 joins the last block; 6: one block of 3; 24: N/2 = 12 < 16;
        // 65536: the FLUX latent size
        for (int n : new int[] {6, 24, 32, 64, 1000, 4096, 65536}) {
            List<double[]> in = inputs(n);
            for (int j = 0; j < in.size(); j++) {
                double[] x = in.get(j);
                double[] w = p.project(x);
                assertInSet(w, 1e-9, "n=" + n + " input " + j);
                double norm = 0;
                for (double v : w) {
                    norm += v * v;
                }
                assertEquals(n, norm, 1e-8 * n); // every point of W has |x|^2 = N
            }
        }
    }

    @Test
    void projectionIsIdempotent() {
        for (int n : new int[] {32, 1000, 4096}) {
            List<double[]> in = inputs(n);
            for (int j = 0; j < in.size(); j++) {
                double[] w = p.project(in.get(j));
                assertArrayEquals(w, p.project(w), 1e-9, "n=" + n + " input " + j);
            }
        }
    }

    @Test
    void projectionKeepsPhasesAndIsScaleInvariant() {
        double[] x = gauss(256, 9);
        double[] w = p.project(x);
        double[] x3 = x.clone();
        for (int i = 0; i < x3.length; i++) {
            x3[i] *= 3;
        }
        assertArrayEquals(w, p.project(x3), 1e-10); // the set is a cone's slice: P(c x) = P(x) for c > 0
        double[] ar = new double[128];
        double[] ai = new double[128];
        double[] br = new double[128];
        double[] bi = new double[128];
        WhiteNoiseProjection.compact(x, ar, ai);
        WhiteNoiseProjection.compact(w, br, bi);
        for (int k = 0; k < 128; k++) {
            assertEquals(0, ar[k] * bi[k] - ai[k] * br[k], 1e-9); // parallel
            assertTrue(ar[k] * br[k] + ai[k] * bi[k] > 0); // same direction
        }
    }

    /** Feasible points built from the definition only: u = α·q + β·1 for a positive q, with v's phases or random. */
    private static double bruteForceDistance(double[] vr, double[] vi, int samples, long seed) {
        int m = vr.length;
        double a = SQRT_PI_2 * m;
        double c = m;
        Random rnd = new Random(seed);
        double best = Double.POSITIVE_INFINITY;
        for (int s = 0; s < samples; s++) {
            double[] q = new double[m];
            double sq = 0;
            double sq2 = 0;
            for (int i = 0; i < m; i++) {
                // magnitudes near |v| (perturbed) and fully random ones
                double base = s % 2 == 0 ? Math.hypot(vr[i], vi[i]) : 0;
                q[i] = Math.abs(base * (1 + 0.3 * rnd.nextGaussian()) + (s % 2 == 0 ? 0.05 : 1) * rnd.nextDouble());
                sq += q[i];
                sq2 += q[i] * q[i];
            }
            // α Σq + β m = a;  α² Σq² + 2αβ Σq + β² m = c  → β = (a − α Σq)/m, quadratic in α (take α > 0)
            double qa = sq2 - sq * sq / m;
            double qc = a * a / m - c;
            if (qa <= 0) {
                continue;
            }
            double alpha = Math.sqrt(-qc / qa);
            double beta = (a - alpha * sq) / m;
            double d = 0;
            boolean ok = true;
            boolean randomPhase = s % 4 == 3;
            for (int i = 0; i < m; i++) {
                double mag = alpha * q[i] + beta;
                if (mag < 0) {
                    ok = false;
                    break;
                }
                double ph = randomPhase ? rnd.nextDouble() * 2 * Math.PI : Math.atan2(vi[i], vr[i]);
                double ur = mag * Math.cos(ph);
                double ui = mag * Math.sin(ph);
                d += (ur - vr[i]) * (ur - vr[i]) + (ui - vi[i]) * (ui - vi[i]);
            }
            if (ok) {
                best = Math.min(best, d);
            }
        }
        return best;
    }

    /**
     * A slow local search with no phase or sort argument: quadratic-penalty gradient descent on u ∈ C^m (as 2m
     * reals), μ raised in stages, from the block itself and from random starts; returns the best distance² among
     * the nearly feasible end points (violation ≤ 1e-4).
     */
    private static double penaltySearchDistance(double[] vr, double[] vi, long seed) {
        int m = vr.length;
        double a = SQRT_PI_2 * m;
        double c = m;
        Random rnd = new Random(seed);
        double best = Double.POSITIVE_INFINITY;
        for (int start = 0; start < 6; start++) {
            double[] ur = new double[m];
            double[] ui = new double[m];
            for (int i = 0; i < m; i++) {
                ur[i] = start == 0 ? vr[i] + 1e-3 : rnd.nextGaussian();
                ui[i] = start == 0 ? vi[i] + 1e-3 : rnd.nextGaussian();
            }
            for (double mu = 1; mu <= 1e6; mu *= 10) {
                double lr = 0.25 / (1 + mu * 4 * c);
                for (int it = 0; it < 20000; it++) {
                    double l1 = 0;
                    double l2 = 0;
                    for (int i = 0; i < m; i++) {
                        l1 += Math.hypot(ur[i], ui[i]);
                        l2 += ur[i] * ur[i] + ui[i] * ui[i];
                    }
                    double e1 = l1 - a;
                    double e2 = l2 - c;
                    for (int i = 0; i < m; i++) {
                        double mag = Math.max(1e-12, Math.hypot(ur[i], ui[i]));
                        double gr = 2 * (ur[i] - vr[i]) + mu * (2 * e1 * ur[i] / mag + 4 * e2 * ur[i]);
                        double gi = 2 * (ui[i] - vi[i]) + mu * (2 * e1 * ui[i] / mag + 4 * e2 * ui[i]);
                        ur[i] -= lr * gr;
                        ui[i] -= lr * gi;
                    }
                }
            }
            double l1 = 0;
            double l2 = 0;
            double d = 0;
            for (int i = 0; i < m; i++) {
                l1 += Math.hypot(ur[i], ui[i]);
                l2 += ur[i] * ur[i] + ui[i] * ui[i];
                d += (ur[i] - vr[i]) * (ur[i] - vr[i]) + (ui[i] - vi[i]) * (ui[i] - vi[i]);
            }
            if (Math.abs(l1 - a) < 1e-4 && Math.abs(l2 - c) < 1e-4) {
                best = Math.min(best, d);
            }
        }
        return best;
    }

    /** Distance² between x and P(x) in compact-spectrum units (= ‖x − P(x)‖²/2). */
    private double projectionDistance(double[] x) {
        double[] w = p.project(x);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d += (x[i] - w[i]) * (x[i] - w[i]);
        }
        return d / 2;
    }

    @Test
    void projectionIsTheNearestPointOfTheSetOnSmallN() {
        // one block of m = N/2 entries; m = 4 (blocks of 4) and m = 16 (the paper's block, N = 32)
        List<double[]> cases = new ArrayList<>();
        cases.add(gauss(32, 11));
        cases.add(GaussianityFactsTest.ar1(32, 0.8, 12));
        double[] skewed = gauss(32, 13);
        skewed[0] = 40; // one dominant bin: the non-negativity is active (a support of fewer than 16 entries)
        cases.add(skewed);
        double[] spiky = new double[32];
        spiky[3] = 1;
        spiky[17] = -2;
        spiky[30] = 0.5;
        cases.add(spiky);
        int idx = 0;
        for (double[] x : cases) {
            double ours = projectionDistance(x);
            double[] yr = new double[16];
            double[] yi = new double[16];
            WhiteNoiseProjection.compact(x, yr, yi);
            double brute = bruteForceDistance(yr, yi, 200_000, idx);
            double search = penaltySearchDistance(yr, yi, idx);
            assertTrue(ours <= brute + 1e-9, "case " + idx + ": ours " + ours + " > brute force " + brute);
            assertTrue(ours <= search + 1e-3, "case " + idx + ": ours " + ours + " > local search " + search);
            assertTrue(search <= ours * 1.05 + 1e-3, "case " + idx + ": local search " + search
                    + " did not find ours " + ours + " (search too weak?)");
            idx++;
        }
        WhiteNoiseProjection p4 = WhiteNoiseProjection.withBlockSize(4);
        for (int s = 0; s < 6; s++) {
            double[] x = gauss(8, 100 + s);
            if (s == 5) {
                x = new double[] {3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}; // skewed spectrum
            }
            double[] w = p4.project(x);
            double ours = 0;
            for (int i = 0; i < 8; i++) {
                ours += (x[i] - w[i]) * (x[i] - w[i]) / 2;
            }
            double[] yr = new double[4];
            double[] yi = new double[4];
            WhiteNoiseProjection.compact(x, yr, yi);
            double brute = bruteForceDistance(yr, yi, 200_000, s);
            double search = penaltySearchDistance(yr, yi, s);
            assertTrue(ours <= brute + 1e-9, "m=4 seed " + s + ": ours " + ours + " > brute force " + brute);
            assertTrue(ours <= search + 1e-3, "m=4 seed " + s + ": ours " + ours + " > local search " + search);
        }
    }

    @Test
    void magnitudeSolverHandlesAnActiveNonNegativityConstraint() {
        double[] r = new double[16];
        java.util.Arrays.fill(r, 1);
        r[0] = 0; // centring would give a negative magnitude here
        double[] s = WhiteNoiseProjection.magnitudes(r, SQRT_PI_2 * 16, 16);
        double l1 = 0;
        double l2 = 0;
        for (double v : s) {
            assertTrue(v >= 0);
            l1 += v;
            l2 += v * v;
        }
        assertEquals(SQRT_PI_2 * 16, l1, 1e-12);
        assertEquals(16, l2, 1e-12);
        assertEquals(0, s[0], 1e-12);
    }

    @Test
    void batchesInFloat32AndFloat64KeepShapeAndType() {
        Shape shape = new Shape(3, 4, 8, 8);
        NDArray x64 = manager.randomNormal(shape, DataType.FLOAT64);
        NDArray x32 = x64.toType(DataType.FLOAT32, false);
        NDArray w64 = p.project(x64);
        NDArray w32 = p.project(x32);
        assertEquals(shape, w64.getShape());
        assertEquals(DataType.FLOAT64, w64.getDataType());
        assertEquals(DataType.FLOAT32, w32.getDataType());
        double[] a = w64.toDoubleArray();
        double[] b = w32.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] all = x64.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double[] row = java.util.Arrays.copyOfRange(a, i * 256, (i + 1) * 256);
            assertInSet(row, 1e-9);
            assertArrayEquals(p.project(java.util.Arrays.copyOfRange(all, i * 256, (i + 1) * 256)), row, 1e-12);
            double[] row32 = java.util.Arrays.copyOfRange(b, i * 256, (i + 1) * 256);
            assertInSet(row32, 1e-4);
        }
    }

    @Test
    void rejectsOddLengthsAndNonFiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> p.project(new double[7]));
        assertThrows(IllegalArgumentException.class, () -> p.project(new double[2]));
        double[] bad = gauss(32, 1);
        bad[3] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> p.project(bad));
    }
}
