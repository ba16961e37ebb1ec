package io.genalign.core.model;

import java.util.List;

/**
 * Prompts to token ids of one fixed length, for modules conditioned on tokens (e.g. a CLIP text tower inside a
 * reward).
 *
 * <p>Contract: {@link #encode(List)} returns one row per prompt, each exactly {@link #maxLength()} long: the ids
 * of the prompt's tokens (special tokens included, as the tokenizer's post-processor adds them), truncated to
 * {@code maxLength} and padded on the right with {@link #padId()}. An empty list gives an empty array. The result
 * is deterministic. Implementations may hold native resources: {@link #close()} releases them.
 */
public interface PromptTokenizer extends AutoCloseable {
    /** Short name (the manifest's tokenizer name, or the file name). */
    String name();

    /** The length of every row {@link #encode(List)} returns. */
    int maxLength();

    /** The id used to pad rows shorter than {@link #maxLength()}. */
    long padId();

    /** Token ids of shape (prompts.size(), maxLength). */
    long[][] encode(List<String> prompts);

    @Override
    default void close() {}
}
