package io.genalign.core.io;

/** The element types genalign reads and writes in .npy files. */
public enum NpyDtype {
    /** 4-byte IEEE float ('f4'). */
    FLOAT32(4),
    /** 8-byte IEEE float ('f8'). */
    FLOAT64(8);

    private final int bytes;

    NpyDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
