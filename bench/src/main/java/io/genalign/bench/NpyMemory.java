package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.runtime.Versions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory of reading a large float32 .npy (issue 12, item 8). Writes a file of SIZE MiB, then reads it in a fresh
 * JVM per method and measures (a) the bytes the reading thread allocates on the Java heap and (b) the growth of the
 * process's peak resident set (VmHWM, reset through /proc/self/clear_refs before the read) over its resident set
 * just before. Writes bench/results/npy-memory.md.
 *
 * <p>Methods: {@code read} ({@link Npy#read}), {@code ndarray} ({@link Npy#readNDArray}), and {@code before}: the
 * reader genalign had before (values into a double[], a float[] copy for the NDArray, the engine's copy).
 *
 * <p>Usage: {@code bash bench/run-npy-memory.sh [SIZE_MIB]} (default 1024).
 */
public final class NpyMemory {
    private NpyMemory() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("child")) {
            child(args[1], Path.of(args[2]));
            return;
        }
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        Path out = Path.of(args.length > 1 ? args[1] : "bench/results/npy-memory.md");
        Path dir = Files.createTempDirectory("npy-memory");
        Path file = dir.resolve("big.npy");
        try {
            int n = mib * (1 << 18); // float32 values
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) Math.sin(i * 1e-3);
            }
            Npy.write(file, new NpyArray(new long[] {n / 256, 256}, v));
            v = null;
            long size = Files.size(file);
            List<String> rows = new ArrayList<>();
            for (String method : List.of("before", "read", "ndarray")) {
                String line = runChild(method, file, mib);
                String[] f = line.trim().split(" ");
                long heap = Long.parseLong(f[1]);
                long peak = Long.parseLong(f[2]);
                rows.add(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.0f | %.2f | %s |", method,
                        heap / 1048576.0, heap / (double) size, peak / 1048576.0, peak / (double) size,
                        peak <= 1.5 * size ? "yes" : "NO"));
            }
            StringBuilder md = new StringBuilder();
            md.append("# Memory of reading a large .npy\n\n");
            md.append("Written by `io.genalign.bench.NpyMemory` (`bash bench/run-npy-memory.sh ").append(mib)
                    .append("`). A float32 file of ").append(String.format(Locale.ROOT, "%.1f", size / 1048576.0))
                    .append(" MiB (").append(size).append(" bytes) is read once per method, each in a fresh JVM. ")
                    .append("Java ").append(Versions.all().get("java")).append(", DJL ").append(Versions.all()
                            .get("djl")).append(", PyTorch ").append(Versions.all().get("pytorch")).append(". Date: ")
                    .append(Instant.now()).append(".\n\n");
            md.append("- heap: bytes the reading thread allocated on the Java heap "
                    + "(`ThreadMXBean.getThreadAllocatedBytes`);\n");
            md.append("- peak: growth of the process's peak resident set (VmHWM, reset through /proc/self/clear_refs "
                    + "before the read) over the resident set just before the read: heap, direct buffers and the "
                    + "engine's tensor together. The bound is 1.5x the file.\n\n");
            md.append("| method | heap MiB | heap / file | peak MiB | peak / file | within 1.5x |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (String r : rows) {
                md.append(r).append('\n');
            }
            md.append("\n`before`: the reader genalign had before issue 12 (all values into a double[], then a "
                    + "float[] copy, then the engine's copy); `read`: `Npy.read` (values straight into a float[]); "
                    + "`ndarray`: `Npy.readNDArray` (values straight into one direct buffer handed to the engine).\n");
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md.toString());
            System.out.print(md);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static String runChild(String method, Path file, int mib) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + Math.max(512, 4 * mib) + "m", "-Xms64m",
                "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-cp",
                System.getProperty("java.class.path"), NpyMemory.class.getName(), "child", method, file.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IOException("the child for " + method + " failed");
        }
        return result;
    }

    private static void child(String method, Path file) throws Exception {
        EngineBootstrap.start(0);
        try (NDManager m = Tensors.newManager()) {
            m.create(new float[] {1f}).add(1).getFloat(); // the engine is loaded before measuring
            System.gc();
            long rss = status("VmRSS");
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            long allocated = allocated();
            Object keep;
            switch (method) {
                case "read" -> keep = Npy.read(file);
                case "ndarray" -> keep = Npy.readNDArray(file, m);
                case "before" -> keep = before(file, m);
                default -> throw new IllegalArgumentException(method);
            }
            long heap = allocated() - allocated;
            long peak = status("VmHWM") - rss;
            System.out.println("RESULT " + heap + " " + peak + " " + keep.hashCode() % 2);
        }
    }

    /**
     * The reader before issue 12, as it was: the values into a double[] through a 64 KiB buffer, a float[] copy for
     * the NDArray, the engine's copy (format 1.0 little-endian float32 files, as written above).
     */
    private static NDArray before(Path file, NDManager m) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer pre = java.nio.ByteBuffer.allocate(10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(pre, 0);
            long offset = 10 + (pre.getShort(8) & 0xffff);
            int n = (int) ((ch.size() - offset) / 4);
            ch.position(offset);
            double[] d = new double[n];
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int i = 0;
            while (i < n) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), 4L * (n - i)));
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // fill
                }
                buf.flip();
                while (buf.remaining() >= 4) {
                    d[i++] = buf.getFloat();
                }
            }
            float[] f = new float[n];
            for (int k = 0; k < n; k++) {
                f[k] = (float) d[k];
            }
            return m.create(f, new Shape(n / 256, 256));
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** A value of /proc/self/status in bytes. */
    private static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException(key + " not in /proc/self/status");
    }
}
