package io.genalign.core.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.io.BadFileException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Preference pairs on disk: a folder with {@code pairs.csv} and the images it names. Users can write such a
 * folder themselves.
 *
 * <pre>
 *   pairs.csv   prompt,class,image_a,image_b,winner[,score_a,score_b]
 *               "ankle boot",9,images/0000a.png,images/0000b.png,a,-0.12,-1.40
 *   images/     the PNG files (paths relative to the folder)
 * </pre>
 * <ul>
 *   <li>{@code prompt}: the text; may be quoted with double quotes (then it may hold commas; "" is a quote).</li>
 *   <li>{@code class}: the class id the prompt maps to (an integer &ge; 0).</li>
 *   <li>{@code image_a}, {@code image_b}: PNG files of the model's image size (grayscale for 1 channel, RGB for
 *       3), pixel p read as p/127.5 − 1 in [−1, 1].</li>
 *   <li>{@code winner}: {@code a} or {@code b}, the preferred image.</li>
 *   <li>{@code score_a}, {@code score_b}: optional, the judge's scores (informational).</li>
 * </ul>
 * Image paths must stay inside the folder (no absolute paths, no {@code ..}, no symbolic links leading out).
 * Reading never skips silently: every bad line (wrong column count, unknown winner, bad class, a path leading out
 * of the folder, missing or unreadable image, wrong size, the same image twice, a duplicate pair) is reported with its line number in {@link PairSet#problems()}; the caller
 * decides whether to refuse or to go on without those lines.
 */
public final class PreferencePairs {
    /** The index file of a pair folder. */
    public static final String INDEX = "pairs.csv";
    /** The header line of the index file. */
    public static final String HEADER = "prompt,class,image_a,image_b,winner,score_a,score_b";

    private PreferencePairs() {}

    /** The preferred image of a pair. */
    public enum Winner {
        A, B;

        static Winner parse(String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "a":
                    return A;
                case "b":
                    return B;
                default:
                    throw new IllegalArgumentException("winner must be 'a' or 'b', got '" + s + "'");
            }
        }
    }

    /**
     * One pair as read: the winner's and the loser's pixels in [−1, 1] (C·H·W floats each).
     *
     * @param line the line of pairs.csv it came from (1 = header)
     */
    public record Pair(int line, String prompt, int classId, float[] winner, float[] loser) {}

    /** Pairs read from a folder, with the problems of the lines that could not be read. */
    public record PairSet(Path folder, Shape imageShape, List<Pair> pairs, List<String> problems) {
        /**
         * {@code n} pairs of independent random images tanh(N(0, 1)) in (−1, 1) of shape {@code imageShape}, class
         * {@code i mod 10}, prompt "p", from {@code seed}: a fixture for tests and benchmarks of the DPO loop, not
         * preference data.
         */
        public static PairSet synthetic(int n, long seed, Shape imageShape) {
            java.util.Random r = new java.util.Random(seed);
            int d = (int) imageShape.size();
            List<Pair> pairs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] w = new float[d];
                float[] l = new float[d];
                for (int k = 0; k < d; k++) {
                    w[k] = (float) Math.tanh(r.nextGaussian());
                    l[k] = (float) Math.tanh(r.nextGaussian());
                }
                pairs.add(new Pair(i + 2, "p", i % 10, w, l));
            }
            return new PairSet(Path.of("."), imageShape, pairs, List.of());
        }

        public int size() {
            return pairs.size();
        }

        /** Winner (w = true) or loser images of the pairs with the given indices, (n, C, H, W) float32. */
        public NDArray images(NDManager m, int[] indices, boolean w) {
            int d = (int) imageShape.size();
            float[] v = new float[indices.length * d];
            for (int i = 0; i < indices.length; i++) {
                Pair p = pairs.get(indices[i]);
                System.arraycopy(w ? p.winner() : p.loser(), 0, v, i * d, d);
            }
            return m.create(v, new Shape(indices.length).addAll(imageShape));
        }
    }

    /** One pair to write: two images (C, H, W) in [−1, 1] and the winner. */
    public record NewPair(String prompt, int classId, NDArray imageA, NDArray imageB, Winner winner, double scoreA,
                          double scoreB) {}

    /**
     * A check of a line's prompt and class against the model that will train on it, run while reading (before any
     * model runs); returns the problem or null if the line is fine.
     */
    @FunctionalInterface
    public interface LineCheck {
        String problem(String prompt, int classId);
    }

    /**
     * Reads a pair folder.
     *
     * @param imageShape the (C, H, W) every image must have
     * @throws NoSuchFileException if the folder has no pairs.csv
     * @throws IllegalArgumentException if the header is not {@link #HEADER} or its first five columns
     */
    public static PairSet read(Path folder, Shape imageShape) throws IOException {
        return read(folder, imageShape, null);
    }

    /**
     * Reads a pair folder, checking every line; a bad line is reported in {@link PairSet#problems()} with its
     * number and reason and left out: wrong column count, bad quoting, unknown winner, a class that is not an
     * integer &ge; 0 or that {@code check} refuses, an image path that is empty, absolute, or leads out of the
     * folder (through {@code ..} or a symbolic link; such files are never opened), a missing, unreadable or
     * wrongly sized image, a pair whose two images are the same file or identical, and a pair that repeats an
     * earlier line's images.
     *
     * @param check the caller's check of prompt and class (e.g. class ids the model knows), or null
     * @throws NoSuchFileException if the folder has no pairs.csv
     * @throws BadFileException if pairs.csv is not UTF-8 text
     * @throws java.nio.file.FileSystemException if pairs.csv is a folder
     * @throws IllegalArgumentException if the header is not {@link #HEADER} or its first five columns
     */
    public static PairSet read(Path folder, Shape imageShape, LineCheck check) throws IOException {
        Path index = folder.resolve(INDEX);
        if (!Files.exists(index)) {
            throw new NoSuchFileException(index.toString(), null, "a preference-pair folder needs " + INDEX);
        }
        if (Files.isDirectory(index)) {
            throw new java.nio.file.FileSystemException(index.toString(), null, "Is a directory");
        }
        List<String> lines = readUtf8Lines(index);
        if (lines.isEmpty() || !HEADER.startsWith(lines.get(0).trim()) || !lines.get(0).trim().startsWith(
                "prompt,class,image_a,image_b,winner")) {
            throw new IllegalArgumentException(index + ": the first line must be '" + HEADER + "' (the score "
                    + "columns are optional), got '" + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        Path root = folder.toRealPath();
        List<Pair> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int lineNo = i + 1;
            try {
                List<String> cells = splitCsv(line);
                if (cells.size() != 5 && cells.size() != 7) {
                    throw new IllegalArgumentException("expected 5 or 7 columns, got " + cells.size());
                }
                int classId;
                try {
                    classId = Integer.parseInt(cells.get(1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("class must be an integer, got '" + cells.get(1) + "'");
                }
                if (classId < 0) {
                    throw new IllegalArgumentException("class must be >= 0, got " + classId);
                }
                if (check != null) {
                    String problem = check.problem(cells.get(0), classId);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem);
                    }
                }
                Winner w = Winner.parse(cells.get(4));
                Path fa = inside(root, cells.get(2).trim());
                Path fb = inside(root, cells.get(3).trim());
                if (fa.equals(fb)) {
                    throw new IllegalArgumentException("image_a and image_b are the same file (" + cells.get(2).trim()
                            + "): no preference to learn");
                }
                String key = fa.compareTo(fb) < 0 ? fa + "\u0000" + fb : fb + "\u0000" + fa;
                Integer earlier = seen.get(key);
                if (earlier != null) {
                    throw new IllegalArgumentException("duplicate of line " + earlier + " (the same two images)");
                }
                float[] a = readImage(fa, cells.get(2).trim(), imageShape);
                float[] b = readImage(fb, cells.get(3).trim(), imageShape);
                if (java.util.Arrays.equals(a, b)) {
                    throw new IllegalArgumentException("image_a and image_b are identical images: no preference to "
                            + "learn");
                }
                seen.put(key, lineNo);
                pairs.add(new Pair(lineNo, cells.get(0), classId, w == Winner.A ? a : b, w == Winner.A ? b : a));
            } catch (IllegalArgumentException | IOException e) {
                problems.add(INDEX + " line " + lineNo + ": " + e.getMessage());
            }
        }
        return new PairSet(folder, imageShape, List.copyOf(pairs), List.copyOf(problems));
    }

    /** The lines of a UTF-8 text file; a file that is not UTF-8 is a {@link BadFileException} naming the line. */
    static List<String> readUtf8Lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        java.nio.charset.CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int k = 0; k < at; k++) {
                if (bytes[k] == '\n') {
                    line++;
                }
            }
            throw new BadFileException(file, String.format(Locale.ROOT, "not UTF-8 text (byte 0x%02x at line %d); "
                    + "save it as UTF-8", bytes[at] & 0xff, line));
        }
        out.flip();
        String text = out.toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /**
     * The image {@code rel} of the folder whose real path is {@code root}, refusing an empty or absolute path, one
     * with {@code ..}, and one whose real path (after symbolic links) is outside the folder; nothing is opened
     * before these checks.
     */
    static Path inside(Path root, String rel) throws IOException {
        if (rel.isEmpty()) {
            throw new IllegalArgumentException("an image path is empty");
        }
        Path p;
        try {
            p = Path.of(rel);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("image path " + rel + " is not a valid path");
        }
        if (p.isAbsolute() || rel.startsWith("/") || rel.startsWith("\\")) {
            throw new IllegalArgumentException("image path " + rel + " is absolute; paths must be relative to the "
                    + "pair folder");
        }
        for (Path part : p) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException("image path " + rel + " leads out of the pair folder (..)");
            }
        }
        Path file = root.resolve(p).normalize();
        if (!Files.exists(file)) {
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException("image " + rel + " is a broken symbolic link");
            }
            throw new IllegalArgumentException("image " + rel + " is missing");
        }
        Path real = file.toRealPath();
        if (!real.startsWith(root)) {
            throw new IllegalArgumentException("image " + rel + " is a symbolic link that leads out of the pair "
                    + "folder (to " + real + ")");
        }
        if (!Files.isRegularFile(real)) {
            throw new IllegalArgumentException("image " + rel + " is not a file");
        }
        return real;
    }

    /** Writes pairs as a new folder (refuses an existing pairs.csv): images/NNNNNa.png and NNNNNb.png. */
    public static void write(Path folder, List<NewPair> pairs) throws IOException {
        Path index = folder.resolve(INDEX);
        if (Files.exists(index)) {
            throw new IllegalArgumentException(index + " exists; choose a new folder");
        }
        Files.createDirectories(folder.resolve("images"));
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < pairs.size(); i++) {
            NewPair p = pairs.get(i);
            String a = String.format(Locale.ROOT, "images/%05da.png", i);
            String b = String.format(Locale.ROOT, "images/%05db.png", i);
            writeImage(folder.resolve(a), p.imageA());
            writeImage(folder.resolve(b), p.imageB());
            sb.append(quote(p.prompt())).append(',').append(p.classId()).append(',').append(a).append(',').append(b)
                    .append(',').append(p.winner().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(p.scoreA()).append(',').append(p.scoreB()).append('\n');
        }
        Path tmp = folder.resolve("." + INDEX + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, index, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the image {@code file} (already checked by {@link #inside}), named {@code rel} in messages. */
    static float[] readImage(Path file, String rel, Shape shape) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("image " + rel + " is not a readable PNG (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw new IllegalArgumentException("image " + rel + " is not a readable PNG");
        }
        int c = (int) shape.get(0);
        int h = (int) shape.get(1);
        int w = (int) shape.get(2);
        if (img.getWidth() != w || img.getHeight() != h) {
            throw new IllegalArgumentException("image " + rel + " is " + img.getWidth() + "x" + img.getHeight()
                    + ", expected " + w + "x" + h);
        }
        float[] out = new float[c * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int[] ch = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                if (c == 1) {
                    out[y * w + x] = img.getRaster().getNumBands() == 1
                            ? img.getRaster().getSample(x, y, 0) / 127.5f - 1f : ch[1] / 127.5f - 1f;
                } else {
                    for (int k = 0; k < c; k++) {
                        out[k * h * w + y * w + x] = ch[k] / 127.5f - 1f;
                    }
                }
            }
        }
        return out;
    }

    static void writeImage(Path file, NDArray image) throws IOException {
        Shape s = image.getShape();
        int c = (int) s.get(0);
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        float[] v = image.toType(DataType.FLOAT32, false).toFloatArray();
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (c == 1) {
                    img.getRaster().setSample(x, y, 0, toByte(v[y * w + x]));
                } else {
                    int r = toByte(v[y * w + x]);
                    int g = toByte(v[h * w + y * w + x]);
                    int b = toByte(v[2 * h * w + y * w + x]);
                    img.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static int toByte(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
    }

    static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        out.add(cur.toString());
        return out;
    }
}
