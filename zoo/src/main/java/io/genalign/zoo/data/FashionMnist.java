package io.genalign.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; MIT licence): 60,000 training and 10,000 test images of 28 x 28
 * grey pixels in ten classes. Read from a folder with the four IDX files (gzipped or not), by default Debian's
 * {@code dataset-fashion-mnist} location. Pixels are mapped to [-1, 1] by p/127.5 − 1.
 */
public final class FashionMnist {
    /** Debian's install location. */
    public static final Path DEBIAN_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
    /** Image side length. */
    public static final int SIDE = 28;
    /** Number of classes. */
    public static final int CLASSES = 10;

    private final Split train;
    private final Split test;

    private FashionMnist(Split train, Split test) {
        this.train = train;
        this.test = test;
    }

    /** Images (uint8, C order, N x 28 x 28) and labels of one split. */
    public record Split(byte[] pixels, byte[] labels) {
        public int size() {
            return labels.length;
        }

        /** Image {@code i} as floats in [-1, 1] written into {@code out} at {@code offset}. */
        public void copyImage(int i, float[] out, int offset) {
            int base = i * SIDE * SIDE;
            for (int k = 0; k < SIDE * SIDE; k++) {
                out[offset + k] = (pixels[base + k] & 0xff) / 127.5f - 1f;
            }
        }

        public int label(int i) {
            return labels[i];
        }
    }

    public Split train() {
        return train;
    }

    public Split test() {
        return test;
    }

    /**
     * Loads the data set from {@code dir}, or from Debian's location when {@code dir} is null.
     *
     * @throws IOException naming what is missing and how to get it
     */
    public static FashionMnist load(Path dir) throws IOException {
        Path d = dir == null ? DEBIAN_DIR : dir;
        if (!Files.isDirectory(d)) {
            throw new IOException("Fashion-MNIST not found in " + d + ": install Debian's package "
                    + "(apt-get install dataset-fashion-mnist) or pass --data DIR with train-images-idx3-ubyte(.gz), "
                    + "train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz)");
        }
        Split train = split(d, "train");
        Split test = split(d, "t10k");
        return new FashionMnist(train, test);
    }

    private static Split split(Path dir, String prefix) throws IOException {
        Idx.UByteArray images = Idx.read(find(dir, prefix + "-images-idx3-ubyte"));
        Idx.UByteArray labels = Idx.read(find(dir, prefix + "-labels-idx1-ubyte"));
        if (images.dims().length != 3 || images.dims()[1] != SIDE || images.dims()[2] != SIDE) {
            throw new IOException(dir + ": " + prefix + " images must be N x 28 x 28");
        }
        if (labels.dims().length != 1 || labels.count() != images.count()) {
            throw new IOException(dir + ": " + prefix + " has " + images.count() + " images but "
                    + labels.count() + " labels");
        }
        for (byte b : labels.data()) {
            if (b < 0 || b >= CLASSES) {
                throw new IOException(dir + ": " + prefix + " label " + b + " is outside 0..9");
            }
        }
        return new Split(images.data(), labels.data());
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("Fashion-MNIST file " + base + "(.gz) is missing in " + dir
                + " (apt-get install dataset-fashion-mnist, or pass --data DIR)");
    }
}
