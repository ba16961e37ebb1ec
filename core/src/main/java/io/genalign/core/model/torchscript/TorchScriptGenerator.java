package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelInputs;
import io.genalign.core.model.PromptTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A {@link Generator} backed by a user's TorchScript module (e.g. SD-Turbo's UNet and VAE decoder traced as
 * one one-step generator; see docs/bring-your-own-models.md).
 *
 * <p>Module contract: {@code forward(latents)} or {@code forward(latents, condition)} (see
 * {@link ConditionInput}) with latents of shape (B, latentShape...) in the module's data type, returning one
 * tensor of shape (B, imageShape...) with values in [-1, 1] (the module itself must clamp or squash; this adapter
 * does not clip, which would cut gradients). Gradients flow back to the latents; the module runs in eval
 * mode. Latents must be in the module's data type ({@code optDataType}, float32 by default): DJL casts are not
 * differentiable. Latents or conditions of the wrong shape throw {@link IllegalArgumentException}; an output of the
 * wrong shape throws {@link IllegalStateException}.
 */
public final class TorchScriptGenerator implements Generator {
    private final TorchScriptModule module;
    private final Shape latentShape;
    private final Shape imageShape;

    private TorchScriptGenerator(TorchScriptModule module, Shape latentShape, Shape imageShape) {
        this.module = module;
        this.latentShape = latentShape;
        this.imageShape = imageShape;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Shape latentShape() {
        return latentShape;
    }

    @Override
    public Shape imageShape() {
        return imageShape;
    }

    @Override
    public NDArray generate(NDArray latents, Condition condition) {
        int b = ModelInputs.requireBatch(latents, latentShape, "latents");
        ModelInputs.requireCondition(condition, b);
        NDArray images = module.forward(latents, condition);
        Shape expected = new Shape(b).addAll(imageShape);
        if (!images.getShape().equals(expected)) {
            throw new IllegalStateException(module.label() + ": generator returned images of shape "
                    + images.getShape() + ", expected " + expected);
        }
        return images;
    }

    /** The loaded module (tests). */
    TorchScriptModule module() {
        return module;
    }

    @Override
    public void close() {
        module.close();
    }

    /** Builder: {@code set...} for the required file and shapes, {@code opt...} for the rest. */
    public static final class Builder {
        /** Default data type the module computes in. */
        public static final DataType DEFAULT_DATA_TYPE = DataType.FLOAT32;

        private Path modelPath;
        private Shape latentShape;
        private Shape imageShape;
        private final ModuleOptions options = new ModuleOptions();

        private Builder() {}

        /** The TorchScript file (required). */
        public Builder setModelPath(Path path) {
            this.modelPath = path;
            return this;
        }

        /** Shape of one latent without the batch axis, e.g. (4, 64, 64) for SD-Turbo at 512 px (required). */
        public Builder setLatentShape(Shape shape) {
            this.latentShape = shape;
            return this;
        }

        /** Shape of one image without the batch axis, e.g. (3, 512, 512) (required). */
        public Builder setImageShape(Shape shape) {
            this.imageShape = shape;
            return this;
        }

        /** The module's floating type (float32 by default; float16 for half-precision GPU exports). */
        public Builder optDataType(DataType type) {
            options.dataType(type);
            return this;
        }

        /** How the condition is passed ({@link ConditionInput#NONE} by default). */
        public Builder optConditionInput(ConditionInput input) {
            options.conditionInput(input);
            return this;
        }

        /** The embedding of one prompt for {@link ConditionInput#PROMPT_EMBEDDING} (C-order values). */
        public Builder optPromptEmbedding(String prompt, float[] embedding, Shape shape) {
            options.embeddings.put(prompt, embedding, shape);
            return this;
        }

        /**
         * The embedding of one prompt for {@link ConditionInput#PROMPT_EMBEDDING}, read from a float32/float64
         * .npy file when {@link #build()} runs (its shape is the embedding's shape).
         */
        public Builder optPromptEmbeddingFile(String prompt, Path npyFile) {
            options.embeddings.putFile(prompt, npyFile);
            return this;
        }

        /**
         * How a condition's prompt maps to the key its embedding was given under (identity by default; e.g. a
         * slug function when embeddings are stored per file name).
         */
        public Builder optPromptKey(UnaryOperator<String> key) {
            options.promptKey(key);
            return this;
        }

        /**
         * The tokenizer for {@link ConditionInput#TOKENS} (required then). The adapter does not own it: the
         * caller closes it after the adapter.
         */
        public Builder optTokenizer(PromptTokenizer tokenizer) {
            options.tokenizer(tokenizer);
            return this;
        }

        /**
         * The number of classes for {@link ConditionInput#CLASS_INDEX}: ids outside [0, n) are refused before the
         * module runs (without it only negative ids are).
         */
        public Builder optNumClasses(int n) {
            options.numClasses(n);
            return this;
        }

        /** The name of the file in error messages (default: the path given to {@code setModelPath}). */
        public Builder optLabel(String label) {
            options.label(label);
            return this;
        }

        /** Loads the module; a missing or corrupt file throws an IOException naming it. */
        public TorchScriptGenerator build() throws IOException {
            Objects.requireNonNull(modelPath, "setModelPath is required");
            Objects.requireNonNull(latentShape, "setLatentShape is required");
            Objects.requireNonNull(imageShape, "setImageShape is required");
            if (imageShape.dimension() != 3) {
                throw new IllegalArgumentException("image shape must be (C, H, W), got " + imageShape);
            }
            return new TorchScriptGenerator(options.load(modelPath, "generator"), latentShape, imageShape);
        }
    }
}
