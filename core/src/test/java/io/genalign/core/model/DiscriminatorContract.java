package io.genalign.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The {@link FeatureExtractorContract} plus the logit head: logits of shape (B) in the images' type for B = 1
 * and 3, deterministic, and with an input gradient agreeing with central finite differences.
 */
public abstract class DiscriminatorContract extends FeatureExtractorContract {
    protected abstract Discriminator newDiscriminator(NDManager manager);

    protected Condition condition(int batch) {
        return Condition.repeat("contract", 0, batch);
    }

    @Override
    protected final FeatureExtractor newExtractor(NDManager manager) {
        return newDiscriminator(manager);
    }

    private Discriminator discriminator() {
        return (Discriminator) extractor();
    }

    @Test
    void logitShapes() {
        for (int b : new int[] {1, 3}) {
            NDArray logits = discriminator().logits(images(b, SEED + 20 + b), condition(b));
            ContractChecks.assertShapeAndType(logits, new Shape(b), dataType(), "logits");
        }
    }

    @Test
    void logitsDeterministic() {
        ContractChecks.assertDeterministic(x -> discriminator().logits(x, condition(3)), images(3, SEED + 30));
    }

    @Test
    void logitGradientMatchesFiniteDifferences() {
        ContractChecks.assertGradientMatchesFiniteDifferences(x -> discriminator().logits(x, condition(2)),
                images(2, SEED + 31), SEED + 32);
    }
}
