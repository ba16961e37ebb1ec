package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.ModelInputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link FeatureExtractor} backed by a user's TorchScript module (e.g. an Inception or CLIP image tower for
 * FID and diversity).
 *
 * <p>Module contract: {@code forward(images)} with images of shape (B, C, H, W) in [-1, 1] in the module's data
 * type, returning one tensor of shape (B, F) with F = {@link #featureDim()}. Gradients flow back to the images;
 * eval mode. Images must be in the module's data type ({@code optDataType}, float32 by default: DJL casts are not
 * differentiable). Wrong input shapes throw {@link IllegalArgumentException}; an output of another shape throws {@link
 * IllegalStateException}.
 */
public final class TorchScriptFeatureExtractor implements FeatureExtractor {
    private final TorchScriptModule module;
    private final Shape imageShape;
    private final int featureDim;
    private final String name;

    private TorchScriptFeatureExtractor(TorchScriptModule module, Shape imageShape, int featureDim, String name) {
        this.module = module;
        this.imageShape = imageShape;
        this.featureDim = featureDim;
        this.name = name;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int featureDim() {
        return featureDim;
    }

    /** Shape of one image the module accepts. */
    public Shape imageShape() {
        return imageShape;
    }

    @Override
    public NDArray features(NDArray images) {
        int b = ModelInputs.requireBatch(images, imageShape, "images");
        NDArray f = module.forward(images, Condition.repeat("", -1, b));
        if (!f.getShape().equals(new Shape(b, featureDim))) {
            throw new IllegalStateException(module.label() + ": feature extractor returned features of shape "
                    + f.getShape() + ", expected (" + b + ", " + featureDim + ")");
        }
        return f;
    }

    /** The loaded module (tests). */
    TorchScriptModule module() {
        return module;
    }

    @Override
    public void close() {
        module.close();
    }

    /** Builder: {@code set...} for the required file, image shape and feature length. */
    public static final class Builder {
        /** Default data type the module computes in. */
        public static final DataType DEFAULT_DATA_TYPE = DataType.FLOAT32;
        /** Default name (reports, CLI). */
        public static final String DEFAULT_NAME = "torchscript-features";

        private Path modelPath;
        private Shape imageShape;
        private int featureDim = -1;
        private String name = DEFAULT_NAME;
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

        /** F, the length of one feature vector (required). */
        public Builder setFeatureDim(int dim) {
            this.featureDim = dim;
            return this;
        }

        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /** The module's floating type (float32 by default; float16 for half-precision GPU exports). */
        public Builder optDataType(DataType type) {
            options.dataType(type);
            return this;
        }

        /** The name of the file in error messages (default: the path given to {@code setModelPath}). */
        public Builder optLabel(String label) {
            options.label(label);
            return this;
        }

        public TorchScriptFeatureExtractor build() throws IOException {
            Objects.requireNonNull(modelPath, "setModelPath is required");
            Objects.requireNonNull(imageShape, "setImageShape is required");
            if (featureDim < 1) {
                throw new IllegalArgumentException("setFeatureDim is required (a positive length), got "
                        + featureDim);
            }
            if (imageShape.dimension() != 3) {
                throw new IllegalArgumentException("image shape must be (C, H, W), got " + imageShape);
            }
            return new TorchScriptFeatureExtractor(options.load(modelPath, "feature extractor"), imageShape,
                    featureDim, name);
        }
    }
}
