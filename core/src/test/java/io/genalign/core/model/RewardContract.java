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
 * The contract every {@link Reward} must pass: scores of shape (B) in the images' float type for B = 1 and 3,
 * finite; identical scores on two calls; gradient with respect to the images agreeing with central finite
 * differences ({@link ContractChecks}); images of the wrong shape and a condition of the wrong batch size throw
 * {@link IllegalArgumentException}. Subclasses give the model, the image shape it accepts and, for float64
 * models, {@link #dataType()}.
 */
public abstract class RewardContract extends GenalignTestBase {
    private Reward reward;

    protected abstract Reward newReward(NDManager manager);

    /** Shape of one image the reward accepts (C, H, W). */
    protected abstract Shape imageShape();

    protected DataType dataType() {
        return DataType.FLOAT32;
    }

    protected Condition condition(int batch) {
        return Condition.repeat("contract", 0, batch);
    }

    @BeforeEach
    void openReward() {
        reward = newReward(manager);
    }

    @AfterEach
    void closeReward() {
        reward.close();
    }

    @Test
    void shapesAndTypes() {
        checkShapesAndTypes(reward, manager);
    }

    @Test
    void deterministic() {
        ContractChecks.assertDeterministic(x -> reward.score(x, condition(3)), images(manager, 3, SEED + 3));
    }

    @Test
    void gradientWithRespectToImagesMatchesFiniteDifferences() {
        checkGradient(reward, manager);
    }

    @Test
    void wrongInputShapeIsAClearError() {
        Shape s = imageShape();
        NDArray wrong = ContractChecks.images(manager, new Shape(2, s.get(0) + 1, s.get(1), s.get(2)), dataType(),
                SEED);
        assertThrows(IllegalArgumentException.class, () -> reward.score(wrong, condition(2)));
        NDArray unbatched = ContractChecks.images(manager, s, dataType(), SEED);
        assertThrows(IllegalArgumentException.class, () -> reward.score(unbatched, condition(1)));
        NDArray ok = images(manager, 2, SEED);
        assertThrows(IllegalArgumentException.class, () -> reward.score(ok, condition(3)));
    }

    public final void checkShapesAndTypes(Reward r, NDManager m) {
        for (int b : new int[] {1, 3}) {
            NDArray scores = r.score(images(m, b, SEED + b), condition(b));
            ContractChecks.assertShapeAndType(scores, new Shape(b), dataType(), "scores");
            for (double v : ContractChecks.doubles(scores)) {
                org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(v), "score " + v);
            }
        }
    }

    public final void checkGradient(Reward r, NDManager m) {
        ContractChecks.assertGradientMatchesFiniteDifferences(x -> r.score(x, condition(2)), images(m, 2, SEED + 5),
                SEED + 6);
    }

    private NDArray images(NDManager m, int b, long seed) {
        return ContractChecks.images(m, GeneratorContract.batched(b, imageShape()), dataType(), seed);
    }
}
