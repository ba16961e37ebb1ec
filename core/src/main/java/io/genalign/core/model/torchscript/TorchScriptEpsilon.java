package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;
import io.genalign.core.model.Condition;
import io.genalign.core.model.PromptTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A user's TorchScript epsilon-prediction network {@code forward(x_t, t, condition) -> eps}: x_t (B, C, H, W) in
 * the module's floating type, t (B) int64 timesteps 0..T−1, the condition as {@link ConditionInput} says; the
 * output has x_t's shape.
 *
 * <p>Trainable or frozen ({@link Builder#optTrainable}): a trainable module is loaded without freezing, so DJL's
 * {@link #parameters()} are the TorchScript module's own parameter tensors (same storage: an in-place update is
 * what the next forward uses) and a backward pass through {@link #predict} accumulates gradients on them. Verified
 * on {@code examples/tiny-t2i/eps.pt} (every parameter of Linear, Embedding, Conv2d and GroupNorm layers receives a
 * gradient). Buffers (e.g. batch-norm running statistics) are not parameters and stay as loaded; the module runs in
 * eval mode throughout.
 *
 * <p>{@link #save(Path)} writes the module with its current parameter values as a TorchScript archive (libtorch's
 * own serialiser through DJL's {@code JniUtils.writeModule}); PyTorch's {@code torch.jit.load} reads it.
 */
public final class TorchScriptEpsilon implements AutoCloseable {
    /** DJL's setting of libtorch's graph-executor optimisation (system property {@code ai.djl.pytorch.graph_optimizer}). */
    private static final boolean GRAPH_OPTIMIZER_DEFAULT = Boolean.parseBoolean(System.getProperty(
            "ai.djl.pytorch.graph_optimizer", "true"));

    private final TorchScriptModule module;
    private final Shape imageShape;

    private TorchScriptEpsilon(TorchScriptModule module, Shape imageShape) {
        this.module = module;
        this.imageShape = imageShape;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Shape of one x_t without the batch axis. */
    public Shape imageShape() {
        return imageShape;
    }

    /** Whether the parameters are trainable. */
    public boolean trainable() {
        return module.trainable();
    }

    /** The file's name in messages. */
    public String label() {
        return module.label();
    }

    /**
     * eps_hat for a batch: x_t (B, C, H, W), one timestep per sample, a condition with B entries. Differentiable
     * with respect to the parameters when trainable and run inside a gradient collector.
     */
    public NDArray predict(NDArray x, int[] t, Condition condition) {
        long b = x.getShape().get(0);
        if (t.length != b || condition.batchSize() != b) {
            throw new IllegalArgumentException(module.label() + ": " + b + " inputs but " + t.length + " timesteps and "
                    + condition.batchSize() + " conditions");
        }
        long[] tt = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            tt[i] = t[i];
        }
        NDArray eps;
        // libtorch's profiling graph executor swaps in optimised graphs after the first calls of a module, which
        // changes float rounding with the call count: a resumed run would then not follow the uninterrupted one.
        // Off for this call (the setting is per thread), back to DJL's setting afterwards.
        JniUtils.setGraphExecutorOptimize(false);
        try {
            eps = module.forward(new NDList(x, x.getManager().create(tt)), condition);
        } finally {
            JniUtils.setGraphExecutorOptimize(GRAPH_OPTIMIZER_DEFAULT);
        }
        if (!eps.getShape().equals(x.getShape())) {
            throw new IllegalStateException(module.label() + ": forward returned " + eps.getShape() + " for x_t "
                    + x.getShape() + "; an epsilon network returns x_t's shape");
        }
        return eps;
    }

    /** The TorchScript module's parameters, by their TorchScript names (e.g. {@code conv_in.weight}). */
    public ParameterList parameters() {
        return module.parameters();
    }

    /** Writes the module with the current parameters as a TorchScript file (written beside, then moved). */
    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            module.save(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        module.close();
    }

    /** Builder: as {@link TorchScriptGenerator.Builder}, plus {@link #optTrainable}. */
    public static final class Builder {
        private Path modelPath;
        private Shape imageShape;
        private final ModuleOptions options = new ModuleOptions();

        private Builder() {}

        public Builder setModelPath(Path path) {
            this.modelPath = path;
            return this;
        }

        public Builder setImageShape(Shape shape) {
            this.imageShape = shape;
            return this;
        }

        public Builder optConditionInput(ConditionInput input) {
            options.conditionInput(input);
            return this;
        }

        public Builder optPromptEmbeddingFile(String prompt, Path npyFile) {
            options.embeddings.putFile(prompt, npyFile);
            return this;
        }

        public Builder optPromptKey(UnaryOperator<String> key) {
            options.promptKey(key);
            return this;
        }

        public Builder optTokenizer(PromptTokenizer tokenizer) {
            options.tokenizer(tokenizer);
            return this;
        }

        public Builder optNumClasses(int n) {
            options.numClasses(n);
            return this;
        }

        public Builder optLabel(String label) {
            options.label(label);
            return this;
        }

        /** Trainable parameters (default false: frozen, gradients for the inputs only). */
        public Builder optTrainable(boolean trainable) {
            options.trainable = trainable;
            return this;
        }

        public TorchScriptEpsilon build() throws IOException {
            Objects.requireNonNull(modelPath, "setModelPath is required");
            Objects.requireNonNull(imageShape, "setImageShape is required");
            return new TorchScriptEpsilon(options.load(modelPath, "diffusion"), imageShape);
        }
    }
}
