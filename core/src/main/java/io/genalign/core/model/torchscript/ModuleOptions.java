package io.genalign.core.model.torchscript;

import ai.djl.ndarray.types.DataType;
import io.genalign.core.model.PromptTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Builder-side settings shared by every TorchScript adapter: the module's data type, how it receives the
 * condition and what that needs (embeddings, a tokenizer, the number of classes), and the name used for the file
 * in error messages. Mutable; {@link #load(Path, String)} snapshots it into a {@link TorchScriptModule}.
 */
final class ModuleOptions {
    DataType dataType = DataType.FLOAT32;
    ConditionInput conditionInput = ConditionInput.NONE;
    final PromptEmbeddings embeddings = new PromptEmbeddings();
    UnaryOperator<String> promptKey = UnaryOperator.identity();
    PromptTokenizer tokenizer;
    int numClasses = -1;
    String label;
    /** Load with trainable parameters (not frozen; gradients accumulate on them). */
    boolean trainable;

    void dataType(DataType type) {
        this.dataType = Objects.requireNonNull(type, "data type");
    }

    void conditionInput(ConditionInput input) {
        this.conditionInput = Objects.requireNonNull(input, "condition input");
    }

    void promptKey(UnaryOperator<String> key) {
        this.promptKey = Objects.requireNonNull(key, "prompt key");
    }

    void tokenizer(PromptTokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    void numClasses(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of classes must be positive, got " + n);
        }
        this.numClasses = n;
    }

    void label(String label) {
        this.label = Objects.requireNonNull(label, "label");
    }

    /** Reads embedding files and loads the module; see {@link TorchScriptModule#load}. */
    TorchScriptModule load(Path file, String what) throws IOException {
        Objects.requireNonNull(file, "setModelPath is required");
        embeddings.readFiles();
        return TorchScriptModule.load(file, what, this);
    }
}
