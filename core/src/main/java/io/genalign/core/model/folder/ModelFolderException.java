package io.genalign.core.model.folder;

/**
 * A model folder cannot be used: its manifest or one of the files it names is missing or wrong. The message is
 * one line that starts with the folder-relative file at fault ({@code genalign-model.json}, {@code
 * tokenizer.json}, {@code real.npy}...) and, for manifest errors, names the JSON key path (e.g. {@code
 * genalign-model.json: generator.latent_shape must be a list of positive integers, got "4x8x8"}).
 */
public class ModelFolderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelFolderException(String message) {
        super(message);
    }

    public ModelFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
