package io.genalign.core.model.torchscript;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.DiscriminatorContract;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.FeatureExtractorContract;
import io.genalign.core.model.Generator;
import io.genalign.core.model.GeneratorContract;
import io.genalign.core.model.Reward;
import io.genalign.core.model.RewardContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Nested;

/** The generic model contracts on the TorchScript adapters, over the hand-written fixture files. */
class TorchScriptContractTest {
    static TorchScriptGenerator squash(DataType type) {
        try {
            return TorchScriptGenerator.builder().setModelPath(TorchScriptFixtures.squash())
                    .setLatentShape(TorchScriptFixtures.IMAGE).setImageShape(TorchScriptFixtures.IMAGE)
                    .optDataType(type).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TorchScriptGenerator classGenerator() {
        try {
            return TorchScriptGenerator.builder().setModelPath(TorchScriptFixtures.classGenerator())
                    .setLatentShape(TorchScriptFixtures.LATENT).setImageShape(TorchScriptFixtures.IMAGE)
                    .optDataType(DataType.FLOAT64).optConditionInput(ConditionInput.CLASS_INDEX).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TorchScriptReward embeddingReward() {
        try {
            return TorchScriptReward.builder().setModelPath(TorchScriptFixtures.embeddingReward())
                    .setImageShape(TorchScriptFixtures.IMAGE).optName("fixture-reward")
                    .optConditionInput(ConditionInput.PROMPT_EMBEDDING)
                    .optPromptEmbedding("contract", new float[] {0.25f, -1f, 0.5f}, TorchScriptFixtures.EMBEDDING)
                    .optPromptEmbedding("ankle boot", new float[] {1f, 2f, 3f}, TorchScriptFixtures.EMBEDDING)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TorchScriptFeatureExtractor convFeatures() {
        try {
            return TorchScriptFeatureExtractor.builder().setModelPath(TorchScriptFixtures.convFeatures())
                    .setImageShape(TorchScriptFixtures.IMAGE).setFeatureDim(TorchScriptFixtures.FEATURES)
                    .optDataType(DataType.FLOAT64).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Nested
    class ParameterFreeGenerator extends GeneratorContract {
        @Override
        protected Generator newGenerator(NDManager m) {
            return squash(DataType.FLOAT64);
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }

    /** The same parameter-free file run in float32 (it computes in its input's type). */
    @Nested
    class ParameterFreeGeneratorFloat32 extends GeneratorContract {
        @Override
        protected Generator newGenerator(NDManager m) {
            return squash(DataType.FLOAT32);
        }
    }

    @Nested
    class WeightedClassGenerator extends GeneratorContract {
        @Override
        protected Generator newGenerator(NDManager m) {
            return classGenerator();
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }

    /** A float32 module: the gradient check runs with the documented float32 tolerance. */
    @Nested
    class WeightedEmbeddingReward extends RewardContract {
        @Override
        protected Reward newReward(NDManager m) {
            return embeddingReward();
        }

        @Override
        protected Shape imageShape() {
            return TorchScriptFixtures.IMAGE;
        }
    }

    @Nested
    class WeightedConvFeatures extends FeatureExtractorContract {
        @Override
        protected FeatureExtractor newExtractor(NDManager m) {
            return convFeatures();
        }

        @Override
        protected Shape imageShape() {
            return TorchScriptFixtures.IMAGE;
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }

    /** Logits from the file, features delegated to the conv extractor (the same map the logit head reads). */
    @Nested
    class ConvDiscriminator extends DiscriminatorContract {
        @Override
        protected Discriminator newDiscriminator(NDManager m) {
            try {
                return TorchScriptDiscriminator.builder().setModelPath(TorchScriptFixtures.convDiscriminator())
                        .setImageShape(TorchScriptFixtures.IMAGE).optDataType(DataType.FLOAT64)
                        .optFeatures(convFeatures()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected Shape imageShape() {
            return TorchScriptFixtures.IMAGE;
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    }
}
