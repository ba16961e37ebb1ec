package io.genalign.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.SharedFiles;
import io.genalign.core.testing.Tolerances;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fid against shared/vectors/fid.json (SciPy reference: unbiased covariances, sqrtm real part); tolerance as
 * stated in the file: relative 1e-8 for non-zero values, absolute 1e-8 for the distance of a set to itself.
 */
class FidVectorsTest extends GenalignTestBase {
    private static JsonNode json;
    private static double[][] a;
    private static double[][] b;

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedFiles.vectors();
        json = new ObjectMapper().readTree(dir.resolve("fid.json").toFile());
        assertTrue(json.get("description").asText().contains("(n-1)"), "fid.json convention changed");
        a = rows(Npy.read(dir.resolve(json.get("inputs").get("a").asText())), json.get("shapes").get("a"));
        b = rows(Npy.read(dir.resolve(json.get("inputs").get("b").asText())), json.get("shapes").get("b"));
    }

    @Test
    void fidOfAAgainstB() {
        assertRelative(expected("fid_a_b"), Fid.distance(GaussianFit.of(a), GaussianFit.of(b)));
        assertRelative(expected("fid_a_b"), Fid.distance(GaussianFit.of(b), GaussianFit.of(a)));
    }

    @Test
    void fidOfHalvesOfA() {
        double[][] first = Arrays.copyOfRange(a, 0, 300);
        double[][] last = Arrays.copyOfRange(a, 300, 600);
        assertRelative(expected("fid_a_first300_vs_a_last300"), Fid.distance(first, last));
    }

    @Test
    void fidOfAAgainstItselfIsZero() {
        GaussianFit fa = GaussianFit.of(a);
        assertEquals(expected("fid_a_a"), Fid.distance(fa, fa), Tolerances.FID_VECTOR_ATOL);
    }

    private static double expected(String key) {
        return json.get("expected").get(key).asDouble();
    }

    private static void assertRelative(double expected, double actual) {
        assertTrue(Tolerances.close(actual, expected, Tolerances.FID_VECTOR_RTOL, 0.0),
                "expected " + expected + " got " + actual + " (relative error "
                        + Math.abs(actual - expected) / Math.abs(expected) + ")");
    }

    private static double[][] rows(NpyArray array, JsonNode shape) {
        long[] s = array.shape();
        assertEquals(2, s.length, "feature file must be 2-D");
        assertEquals(shape.get(0).asLong(), s[0]);
        assertEquals(shape.get(1).asLong(), s[1]);
        int n = (int) s[0];
        int f = (int) s[1];
        double[] data = array.data();
        double[][] out = new double[n][f];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data, i * f, out[i], 0, f);
        }
        return out;
    }
}
