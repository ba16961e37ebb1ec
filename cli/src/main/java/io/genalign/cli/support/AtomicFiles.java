package io.genalign.cli.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic file output: every file is written to a temporary file in the same folder and moved into place,
 * so a reader never sees a half-written file and an interrupted run never destroys an earlier result.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code text} (UTF-8) atomically to {@code target}. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes through {@code writer} atomically to {@code target}, replacing it if present. */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        readableByAll(tmp);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            } catch (java.nio.file.FileSystemException e) {
                throw e;
            } catch (IOException e) {
                // the OS reason (e.g. "No space left on device") with the file it concerns
                throw withPath(abs, e);
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

    /**
     * Refuses to write over an existing result: throws {@link BadInputException} if {@code target} exists
     * (a non-empty folder, or a file) and {@code overwrite} is false.
     */
    public static void refuseOverwrite(Path target, boolean overwrite, String flag) throws IOException {
        if (overwrite || !Files.exists(target)) {
            return;
        }
        if (Files.isDirectory(target)) {
            try (var s = Files.list(target)) {
                if (s.findAny().isEmpty()) {
                    return;
                }
            }
        }
        throw new BadInputException(target + " already exists; refusing to overwrite an earlier result (choose "
                + "another path or pass " + flag + ")");
    }

    /**
     * {@code e} as a {@link java.nio.file.FileSystemException} naming {@code file}, so the CLI can print
     * "FILE: no space left on device" instead of a reason without a path.
     */
    public static IOException withPath(Path file, IOException e) {
        if (e instanceof java.nio.file.FileSystemException) {
            return e;
        }
        java.nio.file.FileSystemException f = new java.nio.file.FileSystemException(file.toString(), null,
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        f.initCause(e);
        return f;
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
