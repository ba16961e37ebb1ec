package io.genalign.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.DiscriminatorContract;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.FeatureExtractorContract;
import io.genalign.core.model.Generator;
import io.genalign.core.model.GeneratorContract;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.ZooModels;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every shipped zoo model loads (sha256-checked) and passes the generic model contract suites. The suites run the
 * models with float64 parameters: their finite-difference gradient checks need tiny steps in double precision, since
 * the ReLU networks are piecewise linear and a float32 step of 0.01 crosses their kinks.
 */
class ZooModelsContractTest extends GenalignTestBase {

    @Nested
    class GeneratorSuite extends GeneratorContract {
        @Override
        protected Generator newGenerator(NDManager m) {
            return Zoo.generator(m).asFloat64();
        }

        @Override
        protected Condition condition(int batch) {
            return Condition.repeat("ankle boot", 9, batch);
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }

    @Nested
    class DiscriminatorSuite extends DiscriminatorContract {
        @Override
        protected Discriminator newDiscriminator(NDManager m) {
            return Zoo.discriminator(m).asFloat64();
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }

        @Override
        protected Shape imageShape() {
            return Architectures.IMAGE;
        }
    }

    @Nested
    class ClassifierASuite extends FeatureExtractorContract {
        @Override
        protected FeatureExtractor newExtractor(NDManager m) {
            return Zoo.classifierA(m).asFloat64();
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }

        @Override
        protected Shape imageShape() {
            return Architectures.IMAGE;
        }
    }

    @Nested
    class ClassifierBSuite extends FeatureExtractorContract {
        @Override
        protected FeatureExtractor newExtractor(NDManager m) {
            return Zoo.classifierB(m).asFloat64();
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }

        @Override
        protected Shape imageShape() {
            return Architectures.IMAGE;
        }
    }

    @Nested
    class FeatureNetSuite extends FeatureExtractorContract {
        @Override
        protected FeatureExtractor newExtractor(NDManager m) {
            return Zoo.featureNet(m).asFloat64();
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }

        @Override
        protected Shape imageShape() {
            return Architectures.IMAGE;
        }
    }

    @Test
    void everyModelHasAManifestWithMeasuredFiguresMeetingItsTarget() {
        assertEquals(ZooModels.ALL.size(), Zoo.list().size());
        assertTrue((double) Zoo.manifest("classifier-a").quality().get("test_accuracy") >= 0.90);
        assertTrue((double) Zoo.manifest("classifier-b").quality().get("test_accuracy") >= 0.88);
        assertTrue(Zoo.manifest("gan").quality().containsKey("fid_generated_vs_test"));
        assertTrue(Zoo.manifest("gan").quality().containsKey("classifier_b_share_of_requested_class"));
    }

    @Test
    void classifierARecognisesTheRealBank() {
        RealBank bank = RealBank.load();
        assertEquals(3000, bank.size());
        try (ZooClassifier a = Zoo.classifierA(manager)) {
            NDArray imgs = bank.images(manager);
            int[] pred = ZooEvaluation.predict(a, imgs);
            int[] labels = bank.labels();
            int hits = 0;
            for (int i = 0; i < pred.length; i++) {
                hits += pred[i] == labels[i] ? 1 : 0;
            }
            assertTrue(hits / 3000.0 > 0.85, "accuracy on the bank " + hits / 3000.0);
        }
    }

    @Test
    void float64InputsAreRefusedWithAClearMessage() {
        try (ZooGenerator g = Zoo.generator(manager)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.generate(
                    manager.randomNormal(new Shape(1, 16, 7, 7), DataType.FLOAT64), Condition.repeat("x", 0, 1)));
            assertTrue(e.getMessage().contains("float32"), e.getMessage());
        }
    }

    @Test
    void unknownModelIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Zoo.manifest("vae"));
        assertTrue(e.getMessage().contains("classifier-a"), e.getMessage());
        assertTrue(UncheckedIOException.class.isAssignableFrom(UncheckedIOException.class));
    }
}
