package io.genalign.cli.support;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An output folder written as a whole: files go to a hidden sibling {@code .NAME.partial-PID} and the folder
 * is moved into place by {@link #commit()}, so an interrupted run never leaves a half-written report under the
 * real name and never destroys an earlier one. An existing folder is refused unless {@code overwrite} is set;
 * then the old folder is replaced only once the new one is complete.
 */
public final class RunFolder {
    private final Path target;
    private final Path partial;
    private final boolean overwrite;
    private boolean committed;

    private RunFolder(Path target, Path partial, boolean overwrite) {
        this.target = target;
        this.partial = partial;
        this.overwrite = overwrite;
    }

    /** Prepares a run folder for {@code target}; throws {@link BadInputException} if it exists and may not be replaced. */
    public static RunFolder create(Path target, boolean overwrite) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        AtomicFiles.refuseOverwrite(abs, overwrite, "--overwrite");
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new BadInputException(abs + " exists and is not a folder");
        }
        Files.createDirectories(abs.getParent());
        Path partial = abs.resolveSibling("." + abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
        deleteRecursively(partial);
        Files.createDirectories(partial);
        return new RunFolder(abs, partial, overwrite);
    }

    /** Where a file of the run is written until commit. */
    public Path file(String name) {
        return partial.resolve(name);
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /** Moves the finished folder into place (replacing an old one only if allowed). */
    public void commit() throws IOException {
        if (committed) {
            return;
        }
        Path old = null;
        if (Files.exists(target)) {
            if (!overwrite) {
                throw new BadInputException(target + " appeared while the run was writing; the new results stay in "
                        + partial);
            }
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
            deleteRecursively(old);
            Files.move(target, old);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target);
        }
        if (old != null) {
            deleteRecursively(old);
        }
        committed = true;
    }

    /** The partial folder (where the files are until commit). */
    public Path partial() {
        return partial;
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
