package io.genalign.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.testing.GenalignTestBase;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 8: reading a .npy costs at most 1.5x its size. Measured as the bytes this thread allocates on the
 * Java heap while reading a 64 MiB file (com.sun.management.ThreadMXBean#getThreadAllocatedBytes).
 */
class NpyMemoryTest extends GenalignTestBase {
    static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void readingA64MiBFileAllocatesAtMostOneAndAHalfTimesItsSize() throws Exception {
        int n = 16 * MIB; // 16 Mi float32 values = 64 MiB
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) Math.sin(i * 1e-3);
        }
        Path f32 = tmp.resolve("big-f32.npy");
        Npy.write(f32, new NpyArray(new long[] {n / 256, 256}, values));
        long size = Files.size(f32);
        assertTrue(size > 64L * MIB);

        long before = allocated();
        NpyArray a = Npy.read(f32);
        long cost = allocated() - before;
        assertTrue(a.isFloatStorage());
        assertEquals(values[12345], a.floatData()[12345], 0f);
        assertEquals(values[n - 1], a.floatData()[n - 1], 0f);
        assertTrue(cost <= 1.5 * size, "Npy.read allocated " + cost + " bytes for a " + size + "-byte file");
        assertTrue(cost >= size, "the float[] itself: " + cost);

        Path f64 = tmp.resolve("big-f64.npy");
        double[] d = new double[n / 2]; // 64 MiB of float64
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.cos(i * 1e-3);
        }
        Npy.write(f64, new NpyArray(new long[] {d.length}, d, NpyDtype.FLOAT64));
        long size64 = Files.size(f64);
        before = allocated();
        NpyArray b = Npy.read(f64);
        cost = allocated() - before;
        assertEquals(d[d.length - 1], b.data()[d.length - 1], 0.0);
        assertTrue(cost <= 1.5 * size64, "Npy.read (float64) allocated " + cost + " bytes for " + size64);

        // into an NDArray: one direct buffer outside the heap, almost nothing on it
        try (NDManager m = manager.newSubManager()) {
            before = allocated();
            NDArray x = Npy.readNDArray(f32, m);
            cost = allocated() - before;
            assertEquals(DataType.FLOAT32, x.getDataType());
            assertEquals(values[n - 1], x.get(n / 256 - 1, 255).getFloat(), 0f);
            assertTrue(cost <= 0.1 * size, "Npy.readNDArray allocated " + cost + " heap bytes for " + size);
        }
    }
}
