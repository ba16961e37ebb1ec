package io.genalign.core.model.torchscript;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test-side writer of minimal TorchScript archives, so the adapter tests need no Python. The layout is the one
 * {@code torch.jit.save} produces (a zip, entries stored uncompressed, all under one top folder):
 *
 * <ul>
 *   <li>{@code archive/version}: the file-format version ({@value #FORMAT_VERSION});
 *   <li>{@code archive/code/__torch__.py}: the TorchScript source of the module class {@code __torch__.NAME};
 *   <li>{@code archive/data.pkl}: a protocol-2 pickle of the module object: {@code GLOBAL __torch__ NAME},
 *       {@code EMPTY_TUPLE NEWOBJ}, then a dict of its attributes ({@code training} and the weight tensors) and
 *       {@code BUILD}. A tensor is {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
 *       requires_grad, OrderedDict())} whose storage is a persistent id
 *       {@code ('storage', torch.DoubleStorage or torch.FloatStorage, key, 'cpu', numel)} naming the record
 *       {@code data/KEY};
 *   <li>{@code archive/data/KEY}: the raw little-endian float64 (or float32) values of that storage;
 *   <li>{@code archive/constants.pkl}: a pickle of the empty tuple (no tensor constants).
 * </ul>
 */
public final class TorchScriptArchiveWriter {
    /** The file-format version written to {@code archive/version}. */
    static final int FORMAT_VERSION = 3;

    private final String className;
    private final String source;
    private final ai.djl.ndarray.types.DataType storageType;
    private final Map<String, double[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    /**
     * @param className the class name (the module is {@code __torch__.className})
     * @param classBody the body of the class after its attribute declarations (the methods), indented by 2
     */
    public TorchScriptArchiveWriter(String className, String classBody, ai.djl.ndarray.types.DataType storageType) {
        if (storageType != ai.djl.ndarray.types.DataType.FLOAT32
                && storageType != ai.djl.ndarray.types.DataType.FLOAT64) {
            throw new IllegalArgumentException("storage type must be float32 or float64, got " + storageType);
        }
        this.className = className;
        this.source = classBody;
        this.storageType = storageType;
    }

    private boolean isDouble() {
        return storageType == ai.djl.ndarray.types.DataType.FLOAT64;
    }

    /** Adds a parameter tensor (stored in the writer's storage type) of the given shape (C order values). */
    public TorchScriptArchiveWriter parameter(String name, long[] shape, double[] values) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for " + n + " entries");
        }
        weights.put(name, values.clone());
        shapes.put(name, shape.clone());
        return this;
    }

    /** The TorchScript source of {@code code/__torch__.py}. */
    String code() {
        StringBuilder b = new StringBuilder();
        b.append("class ").append(className).append("(Module):\n");
        b.append("  __parameters__ = [");
        for (String name : weights.keySet()) {
            b.append('"').append(name).append("\", ");
        }
        b.append("]\n");
        b.append("  __buffers__ = []\n");
        for (String name : weights.keySet()) {
            b.append("  ").append(name).append(" : Tensor\n");
        }
        b.append("  training : bool\n");
        b.append(source);
        return b.toString();
    }

    /** Writes the archive to {@code file}. */
    public void write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, "archive/data.pkl", dataPickle());
            stored(zip, "archive/code/__torch__.py", code().getBytes(StandardCharsets.UTF_8));
            stored(zip, "archive/constants.pkl", new Pickle().emptyTuple().stop());
            int key = 0;
            for (double[] w : weights.values()) {
                ByteBuffer buf = ByteBuffer.allocate((isDouble() ? 8 : 4) * w.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : w) {
                    if (isDouble()) {
                        buf.putDouble(v);
                    } else {
                        buf.putFloat((float) v);
                    }
                }
                stored(zip, "archive/data/" + key++, buf.array());
            }
            stored(zip, "archive/version", (FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private byte[] dataPickle() {
        Pickle p = new Pickle();
        p.global("__torch__", className).emptyTuple().op(0x81 /* NEWOBJ */);
        p.op('}' /* EMPTY_DICT */).op('(' /* MARK */);
        int key = 0;
        for (Map.Entry<String, double[]> e : weights.entrySet()) {
            p.string(e.getKey());
            long[] shape = shapes.get(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            // persistent id ('storage', torch.DoubleStorage, key, 'cpu', numel)
            p.op('(').string("storage").global("torch", isDouble() ? "DoubleStorage" : "FloatStorage")
                    .string(String.valueOf(key++)).string("cpu").integer(e.getValue().length)
                    .op('t' /* TUPLE */).op('Q' /* BINPERSID */);
            p.integer(0); // storage offset
            p.op('(');
            for (long d : shape) {
                p.integer(d);
            }
            p.op('t');
            p.op('(');
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) {
                strides[i] = stride;
                stride *= shape[i];
            }
            for (long s : strides) {
                p.integer(s);
            }
            p.op('t');
            p.op(0x89 /* NEWFALSE: requires_grad */);
            p.global("collections", "OrderedDict").emptyTuple().op('R' /* REDUCE */);
            p.op('t').op('R');
        }
        p.string("training").op(0x89 /* NEWFALSE */);
        p.op('u' /* SETITEMS */).op('b' /* BUILD */);
        return p.stop();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** A tiny protocol-2 pickle writer: just the opcodes above. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            out.write(0x80); // PROTO
            out.write(2);
        }

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle global(String module, String name) {
            out.write('c');
            byte[] b = (module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII);
            out.write(b, 0, b.length);
            return this;
        }

        Pickle emptyTuple() {
            return op(')');
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X'); // BINUNICODE
            writeIntLe(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Pickle integer(long v) {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("integer too large for BININT: " + v);
            }
            out.write('J'); // BININT, 4-byte signed little-endian
            writeIntLe((int) v);
            return this;
        }

        byte[] stop() {
            out.write('.');
            return out.toByteArray();
        }

        private void writeIntLe(int v) {
            out.write(v & 0xff);
            out.write((v >>> 8) & 0xff);
            out.write((v >>> 16) & 0xff);
            out.write((v >>> 24) & 0xff);
        }
    }
}
