package io.genalign.cli.support;

/** Bad input from the user (a missing or corrupt file, an unknown name, invalid values): exit code 2. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
