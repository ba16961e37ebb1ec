package io.genalign.core.testing;

import ai.djl.ndarray.NDManager;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base class for tensor tests: a fixed seed, the engine started through {@link EngineBootstrap}, and a fresh
 * manager per test that is closed afterwards. Tolerances live in {@link Tolerances}.
 */
public abstract class GenalignTestBase {
    /** The one seed every test derives its randomness from. */
    public static final long SEED = 20251124L;

    protected NDManager manager;

    @BeforeEach
    void openManager() {
        EngineBootstrap.start(SEED);
        manager = Tensors.newManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }
}
