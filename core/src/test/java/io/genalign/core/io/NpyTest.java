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

    /** Writes a .npy file by hand: any version, any header text, raw little-endian doubles as data. */
    private Path handWritten(String name, int major, String dict, byte[] data) throws IOException {
        int preamble = major == 1 ? 10 : 12;
        int pad = (64 - (preamble + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(preamble + header.length + data.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        b.put(header).put(data);
        Path f = tmp.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private static byte[] doublesLe(double... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    @Test
    void readsVersions2And3ScalarsVectorsAndNativeOrder() throws Exception {
        NpyArray v2 = Npy.read(handWritten("v2.npy", 2,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doublesLe(1, 2, 3)));
        assertArrayEquals(new long[] {3}, v2.shape());
        assertArrayEquals(new double[] {1, 2, 3}, v2.data(), 0.0);
        // version 3.0 allows UTF-8 in the header; a double-quoted key is legal Python too
        NpyArray v3 = Npy.read(handWritten("v3.npy", 3,
                "{\"descr\": '<f8', 'fortran_order': False, 'shape': (1, 2)}", doublesLe(-0.5, 4)));
        assertArrayEquals(new long[] {1, 2}, v3.shape());
        assertArrayEquals(new double[] {-0.5, 4}, v3.data(), 0.0);
        NpyArray scalar = Npy.read(handWritten("scalar.npy", 1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", doublesLe(2.5)));
        assertEquals(0, scalar.shape().length);
        assertArrayEquals(new double[] {2.5}, scalar.data(), 0.0);
        NpyArray empty = Npy.read(handWritten("empty.npy", 1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 0), }", new byte[0]));
        assertArrayEquals(new long[] {2, 0}, empty.shape());
        assertEquals(0, empty.size());
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
            NpyArray nat = Npy.read(handWritten("native.npy", 1,
                    "{'descr': '=f8', 'fortran_order': False, 'shape': (2,), }", doublesLe(7, 8)));
            assertArrayEquals(new double[] {7, 8}, nat.data(), 0.0);
        }
    }

    @Test
    void otherDtypesAreRefusedNamingTheDtypeAndWhatIsAccepted() throws Exception {
        for (String descr : new String[] {"<i8", "<c16", "|O", "|u1", "|f8", "<f2", "<U3"}) {
            Path f = handWritten("dtype.npy", 1,
                    "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }", doublesLe(1));
            IOException e = assertThrows(IOException.class, () -> Npy.read(f), descr);
            assertTrue(e.getMessage().contains("'" + descr + "'") && e.getMessage().contains("'<f8'")
                    && e.getMessage().contains("dtype.npy"), e.getMessage());
        }
        Path structured = handWritten("structured.npy", 1,
                "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", doublesLe(1));
        IOException e = assertThrows(IOException.class, () -> Npy.read(structured));
        assertTrue(e.getMessage().contains("structured.npy"), e.getMessage());
    }

    @Test
    void malformedHeadersAreNamed() throws Exception {
        String[][] cases = {
            {"'descr': '<f8', 'fortran_order': False, 'shape': (1,)", "not a dict"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "expected exactly"},
            {"{'descr': '<f8', 'fortran_order': maybe, 'shape': (1,)}", "fortran_order"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (1,,)}", "bad dimension"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", "bad dimension"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': 1}", "bad .npy shape"},
            {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999)}", "too large"},
        };
        for (String[] c : cases) {
            Path f = handWritten("malformed.npy", 1, c[0], doublesLe(1));
            IOException e = assertThrows(IOException.class, () -> Npy.read(f), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("malformed.npy"),
                    c[0] + " -> " + e.getMessage());
        }
        Path v9 = handWritten("v9.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", doublesLe(1));
        byte[] b = Files.readAllBytes(v9);
        b[6] = 9;
        Files.write(v9, b);
        IOException e = assertThrows(IOException.class, () -> Npy.read(v9));
        assertTrue(e.getMessage().contains("unsupported .npy format version 9.0"), e.getMessage());
    }

    @Test
    void ndArrayRoundTripOfScalarAndEmptyArrays() throws Exception {
        Path f = tmp.resolve("s.npy");
        Npy.writeNDArray(f, manager.create(3.5f));
        NDArray s = Npy.readNDArray(f, manager);
        assertEquals(new Shape(), s.getShape());
        assertEquals(3.5f, s.getFloat(), 0f);
        Npy.writeNDArray(f, manager.zeros(new Shape(4, 0), DataType.FLOAT64));
        NDArray z = Npy.readNDArray(f, manager);
        assertEquals(new Shape(4, 0), z.getShape());
        assertEquals(DataType.FLOAT64, z.getDataType());
    }

    @Test
    void writeLeavesNoTemporaryFilesAndReplacesAtomically() throws Exception {
        Path f = tmp.resolve("sub/dir/a.npy");
        Npy.write(f, new NpyArray(new long[] {2}, new double[] {1, 2}, NpyDtype.FLOAT32));
        Npy.write(f, new NpyArray(new long[] {1}, new double[] {5}, NpyDtype.FLOAT64));
        assertArrayEquals(new double[] {5}, Npy.read(f).data(), 0.0);
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "only the target file remains");
        }
    }

    @Test
    void recordValidatesAndCopiesItsShape() {
        assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(new long[] {2, 2}, new double[3], NpyDtype.FLOAT64));
        assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(new long[] {-1}, new double[0], NpyDtype.FLOAT64));
        long[] shape = {2};
        NpyArray a = new NpyArray(shape, new double[2], NpyDtype.FLOAT64);
        shape[0] = 7;
        a.shape()[0] = 9;
        assertArrayEquals(new long[] {2}, a.shape());
    }
}
