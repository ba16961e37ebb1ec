package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceToyExperimentTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    @Test
    void tinyToyWritesTheTableTheFiguresAndTheCommand() throws Exception {
        Path out = tmp.resolve("toy");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("experiment", "preference-toy", "--seeds", "7",
                "--configs", "reverse-kl,js@2", "--std", "0.12", "--T", "20", "--hidden", "16", "--ref-steps", "60",
                "--pairs", "32", "--steps", "5", "--batch", "8", "--samples", "64", "--ddim-steps", "5", "--grid", "9",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        String md = Files.readString(out.resolve("results.md"));
        for (String s : List.of("| reference | ", "| reverse-kl | ", "| js@2 | ", "./genalign experiment preference-toy "
                + "--seeds 7")) {
            assertTrue(md.contains(s), s + "\n" + md);
        }
        for (String f : List.of("gradient-field.png", "densities.png", "reward-vs-modes.png", "provenance.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(1, json.get("seeds").size());
        assertEquals(2, json.get("seeds").get(0).get("runs").size());
        assertEquals(2, GaussianityCommandTest.run("experiment", "preference-toy", "--configs", "hellinger", "--out",
                tmp.resolve("bad").toString()).code());
    }
}
