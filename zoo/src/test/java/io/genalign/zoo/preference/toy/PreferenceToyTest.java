package io.genalign.zoo.preference.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import io.genalign.zoo.preference.DivergenceConfig;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.testing.GenalignTestBase;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 2-D Gaussian-mixture toy at tiny sizes: it aligns, and it is deterministic. */
class PreferenceToyTest extends GenalignTestBase {
    static PreferenceToy.Options tiny(List<String> configs, int refSteps) {
        return new PreferenceToy.Options(8, 1.0, 0.12, 50, 64, refSteps, 256, 3e-3f, 256, 4.0, 100, 32, 1e-3f, 1e-2f,
                100, 512, 25, 1.0 / 32, List.of(5L), configs);
    }

    static PreferenceToy.Options tiny(List<String> configs) {
        return tiny(configs, 1000);
    }

    private static int previousThreads;

    /** One intra-op thread, as the documented run: tiny matrices, and no spinning threads on a shared machine. */
    @BeforeAll
    static void oneThread() {
        EngineBootstrap.start(SEED);
        previousThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(previousThreads);
    }

    @Test
    void mixtureStatisticsOfExactSamples() {
        RingMixture mix = new RingMixture(8, 1.0, 0.08);
        assertEquals(0, mix.modeOf(1.0, 0.0));
        assertEquals(4, mix.modeOf(-1.0, 0.01));
        assertEquals(-1, mix.modeOf(0.0, 0.0));
        assertEquals(7, mix.nearest(0.7, -0.7));
        RingMixture.Stats s = mix.stats(mix.sample(8000, new SplittableRandom(3)), 1.0 / 32);
        assertEquals(8, s.surviving());
        assertTrue(s.offMode() < 0.03, "3 std hold ~98.9% of a 2-D Gaussian: " + s.offMode());
        assertTrue(s.effectiveModes() > 7.9, "equal modes: " + s.effectiveModes());
        assertEquals(0.0, s.meanReward(), 0.03);
        // all the points on mode 0: one surviving mode, reward ~1
        float[] one = new float[200];
        for (int i = 0; i < 100; i++) {
            one[2 * i] = 1f;
        }
        RingMixture.Stats o = mix.stats(one, 1.0 / 32);
        assertEquals(1, o.surviving());
        assertEquals(1.0, o.effectiveModes(), 1e-12);
        assertEquals(1.0, o.meanReward(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new RingMixture(8, 1.0, 0.2));
    }

    @Test
    void reverseKlRaisesTheReward() throws Exception {
        PreferenceToy.Outcome a = PreferenceToy.run(tiny(List.of("reverse-kl")), line -> {});
        PreferenceToy.SeedResult s = a.seeds().get(0);
        assertTrue(s.reference().offMode() < 0.3, "the tiny reference learns the ring: off-mode " + s.reference().offMode());
        assertTrue(s.reference().surviving() >= 6, "the tiny reference covers the modes: " + s.reference().surviving());
        assertTrue(s.winnerReward() > s.loserReward() + 0.3, "labels follow the reward");
        PreferenceToy.Run r = s.runs().get(0);
        assertTrue(r.stats().meanReward() > s.reference().meanReward() + 0.1,
                "reverse KL raises the mean reward: " + s.reference().meanReward() + " -> " + r.stats().meanReward());
        assertTrue(r.accEnd() > 0.5, "implicit accuracy " + r.accEnd());
        assertEquals(2, a.samples().size());
    }

    @Test
    void theRunIsDeterministic() throws Exception {
        PreferenceToy.Options o = tiny(List.of("js@2"), 150);
        PreferenceToy.Outcome a = PreferenceToy.run(o, line -> {});
        PreferenceToy.Outcome b = PreferenceToy.run(o, line -> {});
        assertArrayEquals(a.samples().get("reference"), b.samples().get("reference"));
        assertArrayEquals(a.samples().get("js@2"), b.samples().get("js@2"));
        PreferenceToy.Run ra = a.seeds().get(0).runs().get(0);
        PreferenceToy.Run rb = b.seeds().get(0).runs().get(0);
        assertArrayEquals(ra.stats().shares(), rb.stats().shares());
        assertEquals(ra.lossEnd(), rb.lossEnd(), 0.0);
        assertEquals(ra.sWEnd(), rb.sWEnd(), 0.0);
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> tiny(List.of("hellinger")));
        assertThrows(IllegalArgumentException.class, () -> tiny(List.of()));
        assertThrows(IllegalArgumentException.class, () -> DivergenceConfig.parse("js@x"));
        assertEquals(2.0, DivergenceConfig.parse("js@2").betaOut(), 0.0);
    }
}
