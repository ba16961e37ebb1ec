package io.genalign.core.flow;

import ai.djl.pytorch.jni.JniUtils;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.testing.GenalignTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The flow tests run thousands of tiny tensor operations; on a loaded 2-core machine PyTorch's intra-op thread pool
 * spends most of that time spin-waiting (measured: ParticleFlowFactsTest 13 s with one thread, over 4 minutes with
 * two). These tests therefore use one intra-op thread and restore the previous setting afterwards, so the other
 * tests of the JVM are unaffected.
 */
abstract class FlowTestBase extends GenalignTestBase {
    private static int previousThreads;

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
}
