package io.genalign.core.model;

/** How a model set understands prompts (the {@code prompts.kind} of a model folder's manifest). */
public enum PromptKind {
    /** A prompt names one of a fixed list of classes (synonyms allowed); the condition carries the class id. */
    CLASS,
    /** Any text; conditioned modules receive token ids from a tokenizer. */
    TEXT,
    /** A prompt names one of a fixed set of precomputed embeddings (one {@code .npy} per prompt). */
    EMBEDDING
}
