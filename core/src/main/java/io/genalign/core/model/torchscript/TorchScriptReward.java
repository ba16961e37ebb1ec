package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Reward;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link Reward} backed by a user's TorchScript module (e.g. a CLIP-based preference model such as PickScore
 * with its image preprocessing inside; see docs/bring-your-own-models.md).
 *
 * <p>Module contract: {@code forward(images)} or {@code forward(images, condition)} (see
 * {@link ConditionInput}) with images of shape (B, C, H, W) in [-1, 1] in the module's data type, returning one
 * score per image as a tensor of shape (B) or (B, 1) (higher is better). Gradients flow back to the images; the
 * module runs in eval mode. Images must be in the module's data type ({@code optDataType}, float32 by default: DJL
 * casts are not differentiable); scores come back with shape (B). Wrong input shapes throw {@link
 * IllegalArgumentException}; an output of another shape throws {@link IllegalStateException}.
 */
public final class TorchScriptReward implements Reward {
    private final TorchScriptModule module;
    private final Shape imageShape;
    private final String name;

    private TorchScriptReward(TorchScriptModule module, Shape imageShape, String name) {
        this.module = module;
        this.imageShape = imageShape;
        this.name = name;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** Shape of one image the module accepts. */
    public Shape imageShape() {
        return imageShape;
    }

    @Override
    public NDArray score(NDArray images, Condition condition) {
        return module.forwardPerSample(images, imageShape, condition, "reward returned scores");
    }

    /** The loaded module (tests). */
    TorchScriptModule module() {
        return module;
    }

    @Override
    public void close() {
        module.close();
    }

    /** Builder: {@code set...} for the required file and image shape, {@code opt...} for the rest. */
    public static final class Builder extends ConditionedModuleBuilder<Builder> {
        /** Default reward name (reports, CLI). */
        public static final String DEFAULT_NAME = "torchscript-reward";

        private Shape imageShape;
        private String name = DEFAULT_NAME;

        private Builder() {}

        /** Shape of one input image (C, H, W) (required). */
        public Builder setImageShape(Shape shape) {
            this.imageShape = shape;
            return this;
        }

        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        public TorchScriptReward build() throws IOException {
            Objects.requireNonNull(modelPath, "setModelPath is required");
            Objects.requireNonNull(imageShape, "setImageShape is required");
            Objects.requireNonNull(name, "name");
            if (imageShape.dimension() != 3) {
                throw new IllegalArgumentException("image shape must be (C, H, W), got " + imageShape);
            }
            return new TorchScriptReward(options.load(modelPath, "reward"), imageShape, name);
        }
    }
}
