package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.SharedFiles;
import io.genalign.core.testing.Tolerances;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Agreement with the independent NumPy vectors in shared/vectors/gaussianity.json (float64, rtol 1e-9). */
class GaussianityVectorsTest extends GenalignTestBase {

    private static JsonNode root() throws Exception {
        return new ObjectMapper().readTree(SharedFiles.vectors().resolve("gaussianity.json").toFile());
    }

    private static void close(double expected, double actual, String what) {
        assertTrue(Tolerances.close(actual, expected, Tolerances.VECTOR_RTOL, Tolerances.VECTOR_ATOL),
                what + ": expected " + expected + ", got " + actual + " (rel " + Math.abs(actual - expected)
                        / Math.max(Math.abs(expected), 1e-300) + ")");
    }

    private NDArray load(Path file) throws Exception {
        NpyArray a = Npy.read(file);
        return manager.create(a.data(), new Shape(1).addAll(new Shape(a.shape())));
    }

    private static double one(NDArray perSample) {
        return perSample.toDoubleArray()[0];
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatches() throws Exception {
        Path dir = SharedFiles.vectors();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root().get("cases")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> checkCase(dir, c)));
        }
        assertTrue(tests.size() >= 8, "cases read: " + tests.size());
        return tests.stream();
    }

    private void checkCase(Path dir, JsonNode c) throws Exception {
        String name = c.get("name").asText();
        NDArray x = load(dir.resolve(c.get("input").asText()));
        assertEquals(c.get("D").asLong(), x.getShape().size(), name + " D");
        double[] flat = x.toDoubleArray();
        GaussianityStats st = GaussianityStats.of(flat);
        close(c.get("stats").get("mean").asDouble(), st.mean(), name + " mean");
        close(c.get("stats").get("std").asDouble(), st.std(), name + " std");
        close(c.get("stats").get("ks_distance").asDouble(), st.ks(), name + " ks");

        NDArray xf = Flat.flatten(x);
        for (Map.Entry<String, JsonNode> e : iterable(c.get("moment_losses"))) {
            int n = Integer.parseInt(e.getKey());
            close(e.getValue().asDouble(), one(Mpgr.momentLoss(xf, n)), name + " L_" + n);
        }
        Mpgr natural = Mpgr.builder().optPermutationMode(PermutationMode.NATURAL).build();
        Mpgr.MpgrTerms t = natural.terms(x);
        JsonNode mp = c.get("mpgr");
        close(mp.get("l1").asDouble(), t.l1()[0], name + " mpgr.l1");
        close(mp.get("l2").asDouble(), t.l2()[0], name + " mpgr.l2");
        close(mp.get("l_power").asDouble(), t.powerNatural()[0], name + " mpgr.l_power");
        close(mp.get("total").asDouble(), t.totalNatural()[0], name + " mpgr.total (terms)");
        close(mp.get("total").asDouble(), one(natural.perSample(x)), name + " mpgr.total (perSample)");
        close(mp.get("total").asDouble(), natural.valueAndGradient(x).perSample()[0],
                name + " mpgr.total (closed-form valueAndGradient)");
        long blocks = c.get("D").asLong() / Mpgr.DEFAULT_BLOCK_SIZE;
        assertEquals(mp.get("n_blocks").asLong(), blocks, name + " n_blocks");
        assertEquals(mp.get("dropped_bins").asLong(), c.get("D").asLong() - blocks * Mpgr.DEFAULT_BLOCK_SIZE);

        close(c.get("reno_norm").asDouble(), one(new RenoNorm().perSample(x)), name + " reno_norm");
        close(c.get("reno_norm").asDouble(), new RenoNorm().valueAndGradient(x).perSample()[0],
                name + " reno_norm (closed-form valueAndGradient)");
        JsonNode pr = c.get("prno_sequential");
        Prno seq = Prno.builder().optShuffles(0).build();
        Prno.Terms pt = seq.sequentialTerms(x);
        close(pr.get("value").asDouble(), one(seq.perSample(x)), name + " prno.value");
        close(pr.get("value").asDouble(), pt.value()[0], name + " prno.value (terms)");
        close(pr.get("value").asDouble(), seq.valueAndGradient(x).perSample()[0],
                name + " prno.value (closed-form valueAndGradient)");
        close(pr.get("M1").asDouble(), pt.m1()[0], name + " prno.M1");
        close(pr.get("M2").asDouble(), pt.m2()[0], name + " prno.M2");
        close(pr.get("log_p1").asDouble(), pt.logP1()[0], name + " prno.log_p1");
        close(pr.get("log_p2").asDouble(), pt.logP2()[0], name + " prno.log_p2");
        assertEquals(pr.get("m").asLong(), pt.rows(), name + " prno.m");
        assertEquals(pr.get("p1_clamped").asBoolean(), pt.logP1()[0] == -Math.log(2), name + " p1_clamped");
        assertEquals(pr.get("p2_clamped").asBoolean(), pt.logP2()[0] == -Math.log(2), name + " p2_clamped");

        close(c.get("kl").asDouble(), one(new KlRegularizer().perSample(x)), name + " kl");
        close(c.get("kurtosis").asDouble(), one(new KurtosisRegularizer().perSample(x)), name + " kurtosis");

        JsonNode cov = c.get("covariance_matching");
        close(cov.get("spectral_form").asDouble(), one(CircularCovarianceMatching.spectralForm(x)),
                name + " covariance.spectral_form");
        close(cov.get("spectral_norm").asDouble(), one(CircularCovarianceMatching.spectralNorm(x)),
                name + " covariance.spectral_norm");
        if (c.get("D").asLong() <= 8192) {
            close(cov.get("frobenius_sq").asDouble(), one(new CircularCovarianceMatching().perSample(x)),
                    name + " covariance.frobenius_sq (spatial O(D^2))");
        }

        JsonNode grads = c.get("gradients");
        if (grads != null && !grads.isNull()) {
            Map<String, Regularizer> regs = Map.of("mpgr_total", natural, "reno_norm", new RenoNorm(),
                    "prno_sequential", seq, "kl", new KlRegularizer(), "kurtosis", new KurtosisRegularizer(),
                    "covariance_matching", new CircularCovarianceMatching());
            for (Map.Entry<String, JsonNode> g : iterable(grads)) {
                Regularizer r = regs.get(g.getKey());
                if (r == null) {
                    throw new AssertionError("no regularizer for gradient " + g.getKey());
                }
                double[] expected = Npy.read(dir.resolve(g.getValue().asText())).data();
                // the regularizer's own path (closed form for MPGR and the norm) and autograd on perSample
                checkGradient(name + " gradient " + g.getKey(), expected,
                        Gradients.valueAndGradient(r, x).gradient().toDoubleArray());
                checkGradient(name + " autograd gradient " + g.getKey(), expected,
                        Gradients.autograd(r, x).gradient().toDoubleArray());
            }
        }
    }

    private static void checkGradient(String what, double[] expected, double[] actual) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= Tolerances.VECTOR_ATOL
                            + Tolerances.VECTOR_RTOL * Math.max(Math.abs(expected[i]), scale * 1e-3),
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
