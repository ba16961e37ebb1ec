package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.io.NpyDtype;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.SharedFiles;
import io.genalign.core.testing.Tolerances;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GaussianityCommandTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = GenalignCli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path gaussFile(String name, long[] shape, long seed) throws Exception {
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        Path f = tmp.resolve(name);
        Npy.write(f, new NpyArray(shape, v, NpyDtype.FLOAT64));
        return f;
    }

    @Test
    void demoPrintsATableWithEveryCorruption() {
        Run r = run("gaussianity");
        assertEquals(0, r.code(), r.err());
        for (String name : new String[] {"clean", "scaled-1.3", "shifted+0.2", "ar1-0.7", "checker-mix",
                "heavy-tail", "MPGR total (BOTH)", "PRNO sequential term", "kurtosis"}) {
            assertTrue(r.out().contains(name), "table lacks " + name + ":\n" + r.out());
        }
    }

    @Test
    void demoJsonSeparatesCleanFromCorrupted() throws Exception {
        Run r = run("gaussianity", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode arr = new ObjectMapper().readTree(r.out());
        assertEquals(6, arr.size());
        JsonNode clean = arr.get(0);
        assertEquals("demo:clean", clean.get("file").asText());
        double cleanNatural = clean.get("mpgr").get("power_natural").asDouble();
        // AR(1) correlation is plain to the natural-order spectrum (spec fact 11: about 4x the floor at rho 0.7);
        // the checkerboard mix only partly (spec fact 16), but still far above the floor's spread (sd ~0.003)
        assertTrue(arr.get(3).get("mpgr").get("power_natural").asDouble() > 3 * cleanNatural);
        assertTrue(arr.get(4).get("mpgr").get("power_natural").asDouble() > cleanNatural + 0.03);
        // a shuffled spectrum is blind to both (spec fact 12)
        assertTrue(arr.get(3).get("mpgr").get("power_permuted").asDouble() < 1.2 * cleanNatural);
        // mean shift: L1 and KL catch it
        assertTrue(arr.get(2).get("mpgr").get("l1").asDouble() > 0.15);
        // heavy tails: kurtosis catches it
        assertTrue(arr.get(5).get("kurtosis").asDouble() > 10 * clean.get("kurtosis").asDouble());
        for (JsonNode o : arr) {
            for (String key : new String[] {"file", "index", "shape", "mean", "std", "ks", "mpgr", "norm", "prno",
                    "prno_sequential", "kl", "kurtosis"}) {
                assertTrue(o.has(key), "missing " + key);
            }
            for (String key : new String[] {"total", "l1", "l2", "power_natural", "power_permuted",
                    "total_natural"}) {
                assertTrue(o.get("mpgr").has(key), "missing mpgr." + key);
            }
            JsonNode m = o.get("mpgr");
            double expectNatural = m.get("l1").asDouble() + m.get("l2").asDouble()
                    + 25 * m.get("power_natural").asDouble();
            assertTrue(Tolerances.close(m.get("total_natural").asDouble(), expectNatural, 1e-12, 1e-12));
        }
    }

    @Test
    void sharedVectorFileMatchesItsExpectedValues() throws Exception {
        Path dir = SharedFiles.vectors();
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("gaussianity.json").toFile()).get("cases");
        JsonNode c = cases.get(0);
        Run r = run("gaussianity", "--json", dir.resolve(c.get("input").asText()).toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out()).get(0);
        double rtol = Tolerances.VECTOR_RTOL;
        double atol = Tolerances.VECTOR_ATOL;
        assertTrue(Tolerances.close(o.get("mpgr").get("total_natural").asDouble(),
                c.get("mpgr").get("total").asDouble(), rtol, atol));
        assertTrue(Tolerances.close(o.get("norm").asDouble(), c.get("reno_norm").asDouble(), rtol, atol));
        assertTrue(Tolerances.close(o.get("prno_sequential").asDouble(),
                c.get("prno_sequential").get("value").asDouble(), rtol, atol));
        assertTrue(Tolerances.close(o.get("kl").asDouble(), c.get("kl").asDouble(), rtol, atol));
        assertTrue(Tolerances.close(o.get("ks").asDouble(), c.get("stats").get("ks_distance").asDouble(), rtol, atol));
    }

    @Test
    void batchedFileGivesOneObjectPerSampleAndSeedFixesPermutations() throws Exception {
        Path f = gaussFile("batch.npy", new long[] {3, 8, 8, 4}, 7);
        Run a = run("gaussianity", "--json", "--batched", "--seed", "5", f.toString());
        Run b = run("gaussianity", "--json", "--batched", "--seed", "5", f.toString());
        Run c = run("gaussianity", "--json", "--batched", "--seed", "6", f.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode arr = new ObjectMapper().readTree(a.out());
        assertEquals(3, arr.size());
        assertEquals(2, arr.get(2).get("index").asInt());
        assertEquals("[8,8,4]", arr.get(0).get("shape").toString());
        assertEquals(a.out(), b.out());
        assertFalse(a.out().equals(c.out()), "a different seed must draw different permutations");
    }

    @Test
    void missingFileExitsWith2AndNamesIt() {
        Run r = run("gaussianity", tmp.resolve("nope.npy").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.npy") && r.err().contains("no such file"), r.err());
    }

    @Test
    void corruptFileExitsWith2() throws Exception {
        Path f = tmp.resolve("bad.npy");
        Files.write(f, new byte[] {1, 2, 3, 4, 5});
        Run r = run("gaussianity", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.npy"), r.err());
    }

    @Test
    void nanAndZeroSamplesExitWith2NamingTheProblem() throws Exception {
        double[] v = new double[64];
        Arrays.fill(v, 0.5);
        v[10] = Double.NaN;
        Path nan = tmp.resolve("nan.npy");
        Npy.write(nan, new NpyArray(new long[] {64}, v, NpyDtype.FLOAT64));
        Run r = run("gaussianity", nan.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("NaN"), r.err());
        Path zero = tmp.resolve("zero.npy");
        Npy.write(zero, new NpyArray(new long[] {4, 4}, new double[16], NpyDtype.FLOAT64));
        r = run("gaussianity", zero.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("all zeros"), r.err());
        Path inf = tmp.resolve("inf.npy");
        v[10] = Double.POSITIVE_INFINITY;
        Npy.write(inf, new NpyArray(new long[] {64}, v, NpyDtype.FLOAT64));
        r = run("gaussianity", inf.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("infinite"), r.err());
    }

    @Test
    void outWritesReportAndProvenanceAndNeverOverwrites() throws Exception {
        Path f = gaussFile("one.npy", new long[] {16, 16}, 3);
        Path out = tmp.resolve("report.json");
        Run r = run("gaussianity", "--out", out.toString(), f.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode prov = new ObjectMapper().readTree(tmp.resolve("report.provenance.json").toFile());
        assertEquals("gaussianity", prov.get("command").asText());
        assertEquals(GaussianityCommand.DEFAULT_SEED, prov.get("seeds").get("permutations").asLong());
        assertTrue(prov.get("peak_memory").get("process_peak_rss_bytes").asLong() > 0);
        assertTrue(prov.get("versions").has("djl"));
        String before = Files.readString(out);
        Run again = run("gaussianity", "--out", out.toString(), "--seed", "9", f.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(before, Files.readString(out));
        assertEquals(0, run("gaussianity", "--out", out.toString(), "--overwrite", f.toString()).code());
    }
}
