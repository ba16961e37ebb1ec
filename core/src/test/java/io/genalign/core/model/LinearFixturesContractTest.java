package io.genalign.core.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Nested;

/** Runs every contract suite on the linear reference fixtures, in float64 (tight) and float32 (loose). */
class LinearFixturesContractTest {
    static final Shape LATENT = new Shape(2, 3, 3);
    static final Shape IMAGE = new Shape(1, 4, 4);

    @Nested
    class GeneratorFloat64 extends GeneratorContract {
        @Override
        protected Generator newGenerator(NDManager m) {
            return new LinearFixtures.LinearGenerator(m, LATENT, IMAGE);
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }

    @Nested
    class GeneratorFloat32 extends GeneratorContract {
        @Override
        protected Generator newGenerator(NDManager m) {
            return new LinearFixtures.LinearGenerator(m, LATENT, IMAGE);
        }
    }

    @Nested
    class RewardFloat64 extends RewardContract {
        @Override
        protected Reward newReward(NDManager m) {
            return new LinearFixtures.LinearReward(m, IMAGE);
        }

        @Override
        protected Shape imageShape() {
            return IMAGE;
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }

    @Nested
    class FeaturesFloat32 extends FeatureExtractorContract {
        @Override
        protected FeatureExtractor newExtractor(NDManager m) {
            return new LinearFixtures.LinearFeatures(m, IMAGE, 5);
        }

        @Override
        protected Shape imageShape() {
            return IMAGE;
        }
    }

    @Nested
    class DiscriminatorFloat64 extends DiscriminatorContract {
        @Override
        protected Discriminator newDiscriminator(NDManager m) {
            return new LinearFixtures.LinearDiscriminator(m, IMAGE, 5);
        }

        @Override
        protected Shape imageShape() {
            return IMAGE;
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }
}
