package io.genalign.core.model;

/** A command asked a {@link ModelSet} for a part it does not have; the message names the manifest key. */
public final class MissingPartException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param set the set's name
     * @param key the manifest key that would provide the part (e.g. {@code features})
     * @param why what needed it (e.g. {@code refine --method gmi})
     */
    public MissingPartException(String set, String key, String why) {
        super("model '" + set + "' has no '" + key + "' (needed by " + why + "): add the key to its genalign-model.json");
        this.key = key;
    }

    /** The missing manifest key. */
    public String key() {
        return key;
    }
}
