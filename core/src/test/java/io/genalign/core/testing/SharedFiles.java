package io.genalign.core.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the independent test vectors, which live inside the repository at
 * {@code core/src/test/resources/vectors} (copied from the project's shared specs; their README says where they came
 * from). Nothing outside the clone is read: the folder is found as a class-path resource when it is a plain
 * directory (core's own tests), else by walking up from the working directory to the repository root (tests of
 * other modules, which see core's test resources inside a jar).
 */
public final class SharedFiles {
    private static final String MARKER = "vectors/README.md";
    private static final Path IN_REPO = Paths.get("core", "src", "test", "resources", "vectors");

    private SharedFiles() {}

    /** The vectors folder; fails the test with a clear message if it cannot be found. */
    public static Path vectors() {
        URL url = SharedFiles.class.getClassLoader().getResource(MARKER);
        if (url != null && "file".equals(url.getProtocol())) {
            try {
                return Paths.get(url.toURI()).getParent();
            } catch (URISyntaxException e) {
                throw new IllegalStateException("bad resource URL " + url, e);
            }
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(IN_REPO);
            if (Files.isRegularFile(candidate.resolve("README.md"))) {
                return candidate;
            }
            if (Files.isDirectory(p.resolve(".git"))) {
                break; // never look above the repository root
            }
        }
        throw new IllegalStateException("cannot find the test vectors at " + IN_REPO + " inside the repository");
    }
}
