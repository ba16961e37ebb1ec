package io.genalign.core.model;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link FeatureExtractor} must pass: features of shape (B, featureDim()) in the images'
 * float type for B = 1 and 3, finite; identical on two calls; gradient with respect to the images agreeing
 * with central finite differences ({@link ContractChecks}); images of the wrong shape throw
 * {@link IllegalArgumentException}.
 */
public abstract class FeatureExtractorContract extends GenalignTestBase {
    private FeatureExtractor extractor;

    protected abstract FeatureExtractor newExtractor(NDManager manager);

    /** Shape of one image the extractor accepts (C, H, W). */
    protected abstract Shape imageShape();

    protected DataType dataType() {
        return DataType.FLOAT32;
    }

    /** The extractor under test (for subclass checks). */
    protected FeatureExtractor extractor() {
        return extractor;
    }

    @BeforeEach
    void openExtractor() {
        extractor = newExtractor(manager);
    }

    @AfterEach
    void closeExtractor() {
        extractor.close();
    }

    @Test
    void shapesAndTypes() {
        for (int b : new int[] {1, 3}) {
            NDArray f = extractor.features(images(b, SEED + b));
            ContractChecks.assertShapeAndType(f, new Shape(b, extractor.featureDim()), dataType(), "features");
            for (double v : ContractChecks.doubles(f)) {
                org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(v), "feature " + v);
            }
        }
    }

    @Test
    void deterministic() {
        ContractChecks.assertDeterministic(extractor::features, images(3, SEED + 3));
    }

    @Test
    void featureGradientMatchesFiniteDifferences() {
        ContractChecks.assertGradientMatchesFiniteDifferences(extractor::features, images(2, SEED + 5), SEED + 6);
    }

    @Test
    void wrongInputShapeIsAClearError() {
        Shape s = imageShape();
        NDArray wrong = ContractChecks.images(manager, new Shape(2, s.get(0) + 1, s.get(1), s.get(2)), dataType(),
                SEED);
        assertThrows(IllegalArgumentException.class, () -> extractor.features(wrong));
        NDArray unbatched = ContractChecks.images(manager, s, dataType(), SEED);
        assertThrows(IllegalArgumentException.class, () -> extractor.features(unbatched));
    }

    /** A batch of b images in [-0.9, 0.9]. */
    protected NDArray images(int b, long seed) {
        return ContractChecks.images(manager, GeneratorContract.batched(b, imageShape()), dataType(), seed);
    }
}
