package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unit-testable facts of spec gaussianity.md §10, one test each (fact 22, timing, is in bench/). */
class GaussianityFactsTest extends GenalignTestBase {
    private static final double SQRT_PI_2 = Math.sqrt(Math.PI) / 2;

    static double[] gauss(int d, long seed) {
        Random r = new Random(seed);
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    static double[] ar1(int d, double rho, long seed) {
        double[] e = gauss(d, seed);
        double[] x = new double[d];
        x[0] = e[0];
        for (int i = 1; i < d; i++) {
            x[i] = rho * x[i - 1] + Math.sqrt(1 - rho * rho) * e[i];
        }
        return x;
    }

    NDArray one(double[] x) {
        return manager.create(x, new Shape(1, x.length));
    }


    double termsPower(double[] x, PermutationMode mode, long seed) {
        Mpgr.MpgrTerms t = Mpgr.builder().optPermutationMode(mode).optSeed(seed).build().terms(one(x));
        return switch (mode) {
            case NATURAL -> t.powerNatural()[0];
            case PERMUTED -> t.powerPermuted()[0];
            case BOTH -> 0.5 * (t.powerNatural()[0] + t.powerPermuted()[0]);
        };
    }

    double moment(double[] x, int n) {
        return Mpgr.momentLoss(one(x), n).toDoubleArray()[0];
    }

    @Test
    void fact01_gaussianMomentTable() {
        assertEquals(0, Mpgr.gaussianMoment(1), 0);
        assertEquals(1, Mpgr.gaussianMoment(2), 1e-12);
        assertEquals(0, Mpgr.gaussianMoment(3), 0);
        assertEquals(3, Mpgr.gaussianMoment(4), 1e-12);
        assertEquals(15, Mpgr.gaussianMoment(6), 1e-12);
        assertEquals(105, Mpgr.gaussianMoment(8), 1e-10);
    }

    @Test
    void fact02_momentLossesOnShiftsScalesAndSignVectors() {
        double[] x = gauss(4096, 1);
        double mean = java.util.Arrays.stream(x).average().orElseThrow();
        double ss = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] -= mean;
            ss += x[i] * x[i];
        }
        double rms = Math.sqrt(ss / x.length);
        double[] shifted = x.clone();
        double[] scaled = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            shifted[i] += 0.37;
            scaled[i] = 1.6 * x[i] / rms;
        }
        assertEquals(0.37, moment(shifted, 1), 1e-12);
        assertEquals(0.6, moment(scaled, 2), 1e-12);
        double[] signs = new double[4096];
        for (int i = 0; i < signs.length; i++) {
            signs[i] = i % 2 == 0 ? 1 : -1;
        }
        assertEquals(0, moment(signs, 1), 1e-15);
        assertEquals(0, moment(signs, 2), 1e-15);
        assertEquals(Math.pow(3, 0.25) - 1, moment(signs, 4), 1e-12);
        assertEquals(0.31607, moment(signs, 4), 1e-5);
    }

    @Test
    void fact03_momentLossesArePermutationNegationAndSignFlipInvariant() {
        double[] x = gauss(2048, 2);
        double[] rev = new double[x.length];
        double[] neg = new double[x.length];
        double[] flip = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            rev[i] = x[x.length - 1 - i];
            neg[i] = -x[i];
            flip[i] = i % 3 == 0 ? -x[i] : x[i];
        }
        for (int n : new int[] {1, 2, 3, 4, 6}) {
            assertEquals(moment(x, n), moment(rev, n), 1e-12, "permutation, order " + n);
            assertEquals(moment(x, n), moment(neg, n), 1e-12, "negation, order " + n);
        }
        assertEquals(moment(x, 2), moment(flip, 2), 1e-12);
    }

    @Test
    void fact04_scaleHomogeneity() {
        double[] x = gauss(1000, 3);
        for (int n : new int[] {1, 2, 3, 4}) {
            double m = 0;
            for (double v : x) {
                m += Math.pow(v, n);
            }
            m /= x.length;
            double s = 1.7;
            double[] sx = x.clone();
            for (int i = 0; i < sx.length; i++) {
                sx[i] *= s;
            }
            double expected = Math.abs(s * Math.pow(Math.abs(m), 1.0 / n) - Mpgr.momentTarget(n));
            assertEquals(expected, moment(sx, n), 1e-10, "order " + n);
        }
    }

    @Test
    void fact05_momentFloorsOnGaussianSamples() {
        int d = 4096;
        double l1 = 0;
        double l2 = 0;
        for (int s = 0; s < 50; s++) {
            double[] x = gauss(d, 100 + s);
            l1 += moment(x, 1) / 50;
            l2 += moment(x, 2) / 50;
        }
        assertEquals(Math.sqrt(2 / (Math.PI * d)), l1, 0.25 * Math.sqrt(2 / (Math.PI * d)));
        assertEquals(1 / Math.sqrt(Math.PI * d), l2, 0.25 / Math.sqrt(Math.PI * d));
    }

    @Test
    void fact06_rayleighMagnitudesAndParseval() {
        int d = 16384;
        double[] x = gauss(d, 4);
        double[] a = Mpgr.magnitudes(one(x)).toDoubleArray();
        double sum = 0;
        double sumSq = 0;
        double energy = 0;
        int n = 0;
        for (int k = 0; k < d; k++) {
            double ak = a[k] / Math.sqrt(d);
            energy += ak * ak / d;
            if (k != 0 && k != d / 2) {
                sum += ak;
                sumSq += ak * ak;
                n++;
            }
        }
        double mean = sum / n;
        assertEquals(0.8862, mean, 0.005);
        assertEquals((4 - Math.PI) / 4, sumSq / n - mean * mean, 0.01);
        double m2 = 0;
        for (double v : x) {
            m2 += v * v / d;
        }
        assertEquals(m2, energy, 1e-10);
    }

    @Test
    void fact07_powerFloorIsAbout0p0924AndTheSameInEveryMode() {
        double floor = Math.sqrt((4 - Math.PI) / (2 * Math.PI * 16));
        assertEquals(0.0924, floor, 1e-4);
        for (PermutationMode mode : PermutationMode.values()) {
            double mean = 0;
            for (int s = 0; s < 3; s++) {
                mean += termsPower(gauss(65536, 200 + s), mode, s) / 3;
            }
            assertEquals(0.0925, mean, 0.005, mode.toString());
        }
        double b4 = Mpgr.builder().optBlockSize(4).optPermutationMode(PermutationMode.NATURAL).build()
                .terms(one(gauss(65536, 9))).powerNatural()[0];
        assertEquals(0.185, b4, 0.01);
    }

    @Test
    void fact08_naturalPowerIsInvariantToShiftsReversalAndNegation() {
        double[] x = gauss(4096, 5);
        double base = termsPower(x, PermutationMode.NATURAL, 0);
        double[] shift = new double[x.length];
        double[] rev = new double[x.length];
        double[] neg = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            shift[i] = x[(i + 123) % x.length];
            rev[i] = x[(x.length - i) % x.length];
            neg[i] = -x[i];
        }
        assertEquals(base, termsPower(shift, PermutationMode.NATURAL, 0), 1e-9);
        assertEquals(base, termsPower(rev, PermutationMode.NATURAL, 0), 1e-9);
        assertEquals(base, termsPower(neg, PermutationMode.NATURAL, 0), 1e-12);
    }

    @Test
    void fact09_scaleResponseOfThePowerLoss() {
        double[] x = gauss(65536, 6);
        double[] half = x.clone();
        double[] twice = x.clone();
        for (int i = 0; i < x.length; i++) {
            half[i] *= 0.5;
            twice[i] *= 2;
        }
        assertEquals(0.443, termsPower(half, PermutationMode.NATURAL, 0), 0.01);
        assertEquals(0.887, termsPower(twice, PermutationMode.NATURAL, 0), 0.01);
    }

    @Test
    void fact10_aMeanShiftNeedsL1() {
        double[] x = gauss(65536, 7);
        double[] s = x.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] += 0.5;
        }
        assertTrue(termsPower(s, PermutationMode.NATURAL, 0) < 0.1, "L_power barely moves");
        assertEquals(0.5, moment(s, 1), 0.01);
        assertEquals(Math.sqrt(1.25) - 1, moment(s, 2), 0.01);
    }

    @Test
    void fact11_correlationIsSeenInNaturalOrder() {
        double floor = 0.0925;
        assertTrue(termsPower(ar1(65536, 0.5, 8), PermutationMode.NATURAL, 0) > 3 * floor);
        assertTrue(termsPower(ar1(65536, 0.7, 8), PermutationMode.BOTH, 1) > 2.5 * floor);
        assertTrue(moment(ar1(65536, 0.5, 8), 1) < 0.02 && moment(ar1(65536, 0.5, 8), 2) < 0.02);
    }

    @Test
    void fact12_permutedModeIsBlindToCorrelation() {
        assertEquals(0.093, termsPower(ar1(65536, 0.5, 9), PermutationMode.PERMUTED, 2), 0.006);
        double[] sorted = gauss(65536, 10);
        java.util.Arrays.sort(sorted);
        assertEquals(0.093, termsPower(sorted, PermutationMode.PERMUTED, 3), 0.006);
        assertTrue(termsPower(sorted, PermutationMode.NATURAL, 0) > 0.8);
    }

    @Test
    void fact13_aFlatConstantModulusSpectrumIsPenalised() {
        int d = 4096;
        double[] spike = new double[d];
        spike[17] = Math.sqrt(d);
        assertEquals(0, moment(spike, 2), 1e-12);
        for (PermutationMode mode : PermutationMode.values()) {
            assertEquals(1 - SQRT_PI_2, termsPower(spike, mode, 4), 1e-9, mode.toString());
        }
    }

    @Test
    void fact15_covarianceSpectrumIdentity() {
        double[] x = gauss(64, 11);
        NDArray b = one(x);
        double spatial = new CircularCovarianceMatching().perSample(b).toDoubleArray()[0];
        double spectral = CircularCovarianceMatching.spectralForm(b).toDoubleArray()[0];
        assertEquals(spatial, spectral, 1e-9 * spatial);
        // spectral norm = max eigenvalue magnitude of the circulant C - I, computed densely
        double[][] c = new double[64][64];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                int tau = Math.floorMod(j - i, 64);
                double r = 0;
                for (int n = 0; n < 64; n++) {
                    r += x[n] * x[(n + tau) % 64] / 64;
                }
                c[i][j] = r - (i == j ? 1 : 0);
            }
        }
        double[] ev = io.genalign.core.linalg.SymmetricEigen.of(c).values();
        double norm = Math.max(Math.abs(ev[0]), Math.abs(ev[63]));
        assertEquals(norm, CircularCovarianceMatching.spectralNorm(b).toDoubleArray()[0], 1e-9 * norm);
    }

    @Test
    void fact16_gradientsAndDescentRestoreMeanAndRms() {
        double[] x = gauss(1024, 12);
        for (int i = 0; i < x.length; i++) {
            x[i] = 1.2 * x[i] + 0.3;
        }
        double[] g1 = Gradients.valueAndGradient(Mpgr.builder().optOrders(1).optLambdaPower(0)
                .optPermutationMode(PermutationMode.NATURAL).build(), one(x)).gradient().toDoubleArray();
        for (double v : g1) {
            assertEquals(1.0 / x.length, v, 1e-15);
        }
        double rms = Math.sqrt(java.util.Arrays.stream(x).map(v -> v * v).sum() / x.length);
        double[] g2 = Gradients.valueAndGradient(Mpgr.builder().optOrders(2).optLambdaPower(0)
                .optPermutationMode(PermutationMode.NATURAL).build(), one(x)).gradient().toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.signum(rms - 1) * x[i] / (x.length * rms), g2[i], 1e-15);
        }
        // descent from 0.5 checkerboard + sqrt(0.75) noise, Adam lr 0.01, 500 steps, NATURAL mode
        int d = 4096;
        double[] z = gauss(d, 13);
        for (int i = 0; i < d; i++) {
            z[i] = 0.5 * (i % 2 == 0 ? 1 : -1) + Math.sqrt(0.75) * z[i];
        }
        Mpgr reg = Mpgr.builder().optPermutationMode(PermutationMode.NATURAL).build();
        double before = termsPower(z, PermutationMode.NATURAL, 0);
        double[] m = new double[d];
        double[] v = new double[d];
        for (int t = 1; t <= 500; t++) {
            double[] g = Gradients.valueAndGradient(reg, one(z)).gradient().toDoubleArray();
            for (int i = 0; i < d; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                z[i] -= 0.01 * (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        }
        double after = termsPower(z, PermutationMode.NATURAL, 0);
        assertTrue(after < before / 3, "L_power " + before + " -> " + after);
        assertTrue(moment(z, 1) < 0.01 && moment(z, 2) < 0.01, "mean and RMS return to 0 and 1");
    }

    @Test
    void fact17_compositeDefaultOnGauss() {
        // one seed's total has sd ~0.04 (25 x 0.0015); the mean of 5 seeds has sd ~0.017, so +-0.05 is ~3 sd
        for (PermutationMode mode : PermutationMode.values()) {
            double total = 0;
            for (int s = 0; s < 5; s++) {
                total += Mpgr.builder().optPermutationMode(mode).optSeed(5 + s).build()
                        .perSample(one(gauss(65536, 14 + s))).toDoubleArray()[0] / 5;
            }
            assertEquals(2.32, total, 0.05, mode.toString());
        }
    }

    @Test
    void fact18_blockRemainderIsDropped() {
        double[] x = gauss(1000, 15);
        double[] a = Mpgr.magnitudes(one(x)).toDoubleArray();
        double sum = 0;
        for (int b = 0; b < 62; b++) {
            double mean = 0;
            for (int k = 0; k < 16; k++) {
                mean += a[b * 16 + k] / Math.sqrt(1000) / 16;
            }
            sum += Math.abs(mean - SQRT_PI_2);
        }
        assertEquals(sum / 62, termsPower(x, PermutationMode.NATURAL, 0), 1e-12);
    }

    @Test
    void fact19_bothModeIsReproducibleAndDrawsFreshPermutations() {
        NDArray x = one(gauss(4096, 16));
        Mpgr a = Mpgr.builder().optSeed(9).build();
        Mpgr b = Mpgr.builder().optSeed(9).build();
        double a1 = a.perSample(x).toDoubleArray()[0];
        double a2 = a.perSample(x).toDoubleArray()[0];
        assertEquals(a1, b.perSample(x).toDoubleArray()[0], 0.0);
        assertEquals(a2, b.perSample(x).toDoubleArray()[0], 0.0);
        assertNotEquals(a1, a2);
    }

    @Test
    void fact20_renoNormIsMinimalOnItsShellWithARadialGradient() {
        int d = 256;
        double[] x = gauss(d, 17);
        double n = Math.sqrt(java.util.Arrays.stream(x).map(v -> v * v).sum());
        double[] onShell = new double[d];
        for (int i = 0; i < d; i++) {
            onShell[i] = x[i] * Math.sqrt(d - 1) / n;
        }
        double[] g = Gradients.valueAndGradient(new RenoNorm(), one(onShell)).gradient().toDoubleArray();
        for (double v : g) {
            assertEquals(0, v, 1e-12);
        }
        double[] gx = Gradients.valueAndGradient(new RenoNorm(), one(x)).gradient().toDoubleArray();
        double factor = 1 - (d - 1) / (n * n);
        for (int i = 0; i < d; i++) {
            assertEquals(factor * x[i], gx[i], 1e-12);
        }
        double shell = new RenoNorm().perSample(one(onShell)).toDoubleArray()[0];
        for (double s : new double[] {0.9, 1.1}) {
            double[] y = onShell.clone();
            for (int i = 0; i < d; i++) {
                y[i] *= s;
            }
            assertTrue(new RenoNorm().perSample(one(y)).toDoubleArray()[0] > shell);
        }
    }

    @Test
    void fact21_prnoValuesAndItsFlatTypicalRegion() {
        int d = 65536;
        Prno prno = Prno.builder().optSeed(1).build();
        double[] x = gauss(d, 18);
        double v = prno.perSample(one(x)).toDoubleArray()[0];
        assertTrue(v >= 4 * Math.log(2) - 1e-12 && v < 3.2, "Gauss: " + v);
        double[] g = Gradients.valueAndGradient(Prno.builder().optShuffles(0).build(), one(x)).gradient()
                .toDoubleArray();
        assertEquals(0, java.util.Arrays.stream(g).map(Math::abs).max().orElseThrow(), 0.0);
        double[] scaled = x.clone();
        double[] shifted = x.clone();
        for (int i = 0; i < d; i++) {
            scaled[i] *= 1.05;
            shifted[i] += 0.05;
        }
        double vs = prno.perSample(one(scaled)).toDoubleArray()[0];
        double vh = prno.perSample(one(shifted)).toDoubleArray()[0];
        double va = prno.perSample(one(ar1(d, 0.5, 19))).toDoubleArray()[0];
        assertEquals(32, vs, 10);
        assertEquals(39, vh, 10);
        assertEquals(1.5e3, va, 0.3e3);
        assertTrue(vs < prno.perSample(one(mul(x, 1.2))).toDoubleArray()[0], "monotone in the scale");
    }

    private static double[] mul(double[] x, double s) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] *= s;
        }
        return y;
    }
}
