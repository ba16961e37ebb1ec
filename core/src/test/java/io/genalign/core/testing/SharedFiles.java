package io.genalign.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the project's shared folder ({@code ../shared} beside the repository) for vector tests. */
public final class SharedFiles {
    private SharedFiles() {}

    /** The shared/vectors folder; fails the test with a clear message if it cannot be found. */
    public static Path vectors() {
        return shared().resolve("vectors");
    }

    public static Path shared() {
        String prop = System.getProperty("genalign.shared");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared");
            if (Files.isDirectory(candidate.resolve("vectors"))) {
                return candidate;
            }
            Path sibling = p.resolveSibling("shared");
            if (p.getParent() != null && Files.isDirectory(sibling.resolve("vectors"))) {
                return sibling;
            }
        }
        throw new IllegalStateException("cannot find the shared/ folder with vectors (set -Dgenalign.shared=PATH)");
    }
}
