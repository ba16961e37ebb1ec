package io.genalign.bench.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genalign.core.runtime.EngineBootstrap;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The short version of the PRNO stress run (the full one is 100,000 calls, recorded in docs/regularizers.md): 100
 * value + gradient calls of the default PRNO on a varying (8, 16, 7, 7) latent, every value and gradient entry finite.
 * Before the scalar-lifetime fix the harness failed on its first call under GC pressure.
 */
class PrnoStressTest {
    @Test
    void prnoValueAndGradientStayFiniteOverManyCalls() {
        EngineBootstrap.start(1);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrnoStress.Result r = PrnoStress.run(100, false, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(0, r.nonFinite(), log.toString(StandardCharsets.UTF_8));
        assertEquals(100, r.calls());
    }
}
