package io.genalign.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Small reference models (test fixtures, not product code) proving the contract suites: their weights are
 * fixed pseudo-random numbers, and they compute in the input's float type.
 *
 * <ul>
 *   <li>{@link LinearGenerator}: {@code images = tanh(W z + b_c)} reshaped to the image shape, with a class
 *       bias {@code b_c};
 *   <li>{@link LinearReward}: {@code score = v . tanh(x) + c_class};
 *   <li>{@link LinearFeatures}: {@code features = tanh(A x)};
 *   <li>{@link LinearDiscriminator}: those features and the logit {@code u . features}.
 * </ul>
 */
final class LinearFixtures {
    private LinearFixtures() {}

    static NDArray weights(NDManager m, Shape shape, double scale, long seed) {
        return ContractChecks.normal(m, shape, DataType.FLOAT64, seed).mul(scale);
    }

    static final class LinearGenerator implements Generator {
        private final NDManager manager;
        private final Shape latent;
        private final Shape image;
        private final NDArray w; // (latentSize, imageSize)
        private final NDArray bias; // (10, imageSize)

        LinearGenerator(NDManager parent, Shape latent, Shape image) {
            this.manager = parent.newSubManager();
            this.latent = latent;
            this.image = image;
            this.w = weights(manager, new Shape(latent.size(), image.size()), 1.0 / Math.sqrt(latent.size()), 1);
            this.bias = weights(manager, new Shape(10, image.size()), 0.3, 2);
        }

        @Override
        public Shape latentShape() {
            return latent;
        }

        @Override
        public Shape imageShape() {
            return image;
        }

        @Override
        public NDArray generate(NDArray latents, Condition condition) {
            int b = ModelInputs.requireBatch(latents, latent, "latents");
            ModelInputs.requireCondition(condition, b);
            DataType t = latents.getDataType();
            NDArray classBias = bias.get(latents.getManager().create(condition.classIds())).toType(t, false);
            NDArray pre = latents.reshape(b, latent.size()).matMul(w.toType(t, false)).add(classBias);
            return pre.tanh().reshape(GeneratorContract.batched(b, image));
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    static final class LinearReward implements Reward {
        private final NDManager manager;
        private final Shape image;
        private final NDArray v; // (imageSize)
        private final NDArray classOffset; // (10)

        LinearReward(NDManager parent, Shape image) {
            this.manager = parent.newSubManager();
            this.image = image;
            this.v = weights(manager, new Shape(image.size()), 1.0, 3);
            this.classOffset = weights(manager, new Shape(10), 1.0, 4);
        }

        @Override
        public String name() {
            return "linear-fixture";
        }

        @Override
        public NDArray score(NDArray images, Condition condition) {
            int b = ModelInputs.requireBatch(images, image, "images");
            ModelInputs.requireCondition(condition, b);
            DataType t = images.getDataType();
            NDArray flat = images.reshape(b, image.size()).tanh();
            NDArray offset = classOffset.get(images.getManager().create(condition.classIds())).toType(t, false);
            return flat.matMul(v.toType(t, false).reshape(image.size(), 1)).reshape(b).add(offset);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    static class LinearFeatures implements FeatureExtractor {
        final NDManager manager;
        final Shape image;
        final NDArray a; // (imageSize, F)
        final int dim;

        LinearFeatures(NDManager parent, Shape image, int dim) {
            this.manager = parent.newSubManager();
            this.image = image;
            this.dim = dim;
            this.a = weights(manager, new Shape(image.size(), dim), 1.0 / Math.sqrt(image.size()), 5);
        }

        @Override
        public String name() {
            return "linear-features-fixture";
        }

        @Override
        public int featureDim() {
            return dim;
        }

        @Override
        public NDArray features(NDArray images) {
            int b = ModelInputs.requireBatch(images, image, "images");
            return images.reshape(b, image.size()).matMul(a.toType(images.getDataType(), false)).tanh();
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    static final class LinearDiscriminator extends LinearFeatures implements Discriminator {
        private final NDArray u; // (F)

        LinearDiscriminator(NDManager parent, Shape image, int dim) {
            super(parent, image, dim);
            this.u = weights(manager, new Shape(dim, 1), 1.0, 6);
        }

        @Override
        public NDArray logits(NDArray images, Condition condition) {
            NDArray f = features(images);
            ModelInputs.requireCondition(condition, Math.toIntExact(f.getShape().get(0)));
            return f.matMul(u.toType(f.getDataType(), false)).reshape(f.getShape().get(0));
        }
    }
}
