package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelInputs;
import java.io.IOException;
import java.util.Objects;

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
    public static final class Builder extends ConditionedModuleBuilder<Builder> {
        private Shape latentShape;
        private Shape imageShape;

        private Builder() {}

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
