package io.genalign.core.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.io.Npy;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.SharedFiles;
import io.genalign.core.testing.Tolerances;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FDpoLossTest extends GenalignTestBase {
    private static final double LOG2 = Math.log(2.0);

    static List<Divergence> all() {
        List<Divergence> d = new ArrayList<>(List.of(Divergence.reverseKl(), Divergence.forwardKl(),
                Divergence.jensenShannon()));
        for (double a : Divergence.ALPHA_PRESETS) {
            d.add(Divergence.alpha(a));
        }
        return d;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Tolerances.close(actual, expected, Tolerances.VECTOR_RTOL, Tolerances.VECTOR_ATOL),
                what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void agreesWithSharedVectors() throws Exception {
        Path dir = SharedFiles.vectors();
        JsonNode root = new ObjectMapper().readTree(dir.resolve("fdpo.json").toFile());
        Map<String, double[][]> sets = new HashMap<>();
        for (JsonNode s : root.get("input_sets")) {
            sets.put(s.get("name").asText(), new double[][] {Npy.read(dir.resolve(s.get("delta_w").asText())).data(),
                    Npy.read(dir.resolve(s.get("delta_l").asText())).data()});
        }
        int cases = 0;
        for (JsonNode c : root.get("cases")) {
            DivergenceKind kind = DivergenceKind.valueOf(c.get("divergence").asText());
            Divergence div = kind == DivergenceKind.ALPHA ? Divergence.alpha(c.get("alpha").asDouble())
                    : new Divergence(kind, Double.NaN);
            FDpoLoss loss = FDpoLoss.builder().setDivergence(div).optBetaDpo(c.get("beta_dpo").asDouble())
                    .optBetaOut(c.get("beta_out").asDouble()).build();
            assertEquals(c.get("kappa").asDouble(), loss.kappa(), 0.0);
            double[][] in = sets.get(c.get("input_set").asText());
            NDArray dw = manager.create(in[0]);
            NDArray dl = manager.create(in[1]);
            dw.setRequiresGradient(true);
            dl.setRequiresGradient(true);
            FDpoLoss.Result r;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                r = loss.compute(dw, dl);
                gc.backward(r.loss().sum());
            }
            String name = c.get("input_set").asText() + "/" + div.label() + "/beta" + c.get("beta_dpo").asDouble();
            double[] sW = r.sW().toDoubleArray();
            double[] sL = r.sL().toDoubleArray();
            double[] m = r.margin().toDoubleArray();
            double[] l = r.loss().toDoubleArray();
            double[] gw = dw.getGradient().toDoubleArray();
            double[] gl = dl.getGradient().toDoubleArray();
            for (int i = 0; i < sW.length; i++) {
                assertClose(c.get("s_w").get(i).asDouble(), sW[i], name + " s_w[" + i + "]");
                assertClose(c.get("s_l").get(i).asDouble(), sL[i], name + " s_l[" + i + "]");
                assertClose(c.get("margin").get(i).asDouble(), m[i], name + " margin[" + i + "]");
                assertClose(c.get("loss").get(i).asDouble(), l[i], name + " loss[" + i + "]");
                assertClose(c.get("dloss_ddelta_w").get(i).asDouble(), gw[i], name + " dL/dDw[" + i + "]");
                assertClose(c.get("dloss_ddelta_l").get(i).asDouble(), gl[i], name + " dL/dDl[" + i + "]");
                assertClose(c.get("loss").get(i).asDouble(), loss.loss(in[0][i], in[1][i]), name + " double loss");
            }
            assertClose(c.get("loss_mean").asDouble(), r.meanLoss().getDouble(), name + " loss_mean");
            assertEquals(c.get("implicit_acc").asDouble(), r.implicitAccuracy(), 0.0, name + " implicit_acc");
            cases++;
        }
        assertTrue(cases >= 20, "only " + cases + " cases read");
    }

    @Test
    void reverseKlIsExactlyTheOfficialDiffusionDpoLoss() {
        Random rng = new Random(SEED);
        double beta = 5000;
        FDpoLoss loss = FDpoLoss.builder().setDivergence(Divergence.reverseKl()).optBetaDpo(beta).build();
        for (int i = 0; i < 200; i++) {
            double mw = 0.1 + 0.01 * rng.nextGaussian();
            double ml = 0.1 + 0.01 * rng.nextGaussian();
            double rw = 0.1 + 0.01 * rng.nextGaussian();
            double rl = 0.1 + 0.01 * rng.nextGaussian();
            // official: inside = -0.5 beta ((mw - ml) - (rw - rl)); loss = -logsigmoid(inside)
            double inside = -0.5 * beta * ((mw - ml) - (rw - rl));
            double official = StableMath.softplus(-inside);
            assertEquals(official, loss.loss(mw - rw, ml - rl), 1e-12 * Math.max(1, official));
        }
    }

    @Test
    void lossIsLog2AtInitialisationForEveryDivergenceAndBeta() {
        for (Divergence d : all()) {
            for (double beta : new double[] {1, 10, 2000, 5000}) {
                FDpoLoss loss = FDpoLoss.builder().setDivergence(d).optBetaDpo(beta).build();
                FDpoLoss.Result r = loss.compute(manager.zeros(new ai.djl.ndarray.types.Shape(3),
                        ai.djl.ndarray.types.DataType.FLOAT64), manager.create(new double[] {0.0, 0.0, 0.0}));
                for (double v : r.loss().toDoubleArray()) {
                    assertEquals(LOG2, v, 0.0, d.label() + " beta " + beta);
                }
            }
        }
    }

    @Test
    void alphaTendsToReverseKlAsAlphaGoesToZeroAndForwardKlAsAlphaGoesToOne() {
        double s = 0.7;
        double t = -1.3;
        double rev = Divergence.reverseKl().phi(s) - Divergence.reverseKl().phi(t);
        double fwd = Divergence.forwardKl().phi(s) - Divergence.forwardKl().phi(t);
        double small = Divergence.alpha(1e-7).phi(s) - Divergence.alpha(1e-7).phi(t);
        double near1 = Divergence.alpha(1 - 1e-7).phi(s) - Divergence.alpha(1 - 1e-7).phi(t);
        assertEquals(rev, small, 1e-6);
        // alpha -> 1: (1 - e^{-s}) - (1 - e^{-t}) = e^{-t} - e^{-s}, forward KL's margin
        assertEquals(fwd, near1, 1e-6);
    }

    @Test
    void jensenShannonMarginIdentity() {
        Random rng = new Random(SEED + 1);
        Divergence js = Divergence.jensenShannon();
        for (int i = 0; i < 100; i++) {
            double sw = 10 * rng.nextGaussian();
            double sl = 10 * rng.nextGaussian();
            double lhs = js.phi(sw) - js.phi(sl);
            double rhs = (sw - sl) - (StableMath.softplus(sw) - StableMath.softplus(sl));
            assertEquals(rhs, lhs, 1e-12 * Math.max(1, Math.abs(rhs)));
            // log sigma(s_w) - log sigma(s_l)
            double ls = Math.log(StableMath.sigmoid(sw)) - Math.log(StableMath.sigmoid(sl));
            assertEquals(ls, lhs, 1e-9 * Math.max(1, Math.abs(ls)));
        }
    }

    @Test
    void impliedRewardsAreBoundedBySupPhi() {
        for (Divergence d : all()) {
            for (double s = -30; s <= 30; s += 0.25) {
                assertTrue(d.phi(s) <= d.supPhi(), d.label() + " phi(" + s + ")");
            }
            if (d.kind() != DivergenceKind.REVERSE_KL) {
                assertEquals(d.supPhi(), d.phi(200.0), 1e-12, d.label() + " approaches its cap");
            }
        }
    }

    @Test
    void finiteDifferenceGradientsAgreeWithAutograd() {
        Random rng = new Random(SEED + 2);
        double h = 1e-7;
        for (Divergence d : all()) {
            FDpoLoss loss = FDpoLoss.builder().setDivergence(d).optBetaDpo(10).optBetaOut(1.5).build();
            double[] w = new double[5];
            double[] l = new double[5];
            for (int i = 0; i < 5; i++) {
                w[i] = 0.3 * rng.nextGaussian();
                l[i] = 0.3 * rng.nextGaussian();
            }
            NDArray dw = manager.create(w);
            NDArray dl = manager.create(l);
            dw.setRequiresGradient(true);
            dl.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(loss.compute(dw, dl).loss().sum());
            }
            double[] gw = dw.getGradient().toDoubleArray();
            double[] gl = dl.getGradient().toDoubleArray();
            for (int i = 0; i < 5; i++) {
                double fdW = (loss.loss(w[i] + h, l[i]) - loss.loss(w[i] - h, l[i])) / (2 * h);
                double fdL = (loss.loss(w[i], l[i] + h) - loss.loss(w[i], l[i] - h)) / (2 * h);
                assertEquals(fdW, gw[i], 1e-6 * Math.max(1, Math.abs(fdW)), d.label() + " w" + i);
                assertEquals(fdL, gl[i], 1e-6 * Math.max(1, Math.abs(fdL)), d.label() + " l" + i);
                assertTrue(gw[i] > 0 && gl[i] < 0, "winner pushed down, loser up");
            }
        }
    }

    @Test
    void float32StaysFiniteAtLargeS() {
        FDpoLoss loss = FDpoLoss.builder().setDivergence(Divergence.jensenShannon()).optBetaDpo(5000).build();
        NDArray w = manager.create(new float[] {3f, -3f, 0f});
        NDArray l = manager.create(new float[] {-3f, 3f, 0f});
        FDpoLoss.Result r = loss.compute(w, l);
        for (float v : r.loss().toFloatArray()) {
            assertTrue(Float.isFinite(v));
        }
        assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, r.loss().getDataType());
    }

    /** Spec §10 fact 13: extreme log-ratios (|s| = 50 and 1e3) give finite losses and gradients in both types. */
    @Test
    void lossAndGradientsStayFiniteAtExtremeLogRatios() {
        double kappa = 2500;
        double[] extremes = {50, -50, 1e3, -1e3};
        for (Divergence d : all()) {
            FDpoLoss loss = FDpoLoss.builder().setDivergence(d).optKappa(kappa).build();
            for (ai.djl.ndarray.types.DataType type : new ai.djl.ndarray.types.DataType[] {
                    ai.djl.ndarray.types.DataType.FLOAT32, ai.djl.ndarray.types.DataType.FLOAT64}) {
                double[] w = new double[extremes.length * extremes.length];
                double[] l = new double[w.length];
                for (int i = 0; i < extremes.length; i++) {
                    for (int j = 0; j < extremes.length; j++) {
                        w[i * extremes.length + j] = -extremes[i] / kappa; // Delta = -s/kappa
                        l[i * extremes.length + j] = -extremes[j] / kappa;
                    }
                }
                NDArray dw = manager.create(w).toType(type, false);
                NDArray dl = manager.create(l).toType(type, false);
                dw.setRequiresGradient(true);
                dl.setRequiresGradient(true);
                FDpoLoss.Result r;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    r = loss.compute(dw, dl);
                    gc.backward(r.loss().sum());
                }
                String what = d.label() + " " + type;
                for (double v : r.loss().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()) {
                    assertTrue(Double.isFinite(v) && v >= 0, what + " loss " + v);
                }
                for (NDArray g : new NDArray[] {dw.getGradient(), dl.getGradient()}) {
                    for (double v : g.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()) {
                        assertTrue(Double.isFinite(v), what + " gradient " + v);
                    }
                }
                for (int k = 0; k < w.length; k++) {
                    assertTrue(Double.isFinite(loss.loss(w[k], l[k])), what + " double loss");
                }
                double share = r.cappedShare();
                if (d.kind() == DivergenceKind.FORWARD_KL || d.kind() == DivergenceKind.ALPHA) {
                    // only s = -1e3 passes the cap (-alpha s = 300..700 > 50); s = -50 sits at or below it
                    assertEquals(0.25, share, 1e-12, what + " capped share");
                } else {
                    assertEquals(0.0, share, 0.0, what);
                }
            }
        }
    }

    /** Spec §10 fact 7: phi_JS(s) − phi_JS(−s) = s, so L_JS(beta; s, −s) = L_RKL(beta/2; s, −s). */
    @Test
    void jensenShannonAtBetaEqualsReverseKlAtHalfBetaOnAntisymmetricPairs() {
        Divergence js = Divergence.jensenShannon();
        for (double s : new double[] {-7, -2, -0.3, 0, 0.7, 2.5, 9}) {
            assertEquals(s, js.phi(s) - js.phi(-s), 1e-12 * Math.max(1, Math.abs(s)));
            for (double beta : new double[] {0.5, 1, 3}) {
                FDpoLoss l1 = FDpoLoss.builder().setDivergence(js).optKappa(1).optBetaOut(beta).build();
                FDpoLoss l2 = FDpoLoss.builder().setDivergence(Divergence.reverseKl()).optKappa(1)
                        .optBetaOut(beta / 2).build();
                assertEquals(l2.loss(-s, s), l1.loss(-s, s), 1e-12, "s " + s + " beta " + beta);
            }
        }
    }

    /** Spec §10 fact 3: L(s_w, s_l) − L(s_l, s_w) = −M. */
    @Test
    void swapIdentity() {
        Random rng = new Random(SEED + 3);
        for (Divergence d : all()) {
            FDpoLoss loss = FDpoLoss.builder().setDivergence(d).optKappa(1).optBetaOut(1.7).build();
            for (int i = 0; i < 50; i++) {
                double a = 2 * rng.nextGaussian();
                double b = 2 * rng.nextGaussian();
                double m = loss.margin(a, b);
                assertEquals(-m, loss.loss(a, b) - loss.loss(b, a), 1e-10 * Math.max(1, Math.abs(m)), d.label());
            }
        }
    }

    /** Spec §10 facts 5 and 9: phi' matches finite differences; dL/ds_w at s = 0 is −beta_out/2 (JS: −beta_out/4). */
    @Test
    void phiPrimeAndTheGradientAtInitialisation() {
        double h = 1e-6;
        for (Divergence d : all()) {
            for (double s : new double[] {-2, -0.3, 0, 0.7, 2.5}) {
                double fd = (d.phi(s + h) - d.phi(s - h)) / (2 * h);
                assertEquals(fd, d.phiPrime(s), 1e-5, d.label() + " phi'(" + s + ")");
            }
            double betaOut = 1.3;
            FDpoLoss loss = FDpoLoss.builder().setDivergence(d).optKappa(1).optBetaOut(betaOut).build();
            // s_w = -Delta_w with kappa = 1, so dL/ds_w = -dL/dDelta_w
            double dLdSw = -(loss.loss(h, 0) - loss.loss(-h, 0)) / (2 * h);
            double expected = d.kind() == DivergenceKind.JENSEN_SHANNON ? -betaOut / 4 : -betaOut / 2;
            assertEquals(expected, dLdSw, 1e-6, d.label());
        }
    }

    /** Spec §10 fact 6 at the spec's own points: alpha = 1e-6 and 1 − 1e-9, tolerance 1e-5. */
    @Test
    void alphaLimitsAtTheSpecPoints() {
        Divergence small = Divergence.alpha(1e-6);
        Divergence near1 = Divergence.alpha(1 - 1e-9);
        for (double s : new double[] {-2, -0.3, 0, 0.7, 2.5}) {
            assertEquals(s, small.phi(s), 1e-5, "alpha -> 0 at " + s);
            assertEquals(1 - Math.exp(-s), near1.phi(s), 1e-5, "alpha -> 1 at " + s);
        }
    }

    @Test
    void badInputIsRejected() {
        FDpoLoss loss = FDpoLoss.builder().setDivergence(Divergence.reverseKl()).build();
        assertThrows(IllegalArgumentException.class,
                () -> loss.compute(manager.create(new double[] {1, 2}), manager.create(new double[] {1})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.compute(manager.create(new double[] {Double.NaN}), manager.create(new double[] {1})));
        assertTrue(e.getMessage().contains("NaN"));
        e = assertThrows(IllegalArgumentException.class, () -> Divergence.parse("hellinger"));
        assertTrue(e.getMessage().contains("alpha:A"));
        assertThrows(IllegalArgumentException.class, () -> Divergence.alpha(1.0));
        assertEquals(Divergence.alpha(0.3), Divergence.parse("ALPHA:0.3"));
        assertEquals(Divergence.jensenShannon(), Divergence.parse("jensen_shannon"));
    }
}
