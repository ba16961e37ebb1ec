package io.genalign.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's .npy format (versions 1.0, 2.0 and 3.0): float32 and float64 arrays in C order, either byte order.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and minor version byte, the header length (2 bytes
 * little-endian in 1.0, 4 bytes in 2.0 and 3.0), an ASCII (UTF-8 in 3.0) Python dict literal with the keys
 * {@code 'descr'}, {@code 'fortran_order'} and {@code 'shape'}, padded with spaces and a newline, then the raw
 * data. Fortran order and other element types (integers, complex, objects...) are refused with an
 * {@link IOException} that names the file and the reason; so are a bad magic, a truncated header or data,
 * and data of the wrong length. Writing uses format 1.0 (2.0 when the header needs it), little-endian, and
 * is atomic (a temporary file in the same folder, then a move).
 *
 * <p>Accepted {@code descr} values: {@code '<f4' '>f4' '<f8' '>f8'}, and {@code '=f4' '=f8'} read in this
 * machine's native byte order as NumPy does. {@code '|'} (no byte order) is meaningful only for one-byte
 * types and is refused for floats. The header must hold exactly the three keys; {@code shape} is a tuple of
 * non-negative integers: {@code ()} is a scalar (one value), {@code (n,)} a vector, and a zero-length axis
 * gives an empty array. Values are read through a 64 KiB buffer in the file's byte order, so the only
 * large allocation is the result.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    /**
     * Reads a float32 or float64 C-order array straight into its primitive array: a float32 file becomes a
     * float-stored {@link NpyArray} ({@code float[]}, see {@link NpyArray#floatData()}), a float64 file a
     * {@code double[]}; beyond that array only a 64 KiB buffer is allocated, so reading costs the file's size once.
     */
    public static NpyArray read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout l = layout(ch, file);
            int n = (int) l.count;
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(l.header.order);
            if (l.header.dtype == NpyDtype.FLOAT64) {
                double[] data = new double[n];
                int i = 0;
                long remaining = l.dataBytes;
                while (remaining > 0) {
                    buf.clear();
                    int chunk = (int) Math.min(buf.capacity(), remaining);
                    buf.limit(chunk);
                    readFully(ch, buf, file, "the data");
                    buf.flip();
                    int k = chunk / 8;
                    buf.asDoubleBuffer().get(data, i, k);
                    i += k;
                    remaining -= chunk;
                }
                return new NpyArray(l.header.shape, data, NpyDtype.FLOAT64);
            }
            float[] data = new float[n];
            int i = 0;
            long remaining = l.dataBytes;
            while (remaining > 0) {
                buf.clear();
                int chunk = (int) Math.min(buf.capacity(), remaining);
                buf.limit(chunk);
                readFully(ch, buf, file, "the data");
                buf.flip();
                int k = chunk / 4;
                buf.asFloatBuffer().get(data, i, k);
                i += k;
                remaining -= chunk;
            }
            return new NpyArray(l.header.shape, data);
        }
    }

    /** Where the data of a checked .npy file is: its header, value count and byte count (the channel is there). */
    private record Layout(Header header, long count, long dataBytes) {}

    /** Reads and checks the preamble and header; leaves {@code ch} at the first data byte. */
    private static Layout layout(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, file, "the preamble");
        pre.flip();
        for (byte b : MAGIC) {
            if (pre.get() != b) {
                throw new IOException(file + ": not a NumPy .npy file (bad magic string)");
            }
        }
        int major = pre.get() & 0xff;
        int minor = pre.get() & 0xff;
        long headerLen;
        int preamble;
        if (major == 1) {
            headerLen = pre.getShort() & 0xffff;
            preamble = 10;
        } else if (major == 2 || major == 3) {
            ByteBuffer more = ByteBuffer.allocate(2);
            readFully(ch, more, file, "the header length");
            more.flip();
            ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            len.put(pre.get(8)).put(pre.get(9)).put(more.get(0)).put(more.get(1)).flip();
            headerLen = len.getInt() & 0xffffffffL;
            preamble = 12;
        } else {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + minor
                    + " (genalign reads 1.0, 2.0 and 3.0)");
        }
        if (preamble + headerLen > fileSize) {
            throw new IOException(file + ": truncated .npy header (file has " + fileSize + " bytes, header needs "
                    + (preamble + headerLen) + ")");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, file, "the header");
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, file);
        long n = 1;
        long dataBytes;
        try {
            for (long d : h.shape) {
                n = Math.multiplyExact(n, d);
            }
            dataBytes = Math.multiplyExact(n, (long) h.dtype.bytes());
        } catch (ArithmeticException e) {
            throw new IOException(file + ": .npy shape " + java.util.Arrays.toString(h.shape) + " is too large");
        }
        long available = fileSize - preamble - headerLen;
        if (available < dataBytes) {
            throw new IOException(file + ": truncated .npy data (shape " + java.util.Arrays.toString(h.shape)
                    + " needs " + dataBytes + " bytes, the file has " + available + ")");
        }
        if (available > dataBytes) {
            throw new IOException(file + ": " + (available - dataBytes) + " unexpected bytes after the .npy data");
        }
        if (n > Integer.MAX_VALUE) {
            throw new IOException(file + ": array of " + n + " values is too large");
        }
        return new Layout(h, n, dataBytes);
    }

    /**
     * Reads a .npy file into an NDArray of its own type (float32 or float64) and shape: the data goes straight
     * from the file into one direct buffer in native byte order that the engine takes (no Java-heap copy).
     */
    public static NDArray readNDArray(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout l = layout(ch, file);
            if (l.dataBytes > Integer.MAX_VALUE) {
                throw new IOException(file + ": " + l.dataBytes + " bytes of data are more than one buffer holds (2 GiB)");
            }
            ByteBuffer direct = ByteBuffer.allocateDirect((int) l.dataBytes);
            while (direct.hasRemaining()) {
                if (ch.read(direct) < 0) {
                    throw new IOException(file + ": truncated .npy file while reading the data");
                }
            }
            direct.flip();
            if (l.header.order != ByteOrder.nativeOrder()) {
                swapInPlace(direct, l.header.dtype.bytes());
            }
            direct.order(ByteOrder.nativeOrder());
            DataType t = l.header.dtype == NpyDtype.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
            return manager.create(direct, new Shape(l.header.shape), t);
        }
    }

    private static void swapInPlace(ByteBuffer b, int width) {
        for (int i = 0; i + width <= b.limit(); i += width) {
            for (int j = 0; j < width / 2; j++) {
                byte x = b.get(i + j);
                b.put(i + j, b.get(i + width - 1 - j));
                b.put(i + width - 1 - j, x);
            }
        }
    }

    /** Writes {@code a} atomically: format 1.0 (2.0 if the header is too long), little-endian, C order. */
    public static void write(Path file, NpyArray a) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        long[] s = a.shape();
        for (int i = 0; i < s.length; i++) {
            shape.append(s[i]).append(s.length == 1 ? "," : (i < s.length - 1 ? ", " : ""));
        }
        shape.append(')');
        String descr = a.dtype() == NpyDtype.FLOAT64 ? "<f8" : "<f4";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int major = dict.length() + 1 + 10 > 65535 ? 2 : 1;
        int preamble = major == 1 ? 10 : 12;
        int total = preamble + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer pre = ByteBuffer.allocate(preamble).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            pre.putShort((short) header.length());
        } else {
            pre.putInt(header.length());
        }
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
        readableByAll(tmp);
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                out.write(pre.array());
                out.write(header.getBytes(StandardCharsets.US_ASCII));
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                int n = a.size();
                for (int i = 0; i < n; i++) {
                    if (buf.remaining() < 8) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    if (a.dtype() == NpyDtype.FLOAT64) {
                        buf.putDouble(a.get(i));
                    } else {
                        buf.putFloat((float) a.get(i));
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes an NDArray (float32 or float64; other types are refused) atomically. */
    public static void writeNDArray(Path file, NDArray array) throws IOException {
        DataType t = array.getDataType();
        NpyDtype dtype;
        if (t == DataType.FLOAT64) {
            dtype = NpyDtype.FLOAT64;
        } else if (t == DataType.FLOAT32) {
            dtype = NpyDtype.FLOAT32;
        } else {
            throw new IllegalArgumentException("only float32 and float64 arrays can be written, got " + t);
        }
        if (dtype == NpyDtype.FLOAT64) {
            write(file, new NpyArray(array.getShape().getShape(), array.toDoubleArray(), dtype));
        } else {
            write(file, new NpyArray(array.getShape().getShape(), array.toFloatArray()));
        }
    }

    private record Header(NpyDtype dtype, ByteOrder order, long[] shape) {}

    static Header parseHeader(String header, Path file) throws IOException {
        Map<String, String> dict = parseDict(header.trim(), file);
        for (String key : new String[] {"descr", "fortran_order", "shape"}) {
            if (!dict.containsKey(key)) {
                throw new IOException(file + ": .npy header lacks '" + key + "': " + abbreviate(header.trim()));
            }
        }
        if (dict.size() != 3) {
            throw new IOException(file + ": .npy header has keys " + dict.keySet()
                    + "; expected exactly 'descr', 'fortran_order' and 'shape'");
        }
        String descr = unquote(dict.get("descr"), file);
        if (!"False".equals(dict.get("fortran_order"))) {
            if ("True".equals(dict.get("fortran_order"))) {
                throw new IOException(file + " is in Fortran order; genalign reads C-order arrays only: re-save it with "
                        + "np.save(path, np.ascontiguousarray(a))");
            }
            throw new IOException(file + ": bad 'fortran_order' value " + dict.get("fortran_order"));
        }
        ByteOrder order;
        char bo = descr.isEmpty() ? '?' : descr.charAt(0);
        String kind = descr.length() > 1 ? descr.substring(1) : descr;
        switch (bo) {
            case '<':
                order = ByteOrder.LITTLE_ENDIAN;
                break;
            case '=':
                order = ByteOrder.nativeOrder();
                break;
            case '>':
                order = ByteOrder.BIG_ENDIAN;
                break;
            default:
                throw new IOException(file + ": unsupported dtype '" + descr + "'; genalign reads float32 and float64 ("
                        + "'<f4', '>f4', '<f8', '>f8')");
        }
        NpyDtype dtype;
        if ("f8".equals(kind)) {
            dtype = NpyDtype.FLOAT64;
        } else if ("f4".equals(kind)) {
            dtype = NpyDtype.FLOAT32;
        } else {
            throw new IOException(file + ": unsupported dtype '" + descr + "'; genalign reads float32 and float64 ('<f4', "
                    + "'>f4', '<f8', '>f8'): convert with a.astype(np.float32)");
        }
        return new Header(dtype, order, parseShape(dict.get("shape"), file));
    }

    private static Map<String, String> parseDict(String s, Path file) throws IOException {
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IOException(file + ": .npy header is not a dict: " + abbreviate(s));
        }
        Map<String, String> out = new LinkedHashMap<>();
        String body = s.substring(1, s.length() - 1);
        int i = 0;
        while (i < body.length()) {
            while (i < body.length() && (body.charAt(i) == ' ' || body.charAt(i) == ',')) {
                i++;
            }
            if (i >= body.length()) {
                break;
            }
            char q = body.charAt(i);
            if (q != '\'' && q != '"') {
                throw new IOException(file + ": malformed .npy header near '" + abbreviate(body.substring(i)) + "'");
            }
            int end = body.indexOf(q, i + 1);
            if (end < 0) {
                throw new IOException(file + ": malformed .npy header (unterminated key)");
            }
            String key = body.substring(i + 1, end);
            i = end + 1;
            while (i < body.length() && body.charAt(i) == ' ') {
                i++;
            }
            if (i >= body.length() || body.charAt(i) != ':') {
                throw new IOException(file + ": malformed .npy header (no ':' after '" + key + "')");
            }
            i++;
            while (i < body.length() && body.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            if (i < body.length() && body.charAt(i) == '(') {
                int close = body.indexOf(')', i);
                if (close < 0) {
                    throw new IOException(file + ": malformed .npy header (unterminated shape tuple)");
                }
                i = close + 1;
            } else if (i < body.length() && (body.charAt(i) == '\'' || body.charAt(i) == '"')) {
                int close = body.indexOf(body.charAt(i), i + 1);
                if (close < 0) {
                    throw new IOException(file + ": malformed .npy header (unterminated string)");
                }
                i = close + 1;
            } else {
                while (i < body.length() && body.charAt(i) != ',') {
                    i++;
                }
            }
            out.put(key, body.substring(start, i).trim());
        }
        return out;
    }

    private static String unquote(String v, Path file) throws IOException {
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        throw new IOException(file + ": .npy 'descr' is not a simple type string: " + abbreviate(v)
                + " (structured dtypes are not supported)");
    }

    private static long[] parseShape(String v, Path file) throws IOException {
        if (!v.startsWith("(") || !v.endsWith(")")) {
            throw new IOException(file + ": bad .npy shape " + abbreviate(v));
        }
        List<Long> dims = new ArrayList<>();
        String inner = v.substring(1, v.length() - 1).trim();
        if (inner.isEmpty()) {
            return new long[0];
        }
        String[] parts = inner.split(",", -1);
        for (int k = 0; k < parts.length; k++) {
            String p = parts[k].trim();
            if (p.isEmpty() && k == parts.length - 1 && k > 0) {
                break;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                long d = Long.parseLong(p);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": bad dimension '" + p + "' in .npy shape " + v);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException(file + ": unexpected end of file while reading " + what + " (truncated .npy)");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Temporary files are created owner-only; results are meant to be shared (rw-r--r--). */
    static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default
        }
    }
}
