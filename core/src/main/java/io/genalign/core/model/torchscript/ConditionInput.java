package io.genalign.core.model.torchscript;

/**
 * How a TorchScript module receives the {@link io.genalign.core.model.Condition}: as nothing, or as a second
 * {@code forward} argument after the latents/images (class ids, a prompt embedding, or token ids).
 */
public enum ConditionInput {
    /** {@code forward(x)}: the module is unconditional (or its prompt is baked in); the condition is ignored. */
    NONE,
    /**
     * {@code forward(x, classes)} with {@code classes} an int64 tensor of shape (B) holding the class ids. The ids
     * are checked before the module runs: negative ids, and ids &ge; the builder's {@code optNumClasses} when
     * given, throw {@link IllegalArgumentException} ("class id out of range").
     */
    CLASS_INDEX,
    /**
     * {@code forward(x, embedding)} with a tensor of shape (B, embedding shape...) in the module's data type,
     * stacked from the per-prompt embeddings given to the builder (e.g. the CLIP text encoder's hidden states
     * for SD-Turbo, exported by the user once per prompt). A prompt without an embedding is an error.
     */
    PROMPT_EMBEDDING,
    /**
     * {@code forward(x, token_ids)} with {@code token_ids} an int64 tensor of shape (B, L) produced from the
     * condition's prompts by the {@link io.genalign.core.model.PromptTokenizer} given to the builder
     * ({@code optTokenizer}; L is its max length, rows padded with its pad id). A builder without a tokenizer is
     * an error.
     */
    TOKENS
}
