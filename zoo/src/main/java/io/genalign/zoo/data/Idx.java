package io.genalign.zoo.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST-style data sets: a 4-byte magic (0, 0, type, number of dimensions), one big-endian
 * int32 per dimension, then the values in C order. genalign reads unsigned-byte files (type 0x08), gzipped
 * (detected by the gzip magic) or not.
 */
public final class Idx {
    private Idx() {}

    /** An unsigned-byte IDX array: its dimensions and its values (0..255) in C order. */
    public record UByteArray(int[] dims, byte[] data) {
        /** The number of items (the first dimension). */
        public int count() {
            return dims[0];
        }

        /** Values per item (the product of the other dimensions). */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) {
                s *= dims[i];
            }
            return s;
        }
    }

    /** Reads an unsigned-byte IDX file; a clear IOException names the file and the problem. */
    public static UByteArray read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw new IOException(file + ": truncated IDX file (no header)");
            }
            int type = (magic >> 8) & 0xff;
            int ndim = magic & 0xff;
            if ((magic >>> 16) != 0 || ndim < 1 || ndim > 8) {
                throw new IOException(file + ": not an IDX file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            if (type != 0x08) {
                throw new IOException(file + ": IDX type 0x" + Integer.toHexString(type)
                        + " is not supported (only unsigned bytes, 0x08)");
            }
            int[] dims = new int[ndim];
            long n = 1;
            for (int i = 0; i < ndim; i++) {
                try {
                    dims[i] = data.readInt();
                } catch (EOFException e) {
                    throw new IOException(file + ": truncated IDX header");
                }
                if (dims[i] < 0) {
                    throw new IOException(file + ": negative IDX dimension " + dims[i]);
                }
                n *= dims[i];
            }
            if (n > Integer.MAX_VALUE) {
                throw new IOException(file + ": IDX array too large (" + n + " values)");
            }
            byte[] values = new byte[(int) n];
            try {
                data.readFully(values);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated IDX data (expected " + n + " values)");
            }
            if (data.read() != -1) {
                throw new IOException(file + ": unexpected bytes after the IDX data");
            }
            return new UByteArray(dims, values);
        }
    }
}
