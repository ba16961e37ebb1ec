package io.genalign.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class EngineBootstrapTest {
    @Test
    void offlinePropertyIsTrueAfterBootstrap() {
        EngineBootstrap.ensureOffline();
        assertEquals("true", System.getProperty(EngineBootstrap.OFFLINE_PROPERTY));
        assertTrue(EngineBootstrap.start(1).offline());
    }

    @Test
    void sameSeedGivesSameEngineRandomNumbers() {
        float[] a;
        float[] b;
        EngineBootstrap.start(42);
        try (NDManager m = Tensors.newManager()) {
            a = m.randomNormal(new Shape(16)).toFloatArray();
        }
        EngineBootstrap.start(42);
        try (NDManager m = Tensors.newManager()) {
            b = m.randomNormal(new Shape(16)).toFloatArray();
        }
        assertArrayEquals(a, b);
    }

    @Test
    void cpuMachineChoosesCpuAndRejectsUnknownDevice() {
        Engine engine = Engine.getInstance();
        if (engine.getGpuCount() == 0) {
            assertEquals(Device.cpu(), EngineBootstrap.chooseDevice(engine, "auto"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EngineBootstrap.chooseDevice(engine, "gpu"));
            assertTrue(e.getMessage().contains("no GPU"));
        } else {
            assertEquals(Device.gpu(), EngineBootstrap.chooseDevice(engine, "auto"));
        }
        assertEquals(Device.cpu(), EngineBootstrap.chooseDevice(engine, "CPU"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineBootstrap.chooseDevice(engine, "tpu"));
        assertTrue(e.getMessage().contains("tpu"));
    }

    @Test
    void versionsAreFilteredAtBuildTime() {
        assertTrue(Versions.all().get("djl").startsWith("0."), Versions.all().toString());
        assertTrue(!Versions.genalign().contains("${"), Versions.genalign());
    }
}
