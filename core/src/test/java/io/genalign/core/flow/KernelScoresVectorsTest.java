package io.genalign.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.testing.SharedFiles;
import io.genalign.core.testing.Tolerances;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KRR, KDE and Stein scores against shared/vectors/kernel_scores.json (independent NumPy, float64; identity
 * features, Gaussian kernel). Scores are taken by autodiff of the estimators' potentials, the path the flow uses.
 */
class KernelScoresVectorsTest extends FlowTestBase {
    private static JsonNode kase;
    private static double[][] samples;
    private static double[][] queries;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedFiles.vectors();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("kernel_scores.json").toFile());
        assertEquals("kernel_scores", json.get("family").asText());
        kase = json.get("cases").get(0);
        samples = rows(Npy.read(dir.resolve(kase.get("samples").asText())), kase.get("n").asInt());
        queries = rows(Npy.read(dir.resolve(kase.get("queries").asText())), kase.get("m").asInt());
    }

    @Test
    void medianHeuristicBandwidth() {
        double h = Bandwidth.median().resolve(KernelMath.toJava(FlowFixtures.features(manager, samples)));
        assertClose(kase.get("median_heuristic").get("h").asDouble(), h);
        assertClose(kase.get("median_heuristic").get("median_sq_dist").asDouble(),
                KernelMath.medianSquaredDistance(KernelMath.toJava(FlowFixtures.features(manager, samples))));
    }

    @Test
    void kdeScoreAndDensity() {
        double h = kase.get("h").asDouble();
        ScoreFit fit = KernelScoreEstimator.kde().optBandwidth(Bandwidth.fixed(h)).build()
                .fit(FlowFixtures.features(manager, samples));
        assertRows(kase.get("kde").get("score"), FlowFixtures.score(manager, fit, queries, false));
        assertDensity(kase.get("kde").get("density"), FlowFixtures.potential(manager, fit, queries, false));
    }

    @Test
    void krrWeightsScoresAndDensities() {
        double h = kase.get("h").asDouble();
        int checked = 0;
        for (JsonNode c : kase.get("krr")) {
            double lambda = c.get("lambda").asDouble();
            KernelScoreEstimator.Fit fit = KernelScoreEstimator.krr().optBandwidth(Bandwidth.fixed(h))
                    .optRidge(Ridge.absolute(lambda)).optPositivityGuard(false).build()
                    .fit(FlowFixtures.features(manager, samples));
            double[] alpha = fit.alpha();
            for (int j = 0; j < alpha.length; j++) {
                assertClose(c.get("alpha").get(j).asDouble(), alpha[j]);
            }
            assertRows(c.get("score"), FlowFixtures.score(manager, fit, queries, false));
            assertDensity(c.get("density"), FlowFixtures.potential(manager, fit, queries, false));
            checked++;
        }
        assertEquals(3, checked);
    }

    @Test
    void steinGradientsAtFixedAndMedianBandwidth() {
        int checked = 0;
        for (JsonNode c : kase.get("stein")) {
            Bandwidth bw = "fixed".equals(c.get("h_rule").asText()) ? Bandwidth.fixed(c.get("h").asDouble())
                    : Bandwidth.median();
            SteinScoreEstimator.Fit fit = SteinScoreEstimator.builder().optBandwidth(bw).optNu(c.get("eta").asDouble())
                    .build().fit(FlowFixtures.features(manager, samples));
            assertClose(c.get("h").asDouble(), fit.bandwidth());
            assertRows(c.get("gradient"), fit.scores());
            assertRows(c.get("gradient"), FlowFixtures.score(manager, fit, samples, true));
            checked++;
        }
        assertEquals(2, checked);
    }

    private static void assertRows(JsonNode expected, double[][] actual) {
        assertEquals(expected.size(), actual.length);
        for (int i = 0; i < actual.length; i++) {
            for (int k = 0; k < actual[i].length; k++) {
                assertClose(expected.get(i).get(k).asDouble(), actual[i][k]);
            }
        }
    }

    private static void assertDensity(JsonNode expected, double[] logDensity) {
        assertEquals(expected.size(), logDensity.length);
        for (int i = 0; i < logDensity.length; i++) {
            assertClose(expected.get(i).asDouble(), Math.exp(logDensity[i]));
        }
    }

    private static void assertClose(double expected, double actual) {
        assertTrue(Tolerances.close(actual, expected, Tolerances.VECTOR_RTOL, Tolerances.VECTOR_ATOL),
                "expected " + expected + ", got " + actual);
    }

    private static double[][] rows(NpyArray a, int n) {
        double[] flat = a.data();
        int d = flat.length / n;
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }
}
