package io.genalign.core.model.torchscript;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.PromptTokenizer;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The settings every conditioned TorchScript adapter's builder shares (the file, its data type, how the condition
 * reaches {@code forward}, embeddings, tokenizer, class count, the label in error messages), declared once. Each
 * adapter's {@code Builder} adds its own shapes and {@code build()}.
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract class ConditionedModuleBuilder<B extends ConditionedModuleBuilder<B>> {
    /** Default data type the module computes in. */
    public static final DataType DEFAULT_DATA_TYPE = DataType.FLOAT32;

    Path modelPath;
    final ModuleOptions options = new ModuleOptions();

    ConditionedModuleBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The TorchScript file (required). */
    public B setModelPath(Path path) {
        this.modelPath = path;
        return self();
    }

    /** The module's floating type (float32 by default; float16 for half-precision GPU exports). */
    public B optDataType(DataType type) {
        options.dataType(type);
        return self();
    }

    /** How the condition is passed ({@link ConditionInput#NONE} by default). */
    public B optConditionInput(ConditionInput input) {
        options.conditionInput(input);
        return self();
    }

    /** The embedding of one prompt for {@link ConditionInput#PROMPT_EMBEDDING} (C-order values). */
    public B optPromptEmbedding(String prompt, float[] embedding, Shape shape) {
        options.embeddings.put(prompt, embedding, shape);
        return self();
    }

    /**
     * The embedding of one prompt for {@link ConditionInput#PROMPT_EMBEDDING}, read from a float32/float64 .npy file
     * when the adapter is built (its shape is the embedding's shape).
     */
    public B optPromptEmbeddingFile(String prompt, Path npyFile) {
        options.embeddings.putFile(prompt, npyFile);
        return self();
    }

    /**
     * How a condition's prompt maps to the key its embedding was given under (identity by default; e.g. a slug
     * function when embeddings are stored per file name).
     */
    public B optPromptKey(UnaryOperator<String> key) {
        options.promptKey(key);
        return self();
    }

    /**
     * The tokenizer for {@link ConditionInput#TOKENS} (required then). The adapter does not own it: the caller
     * closes it after the adapter.
     */
    public B optTokenizer(PromptTokenizer tokenizer) {
        options.tokenizer(tokenizer);
        return self();
    }

    /**
     * The number of classes for {@link ConditionInput#CLASS_INDEX}: ids outside [0, n) are refused before the module
     * runs (without it only negative ids are).
     */
    public B optNumClasses(int n) {
        options.numClasses(n);
        return self();
    }

    /** The name of the file in error messages (default: the path given to {@code setModelPath}). */
    public B optLabel(String label) {
        options.label(label);
        return self();
    }
}
