package io.genalign.cli.support;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG (or JPEG) grids of images in [-1, 1] with shape (N, C, H, W), C = 1 (grey) or 3 (RGB); written atomically. */
public final class ImageGrids {
    private ImageGrids() {}

    /**
     * Writes the images row by row, {@code cols} per row, each pixel scaled {@code scale} times (nearest), with a
     * one-pixel grey gutter. Values outside [-1, 1] are clipped.
     */
    public static void write(Path file, NDArray images, int cols, int scale) throws IOException {
        String format = formatOf(file);
        BufferedImage img = render(images, cols, scale);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, format, out)) {
                throw new IOException("no " + format + " writer available");
            }
        });
    }

    /**
     * The image format of a file name: {@code png}, or {@code jpg} for {@code .jpg}/{@code .jpeg} (lossy: for
     * viewing, not for measurements); any other extension is refused so that a file never holds bytes of another
     * format than its name says.
     */
    public static String formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".png")) {
            return "png";
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "jpg";
        }
        throw new IllegalArgumentException("image file " + file + " must end in .png, .jpg or .jpeg");
    }

    /** The grid as an image. */
    public static BufferedImage render(NDArray images, int cols, int scale) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || (s.get(1) != 1 && s.get(1) != 3)) {
            throw new IllegalArgumentException("images must have shape (N, 1|3, H, W), got " + s);
        }
        int n = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int gridCols = Math.max(1, Math.min(cols, n));
        int rows = (n + gridCols - 1) / gridCols;
        int gap = 1;
        BufferedImage img = new BufferedImage(gridCols * (w * scale + gap) + gap, rows * (h * scale + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        float[] v = images.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < n; i++) {
            int ox = gap + (i % gridCols) * (w * scale + gap);
            int oy = gap + (i / gridCols) * (h * scale + gap);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = level(v, i, 0, y, x, c, h, w);
                    int g = c == 3 ? level(v, i, 1, y, x, c, h, w) : r;
                    int b = c == 3 ? level(v, i, 2, y, x, c, h, w) : r;
                    int rgb = (r << 16) | (g << 8) | b;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            img.setRGB(ox + x * scale + dx, oy + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return img;
    }

    private static int level(float[] v, int i, int ch, int y, int x, int c, int h, int w) {
        float f = v[((i * c + ch) * h + y) * w + x];
        float clipped = Math.max(-1f, Math.min(1f, f));
        return Math.round((clipped + 1f) * 127.5f);
    }
}
