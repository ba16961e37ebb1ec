package io.genalign.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file the user gave that genalign cannot use: not a weight file of the expected model, not UTF-8 text, the
 * wrong format. The CLI prints {@code PATH: REASON} on one line and exits with the bad-input code (2).
 */
public class BadFileException extends IOException {
    private final String file;
    private final String reason;

    public BadFileException(Path file, String reason) {
        this(file, reason, null);
    }

    public BadFileException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = String.valueOf(file);
        this.reason = reason;
    }

    /** The file, as given. */
    public String file() {
        return file;
    }

    /** Why it cannot be used (lower case, no path). */
    public String reason() {
        return reason;
    }
}
