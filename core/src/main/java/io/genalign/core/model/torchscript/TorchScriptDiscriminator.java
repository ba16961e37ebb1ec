package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.FeatureExtractor;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link Discriminator} backed by a user's TorchScript module that returns realness logits.
 *
 * <p>Module contract: {@code forward(images)} or {@code forward(images, condition)} (see {@link ConditionInput})
 * with images of shape (B, C, H, W) in [-1, 1] in the module's data type, returning one logit per image as a
 * tensor of shape (B) or (B, 1) (positive means "real"); logits come back with shape (B). Gradients flow back to
 * the images; eval mode; images must be in the module's data type ({@code optDataType}, float32 by default).
 *
 * <p>Feature map: a TorchScript file exposes one {@code forward}, so the discriminator's own feature map is not
 * reachable. {@link #features(NDArray)} and {@link #featureDim()} delegate to the feature extractor given with
 * {@link Builder#optFeatures(FeatureExtractor)} (not owned: the caller closes it) and, without one, throw {@link
 * UnsupportedOperationException} saying so. Wrong input shapes throw {@link IllegalArgumentException}; an output of
 * another shape or type throws {@link IllegalStateException} naming the file.
 */
public final class TorchScriptDiscriminator implements Discriminator {
    private final TorchScriptModule module;
    private final Shape imageShape;
    private final String name;
    private final FeatureExtractor features;

    private TorchScriptDiscriminator(TorchScriptModule module, Shape imageShape, String name,
            FeatureExtractor features) {
        this.module = module;
        this.imageShape = imageShape;
        this.name = name;
        this.features = features;
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
    public NDArray logits(NDArray images, Condition condition) {
        return module.forwardPerSample(images, imageShape, condition, "discriminator returned logits");
    }

    /** F of the delegate feature extractor; {@link UnsupportedOperationException} without one. */
    @Override
    public int featureDim() {
        return requireFeatures().featureDim();
    }

    /** The delegate feature extractor's features; {@link UnsupportedOperationException} without one. */
    @Override
    public NDArray features(NDArray images) {
        return requireFeatures().features(images);
    }

    private FeatureExtractor requireFeatures() {
        if (features == null) {
            throw new UnsupportedOperationException(module.label() + ": the TorchScript discriminator exposes only "
                    + "its logits, not a feature map; give a feature extractor with optFeatures (in a model folder: "
                    + "use the \"features\" key)");
        }
        return features;
    }

    /** The loaded module (tests). */
    TorchScriptModule module() {
        return module;
    }

    /** Closes the module (not the delegate feature extractor). */
    @Override
    public void close() {
        module.close();
    }

    /** Builder: {@code set...} for the required file and image shape, {@code opt...} for the rest. */
    public static final class Builder extends ConditionedModuleBuilder<Builder> {
        /** Default name (reports, CLI). */
        public static final String DEFAULT_NAME = "torchscript-discriminator";

        private Shape imageShape;
        private String name = DEFAULT_NAME;
        private FeatureExtractor features;

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

        /** The feature extractor {@link #features(NDArray)} delegates to (not owned; none by default). */
        public Builder optFeatures(FeatureExtractor features) {
            this.features = Objects.requireNonNull(features, "features");
            return this;
        }

        /** Loads the module; a missing or corrupt file throws an IOException naming it. */
        public TorchScriptDiscriminator build() throws IOException {
            Objects.requireNonNull(modelPath, "setModelPath is required");
            Objects.requireNonNull(imageShape, "setImageShape is required");
            Objects.requireNonNull(name, "name");
            if (imageShape.dimension() != 3) {
                throw new IllegalArgumentException("image shape must be (C, H, W), got " + imageShape);
            }
            return new TorchScriptDiscriminator(options.load(modelPath, "discriminator"), imageShape, name,
                    features);
        }
    }
}
