package io.genalign.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    @Test
    void everySharedFixtureLoadsOrIsRejectedAsExpected() throws Exception {
        Path dir = SharedFiles.vectors();
        JsonNode root = new ObjectMapper().readTree(dir.resolve("npy_formats.json").toFile());
        double[] expected = new double[root.get("values_c_order").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = root.get("values_c_order").get(i).asDouble();
        }
        int ok = 0;
        int rejected = 0;
        for (JsonNode f : root.get("files")) {
            Path file = dir.resolve(f.get("file").asText());
            if ("ok".equals(f.get("expect").asText())) {
                NpyArray a = Npy.read(file);
                assertArrayEquals(new long[] {2, 3, 4}, a.shape(), file.toString());
                assertArrayEquals(expected, a.data(), 0.0, file.toString());
                assertEquals(f.get("descr").asText().endsWith("f4") ? NpyDtype.FLOAT32 : NpyDtype.FLOAT64, a.dtype());
                ok++;
            } else {
                IOException e = assertThrows(IOException.class, () -> Npy.read(file), file.toString());
                String descr = f.get("descr").asText();
                boolean fortran = f.get("fortran_order").asBoolean();
                assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
                assertTrue(fortran ? e.getMessage().contains("Fortran order") : e.getMessage().contains(descr),
                        e.getMessage());
                rejected++;
            }
        }
        assertEquals(6, ok);
        assertEquals(2, rejected);
    }

    @Test
    void roundTripsFloat32AndFloat64InSeveralShapes() throws Exception {
        Random r = new Random(SEED);
        long[][] shapes = {{}, {1}, {7}, {3, 0}, {2, 3, 4}, {1, 16, 64, 64}};
        for (NpyDtype dtype : NpyDtype.values()) {
            for (long[] shape : shapes) {
                int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = dtype == NpyDtype.FLOAT32 ? (float) r.nextGaussian() : r.nextGaussian();
                }
                Path f = tmp.resolve(dtype + "_" + shape.length + "_" + n + ".npy");
                NpyArray a = new NpyArray(shape, v, dtype);
                Npy.write(f, a);
                assertEquals(a, Npy.read(f), Arrays.toString(shape));
                assertEquals(0, Files.size(f) % 64 == 0 ? 0 : (Files.size(f) - n * dtype.bytes()) % 64,
                        "header padded to 64 bytes");
            }
        }
    }

    @Test
    void ndArrayRoundTripKeepsTypeAndShape() throws Exception {
        NDArray x = manager.randomNormal(new Shape(2, 5, 3));
        Path f = tmp.resolve("x.npy");
        Npy.writeNDArray(f, x);
        NDArray y = Npy.readNDArray(f, manager);
        assertEquals(DataType.FLOAT32, y.getDataType());
        assertEquals(x.getShape(), y.getShape());
        assertArrayEquals(x.toFloatArray(), y.toFloatArray(), 0f);
        NDArray d = x.toType(DataType.FLOAT64, false);
        Npy.writeNDArray(f, d);
        assertEquals(DataType.FLOAT64, Npy.readNDArray(f, manager).getDataType());
        assertThrows(IllegalArgumentException.class, () -> Npy.writeNDArray(f, x.toType(DataType.INT32, false)));
    }

    private Path valid() throws IOException {
        Path f = tmp.resolve("valid.npy");
        Npy.write(f, new NpyArray(new long[] {4}, new double[] {1, 2, 3, 4}, NpyDtype.FLOAT64));
        return f;
    }

    @Test
    void badMagicIsNamed() throws Exception {
        Path f = tmp.resolve("magic.npy");
        byte[] b = Files.readAllBytes(valid());
        b[1] = 'X';
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("bad magic") && e.getMessage().contains("magic.npy"), e.getMessage());
    }

    @Test
    void truncatedDataAndHeaderAreNamed() throws Exception {
        byte[] b = Files.readAllBytes(valid());
        Path data = tmp.resolve("data.npy");
        Files.write(data, Arrays.copyOf(b, b.length - 5));
        IOException e = assertThrows(IOException.class, () -> Npy.read(data));
        assertTrue(e.getMessage().contains("truncated .npy data"), e.getMessage());
        Path header = tmp.resolve("header.npy");
        Files.write(header, Arrays.copyOf(b, 30));
        e = assertThrows(IOException.class, () -> Npy.read(header));
        assertTrue(e.getMessage().contains("truncated .npy header"), e.getMessage());
        Path tiny = tmp.resolve("tiny.npy");
        Files.write(tiny, new byte[] {(byte) 0x93, 'N'});
        e = assertThrows(IOException.class, () -> Npy.read(tiny));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path extra = tmp.resolve("extra.npy");
        Files.write(extra, Arrays.copyOf(b, b.length + 3));
        e = assertThrows(IOException.class, () -> Npy.read(extra));
        assertTrue(e.getMessage().contains("unexpected bytes"), e.getMessage());
    }

    @Test
    void garbageHeaderIsNamed() throws Exception {
        byte[] b = Files.readAllBytes(valid());
        String header = new String(b, 10, b.length - 10 - 32, java.nio.charset.StandardCharsets.ISO_8859_1);
        String broken = header.replace("'shape'", "'shap3'");
        byte[] c = b.clone();
        System.arraycopy(broken.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, c, 10, broken.length());
        Path f = tmp.resolve("garbage.npy");
        Files.write(f, c);
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("lacks 'shape'"), e.getMessage());
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Npy.read(tmp.resolve("absent.npy")));
    }
}
