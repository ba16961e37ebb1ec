package io.genalign.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.linalg.SymmetricEigen;
import io.genalign.core.testing.Tolerances;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The spec's unit-testable facts about the score estimators (specs/latent-flow.md §11, facts 3–8 and 14). */
class KernelEstimatorFactsTest extends FlowTestBase {

    private static double[][][] oneCopy(double[][] pts) {
        double[][][] out = new double[pts.length][1][];
        for (int i = 0; i < pts.length; i++) {
            out[i][0] = pts[i];
        }
        return out;
    }

    /** Fact 3: λα → 1 entry-wise within r/(λ − r), and the KRR score approaches the KDE score like 1/λ. */
    @Test
    void krrApproachesKdeAsLambdaGrows() {
        double[][] y = FlowFixtures.gaussian(new Random(SEED), 500, 2, 0, 1);
        double h = 0.5;
        double[][] k = KernelMath.gram(oneCopy(y), h);
        double r = KernelMath.maxRowSum(k);
        for (double lambda : new double[] {10 * r, 100 * r}) {
            double[] alpha = KrrWeights.guarded(k, lambda).alpha();
            double dev = 0;
            for (double a : alpha) {
                dev = Math.max(dev, Math.abs(lambda * a - 1));
            }
            assertTrue(dev <= r / (lambda - r), "||lambda alpha - 1|| = " + dev + " > r/(lambda - r) at " + lambda);
        }
        double[][] q = FlowFixtures.gaussian(new Random(SEED + 1), 20, 2, 0, 1.5);
        double[][] kde = FlowFixtures.score(manager, KernelScoreEstimator.kde().optBandwidth(Bandwidth.fixed(h)).build()
                .fit(FlowFixtures.features(manager, y)), q, false);
        double previous = Double.NaN;
        for (double lambda : new double[] {1e4, 1e5, 1e6}) {
            double[][] krr = FlowFixtures.score(manager, KernelScoreEstimator.krr().optBandwidth(Bandwidth.fixed(h))
                    .optRidge(Ridge.absolute(lambda)).build().fit(FlowFixtures.features(manager, y)), q, false);
            double diff = FlowFixtures.maxAbsDiff(krr, kde);
            if (!Double.isNaN(previous)) {
                double ratio = previous / diff;
                assertTrue(ratio > 7 && ratio < 13, "KRR-KDE gap should fall ~10x per decade of lambda, got "
                        + previous + " -> " + diff);
            }
            previous = diff;
        }
        assertTrue(previous < 1e-3, "gap at lambda = 1e6: " + previous);
    }

    /** Fact 4: ‖λ(K̃+λI)^-1 − I‖_F ≤ √rank·‖K̃‖₂/(λ + λ_min), for several λ (150 samples; the spec used 300). */
    @Test
    void theorem5FrobeniusBound() {
        double[][] y = FlowFixtures.gaussian(new Random(SEED + 2), 150, 2, 0, 1);
        double[][] k = KernelMath.gram(oneCopy(y), 0.5);
        int n = k.length;
        SymmetricEigen eig = SymmetricEigen.of(k);
        double[] mu = eig.values();
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        int rank = 0;
        for (double v : mu) {
            max = Math.max(max, v);
            min = Math.min(min, v);
            rank += v > eig.noiseFloor() ? 1 : 0;
        }
        double[][] identity = new double[n][n];
        for (int i = 0; i < n; i++) {
            identity[i][i] = 1;
        }
        for (double lambda : new double[] {1, 1e2, 1e3, 1e4}) {
            double[][] inv = KernelMath.ridgeSolve(k, lambda, identity);
            double f = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double v = lambda * inv[i][j] - (i == j ? 1 : 0);
                    f += v * v;
                }
            }
            f = Math.sqrt(f);
            double bound = Math.sqrt(rank) * max / (lambda + Math.max(min, 0));
            assertTrue(f <= bound, "Frobenius " + f + " > bound " + bound + " at lambda " + lambda);
        }
    }

    /** Fact 5: small λ gives negative weights; the guard raises λ until all are positive; λ &gt; 2r suffices. */
    @Test
    void positivityGuard() {
        double[][] y = FlowFixtures.gaussian(new Random(SEED + 2), 300, 2, 0, 1);
        double[][] k = KernelMath.gram(oneCopy(y), 0.5);
        double r = KernelMath.maxRowSum(k);
        KrrWeights raw = KrrWeights.unguarded(k, 0.01);
        assertTrue(raw.minAlpha() < 0, "lambda = 0.01 should give a negative weight, min alpha " + raw.minAlpha());
        KrrWeights guarded = KrrWeights.guarded(k, 0.01);
        assertTrue(guarded.minAlpha() > 0);
        assertTrue(guarded.lambda() > 0.01 && guarded.doublings() > 0);
        assertEquals(0.01 * Math.pow(2, guarded.doublings()), guarded.lambda(), 1e-12);
        assertTrue(guarded.lambda() <= 2 * 2 * r, "the guard overshot 2r: " + guarded.lambda());
        assertTrue(KrrWeights.unguarded(k, 2.01 * r).minAlpha() > 0);
        KernelScoreEstimator.Fit fit = KernelScoreEstimator.krr().optBandwidth(Bandwidth.fixed(0.5))
                .optRidge(Ridge.absolute(0.01)).build().fit(FlowFixtures.features(manager, y));
        assertEquals(guarded.lambda(), fit.diagnostics().get("lambda"), 0);
        for (double v : FlowFixtures.potential(manager, fit, FlowFixtures.gaussian(new Random(3), 30, 2, 0, 2), false)) {
            assertTrue(Double.isFinite(v));
        }
    }

    /**
     * Without the guard a non-positive estimate is reported, never logged: three 2-D samples, h = 0.5, λ = 1e-6 give
     * α = (−3.05, 2.88, 1.57) and Σ_j α_j k(x, y_j) ≈ −1.9e-4 at x = (1.8, 2.2) (found with NumPy).
     */
    @Test
    void nonPositiveEstimateIsAnError() {
        double[][] y = {{0.3, 1.4}, {0.2, 1.5}, {0.4, 1.1}};
        KernelScoreEstimator.Fit fit = KernelScoreEstimator.krr().optBandwidth(Bandwidth.fixed(0.5))
                .optRidge(Ridge.absolute(1e-6)).optPositivityGuard(false).build()
                .fit(FlowFixtures.features(manager, y));
        assertTrue(fit.alpha()[0] < 0, "expected a negative weight, got " + java.util.Arrays.toString(fit.alpha()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FlowFixtures.potential(manager, fit, new double[][] {{1.8, 2.2}}, false));
        assertTrue(e.getMessage().contains("not positive"), e.getMessage());
        KernelScoreEstimator.Fit guarded = KernelScoreEstimator.krr().optBandwidth(Bandwidth.fixed(0.5))
                .optRidge(Ridge.absolute(1e-6)).build().fit(FlowFixtures.features(manager, y));
        assertTrue(Double.isFinite(FlowFixtures.potential(manager, guarded, new double[][] {{1.8, 2.2}}, false)[0]));
    }

    /** Fact 6: as λ decreases the estimate flattens: |ŝ| in the tails shrinks monotonically toward 0. */
    @Test
    void smallLambdaFlattens() {
        double[][] y = FlowFixtures.gaussian(new Random(SEED + 4), 1000, 1, 0, 1);
        double[][] q = {{-2}, {2}};
        double[][] kde = FlowFixtures.score(manager, KernelScoreEstimator.kde().optBandwidth(Bandwidth.fixed(0.3))
                .build().fit(FlowFixtures.features(manager, y)), q, false);
        double[] previous = {Math.abs(kde[0][0]), Math.abs(kde[1][0])};
        assertTrue(previous[0] > 1.5 && previous[1] > 1.5, "KDE tail score " + previous[0] + ", " + previous[1]);
        for (double lambda : new double[] {1e3, 10, 0.1}) {
            double[][] s = FlowFixtures.score(manager, KernelScoreEstimator.krr().optBandwidth(Bandwidth.fixed(0.3))
                    .optRidge(Ridge.absolute(lambda)).optPositivityGuard(false).build()
                    .fit(FlowFixtures.features(manager, y)), q, false);
            for (int i = 0; i < 2; i++) {
                assertTrue(Math.abs(s[i][0]) < previous[i], "|score| did not shrink at lambda " + lambda);
                previous[i] = Math.abs(s[i][0]);
            }
        }
        assertTrue(previous[0] < 0.1 * Math.abs(kde[0][0]), "score at lambda = 0.1: " + previous[0]);
    }

    /** Fact 7: the KDE score tends to the smoothed Gaussian's −(x − μ)/(s² + h²). */
    @Test
    void kdeScoreMatchesSmoothedGaussian() {
        double mu = 0.5;
        double s = 0.8;
        double h = 0.5;
        double[][] y = FlowFixtures.gaussian(new Random(SEED + 5), 5000, 1, mu, s);
        double[][] q = new double[13][1];
        for (int i = 0; i < q.length; i++) {
            q[i][0] = mu - 1.5 * s + i * (3 * s / 12);
        }
        double[][] score = FlowFixtures.score(manager, KernelScoreEstimator.kde().optBandwidth(Bandwidth.fixed(h))
                .build().fit(FlowFixtures.features(manager, y)), q, false);
        for (int i = 0; i < q.length; i++) {
            double expected = -(q[i][0] - mu) / (s * s + h * h);
            assertEquals(expected, score[i][0], 0.15, "at x = " + q[i][0]);
        }
    }

    /** Fact 8: the mollified kernel's Monte-Carlo mean matches the two-sided closed form; a shared shift smooths nothing. */
    @Test
    void mollifiedKernelClosedForm() {
        double h = 1;
        double sigma = 0.3;
        int m = 200_000;
        double[] x = {0, 0, 0};
        double[] y = {0.3, -0.5, 0.8};
        Random r = new Random(SEED + 6);
        double[][][] pts = new double[2][m][3];
        double[][][] shared = new double[2][m][3];
        for (int c = 0; c < m; c++) {
            for (int k = 0; k < 3; k++) {
                double e1 = sigma * r.nextGaussian();
                double e2 = sigma * r.nextGaussian();
                pts[0][c][k] = x[k] + e1;
                pts[1][c][k] = y[k] + e2;
                shared[0][c][k] = x[k] + e1;
                shared[1][c][k] = y[k] + e1;
            }
        }
        double d2 = KernelMath.squaredDistance(x, y);
        double s2 = h * h + 2 * sigma * sigma;
        double closed = Math.pow(h * h / s2, 1.5) * Math.exp(-d2 / (2 * s2));
        double plain = Math.exp(-d2 / (2 * h * h));
        double mc = KernelMath.gram(pts, h)[0][1];
        assertEquals(closed, mc, 3e-3, "two-sided closed form " + closed + " vs Monte Carlo " + mc);
        assertTrue(Math.abs(mc - plain) > 0.05, "mollified " + mc + " should differ from the plain kernel " + plain);
        assertEquals(plain, KernelMath.gram(shared, h)[0][1], 1e-12);
    }

    /** Per-point noise: two identical images get different noisy copies, and the copies have the mollifier's spread. */
    @Test
    void mollifierGivesEveryPointItsOwnNoise() {
        NDArray images = manager.zeros(new Shape(2, 1000), ai.djl.ndarray.types.DataType.FLOAT64);
        NDArray f = new Mollifier(0.3, 3).features(new FlowFixtures.IdentityFeatures(1000), images);
        assertEquals(new Shape(2, 3, 1000), f.getShape());
        double[][][] v = KernelMath.toJava(f);
        assertTrue(KernelMath.squaredDistance(v[0][0], v[1][0]) > 1, "points share their noise");
        double ss = 0;
        for (double e : v[0][1]) {
            ss += e * e;
        }
        assertEquals(0.3, Math.sqrt(ss / 1000), 0.03);
    }

    /**
     * Fact 14: the Stein estimator on N(0, I) points along −x; for large ν it turns to the KDE score, scaled 1/ν.
     * The fact's cosines (0.96–0.98) hold for Li &amp; Turner's median rule, h = √(median ‖y_i − y_j‖²), which is
     * used here; with the project's heuristic (h² = median/(2 ln(n+1)), 6x smaller here) the cosine at ν = 1 is
     * lower (0.71 seen), because ν = 1 then dominates the smaller Gram entries.
     */
    @Test
    void steinEstimator() {
        double[][] y = FlowFixtures.gaussian(new Random(SEED + 7), 400, 2, 0, 1);
        Bandwidth liTurner = Bandwidth.fixed(Math.sqrt(KernelMath.medianSquaredDistance(oneCopy(y))));
        double[][] minusX = new double[y.length][2];
        for (int i = 0; i < y.length; i++) {
            minusX[i][0] = -y[i][0];
            minusX[i][1] = -y[i][1];
        }
        for (double nu : new double[] {1, 10}) {
            double[][] g = SteinScoreEstimator.builder().optBandwidth(liTurner).optNu(nu).build().fit(FlowFixtures.features(manager, y))
                    .scores();
            double c = cosine(g, minusX);
            assertTrue(c > 0.94, "cos(G, -x) = " + c + " at nu = " + nu);
        }
        SteinScoreEstimator.Fit big = SteinScoreEstimator.builder().optBandwidth(liTurner).optNu(1e6).build()
                .fit(FlowFixtures.features(manager, y));
        double[][] kde = FlowFixtures.score(manager, KernelScoreEstimator.kde().optBandwidth(Bandwidth.fixed(
                big.bandwidth())).build().fit(FlowFixtures.features(manager, y)), y, false);
        double rowCos = 0;
        for (int i = 0; i < y.length; i++) {
            rowCos += cosine(new double[][] {big.scores()[i]}, new double[][] {kde[i]}) / y.length;
        }
        assertTrue(rowCos > 0.999, "mean row cosine with the KDE score " + rowCos);
        double[][] bigger = SteinScoreEstimator.builder().optBandwidth(liTurner).optNu(1e7).build().fit(FlowFixtures.features(manager, y))
                .scores();
        assertEquals(10.0, norm(big.scores()) / norm(bigger), 0.01);
    }

    /** Every kernel potential's autodiff gradient matches central finite differences (float64, mollified, self term out). */
    @Test
    void potentialGradientsMatchFiniteDifferences() {
        Random r = new Random(SEED + 8);
        double[][][] s = new double[12][3][4];
        double[][][] q = new double[12][3][4];
        for (int i = 0; i < 12; i++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 4; k++) {
                    s[i][c][k] = r.nextGaussian();
                    q[i][c][k] = s[i][c][k] + 0.1 * r.nextGaussian();
                }
            }
        }
        NDArray samples = manager.create(flat(s), new Shape(12, 3, 4));
        for (ScoreEstimator e : new ScoreEstimator[] {
            KernelScoreEstimator.krr().optMollifier(new Mollifier(0.1, 3)).optRidge(Ridge.relativeToRowSum(0.5)).build(),
            KernelScoreEstimator.kde().optMollifier(new Mollifier(0.1, 3)).build()}) {
            ScoreFit fit = e.fit(samples);
            for (boolean self : new boolean[] {false, true}) {
                NDArray x = manager.create(flat(q), new Shape(12, 3, 4));
                x.setRequiresGradient(true);
                try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance()
                        .newGradientCollector()) {
                    gc.backward(fit.potential(x, self).sum());
                }
                double[] grad = x.getGradient().toDoubleArray();
                double[] base = flat(q);
                double scale = 0;
                for (double g : grad) {
                    scale = Math.max(scale, Math.abs(g));
                }
                for (int idx = 0; idx < base.length; idx += 7) {
                    double[] plus = base.clone();
                    double[] minus = base.clone();
                    plus[idx] += Tolerances.FD_STEP;
                    minus[idx] -= Tolerances.FD_STEP;
                    double fd = (sum(fit.potential(manager.create(plus, new Shape(12, 3, 4)), self))
                            - sum(fit.potential(manager.create(minus, new Shape(12, 3, 4)), self)))
                            / (2 * Tolerances.FD_STEP);
                    assertEquals(fd, grad[idx], Tolerances.FD_RTOL * scale + Tolerances.FD_ATOL,
                            e.name() + " self=" + self + " entry " + idx);
                }
            }
        }
    }

    private static double sum(NDArray a) {
        double s = 0;
        for (double v : a.toDoubleArray()) {
            s += v;
        }
        return s;
    }

    private static double[] flat(double[][][] a) {
        int n = a.length;
        int m = a[0].length;
        int f = a[0][0].length;
        double[] out = new double[n * m * f];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < m; c++) {
                System.arraycopy(a[i][c], 0, out, (i * m + c) * f, f);
            }
        }
        return out;
    }

    static double cosine(double[][] a, double[][] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                ab += a[i][k] * b[i][k];
                aa += a[i][k] * a[i][k];
                bb += b[i][k] * b[i][k];
            }
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double norm(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }
}
