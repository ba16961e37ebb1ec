package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.zoo.data.FashionMnist;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A small bank of real Fashion-MNIST test images shipped with genalign for run-time use (the particle flow's
 * data samples, FID references in reports): {@value #PER_CLASS} images per class, the first ones of each class in
 * test-set order, 3,000 in all. Stored as a gzipped resource: the magic {@code GABANK1}, the count, the labels
 * and the 28 x 28 uint8 pixels.
 */
public final class RealBank {
    /** Images per class. */
    public static final int PER_CLASS = 300;
    /** Classpath location. */
    public static final String RESOURCE = "/io/genalign/zoo/bank/realbank.bin.gz";
    private static final byte[] MAGIC = "GABANK1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] labels;
    private final byte[] pixels;

    private RealBank(byte[] labels, byte[] pixels) {
        this.labels = labels;
        this.pixels = pixels;
    }

    /** Loads the shipped bank. */
    public static RealBank load() {
        try (InputStream raw = RealBank.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IOException(RESOURCE + " is missing from the zoo");
            }
            DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(RESOURCE + " is not a genalign image bank");
            }
            int n = in.readInt();
            byte[] labels = new byte[n];
            in.readFully(labels);
            byte[] pixels = new byte[n * 784];
            in.readFully(pixels);
            return new RealBank(labels, pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds the bank from the test split and writes it to {@code out} (used once, when the zoo is made). */
    public static void write(FashionMnist.Split test, OutputStream out) throws IOException {
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        int[] taken = new int[10];
        for (int i = 0; i < test.size(); i++) {
            int c = test.label(i);
            if (taken[c] < PER_CLASS) {
                taken[c]++;
                labels.write(c);
                pixels.write(test.pixels(), i * 784, 784);
            }
        }
        GZIPOutputStream gz = new GZIPOutputStream(out);
        DataOutputStream d = new DataOutputStream(gz);
        d.write(MAGIC);
        d.writeInt(labels.size());
        d.write(labels.toByteArray());
        d.write(pixels.toByteArray());
        d.flush();
        gz.finish();
    }

    public int size() {
        return labels.length;
    }

    public int[] labels() {
        int[] l = new int[labels.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels[i];
        }
        return l;
    }

    /** All images, (N, 1, 28, 28) float32 in [-1, 1]. */
    public NDArray images(NDManager m) {
        return select(m, null);
    }

    /** The images of one class, (300, 1, 28, 28). */
    public NDArray imagesOfClass(NDManager m, int classId) {
        return select(m, classId);
    }

    private NDArray select(NDManager m, Integer classId) {
        int count = 0;
        for (byte l : labels) {
            if (classId == null || l == classId) {
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no bank images of class " + classId);
        }
        float[] v = new float[count * 784];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (classId == null || labels[i] == classId) {
                for (int p = 0; p < 784; p++) {
                    v[k * 784 + p] = (pixels[i * 784 + p] & 0xff) / 127.5f - 1f;
                }
                k++;
            }
        }
        return m.create(v, new Shape(count, 1, 28, 28));
    }
}
