package io.genalign.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class IdxTest {
    @TempDir
    Path tmp;

    static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x0800 | dims.length);
        for (int x : dims) {
            d.writeInt(x);
        }
        d.write(data);
        return b.toByteArray();
    }

    static void write(Path f, byte[] bytes, boolean gz) throws IOException {
        try (OutputStream out = gz ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
            out.write(bytes);
        }
    }

    /** A tiny Fashion-MNIST look-alike: n train and n test images with labels i mod 10. */
    public static Path fakeFashionMnist(Path dir, int n, boolean gz) throws IOException {
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((i * 37) % 256);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        String ext = gz ? ".gz" : "";
        for (String p : new String[] {"train", "t10k"}) {
            write(dir.resolve(p + "-images-idx3-ubyte" + ext), idx(new int[] {n, 28, 28}, pixels), gz);
            write(dir.resolve(p + "-labels-idx1-ubyte" + ext), idx(new int[] {n}, labels), gz);
        }
        return dir;
    }

    @Test
    void readsPlainAndGzippedFiles() throws Exception {
        byte[] data = {1, 2, 3, 4, 5, (byte) 255};
        for (boolean gz : new boolean[] {false, true}) {
            Path f = tmp.resolve("a" + gz);
            write(f, idx(new int[] {2, 3}, data), gz);
            Idx.UByteArray a = Idx.read(f);
            assertArrayEquals(new int[] {2, 3}, a.dims());
            assertArrayEquals(data, a.data());
            assertEquals(2, a.count());
            assertEquals(3, a.itemSize());
        }
    }

    @Test
    void corruptFilesAreNamed() throws Exception {
        Path bad = tmp.resolve("bad");
        Files.write(bad, new byte[] {1, 2, 3, 4, 0, 0, 0, 1, 9});
        IOException e = assertThrows(IOException.class, () -> Idx.read(bad));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
        Path truncated = tmp.resolve("truncated");
        byte[] ok = idx(new int[] {4, 4}, new byte[16]);
        Files.write(truncated, Arrays.copyOf(ok, ok.length - 3));
        e = assertThrows(IOException.class, () -> Idx.read(truncated));
        assertTrue(e.getMessage().contains("truncated IDX data"), e.getMessage());
        Path type = tmp.resolve("type");
        byte[] t = idx(new int[] {1}, new byte[1]);
        t[2] = 0x0D;
        Files.write(type, t);
        e = assertThrows(IOException.class, () -> Idx.read(type));
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
        Path empty = tmp.resolve("empty");
        Files.write(empty, new byte[0]);
        e = assertThrows(IOException.class, () -> Idx.read(empty));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void fashionMnistLoadsFromAFolderAndExplainsWhatIsMissing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("fm"));
        fakeFashionMnist(dir, 20, true);
        FashionMnist fm = FashionMnist.load(dir);
        assertEquals(20, fm.train().size());
        assertEquals(3, fm.test().label(3));
        float[] img = new float[784];
        fm.train().copyImage(0, img, 0);
        assertEquals(-1f, img[0], 0f);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        e = assertThrows(IOException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
    }
}
