package io.genalign.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurvesTest {
    @TempDir
    Path tmp;

    @Test
    void writesAPngOfEveryLossIncludingLatePhaseTerms() throws Exception {
        Path f = tmp.resolve("loss-curve.png");
        LossCurves.write(f, "gan", List.of(Map.of("d_loss", 1.0, "g_loss", 2.0),
                Map.of("d_loss", 0.5, "g_loss", 1.5, "ce_real", 0.3)));
        byte[] head = Files.readAllBytes(f);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
    }

    @Test
    void anEmptyHistoryDrawsNothing() throws Exception {
        Path f = tmp.resolve("none.png");
        LossCurves.write(f, "gan", List.of());
        assertFalse(Files.exists(f));
    }
}
