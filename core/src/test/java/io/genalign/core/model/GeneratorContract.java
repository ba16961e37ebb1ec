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
 * The contract every {@link Generator} must pass. Subclass it, implement {@link #newGenerator(NDManager)}, and
 * override {@link #dataType()} to {@code FLOAT64} when the model runs in double precision (the gradient check
 * is then tight; float32 uses the looser documented tolerances of {@link ContractChecks}).
 *
 * <p>Checks: images of shape (B, imageShape) and the latents' float type for B = 1 and 3; values in [-1, 1];
 * two calls give identical images; the gradient with respect to the latents agrees with central finite
 * differences; a latent batch of the wrong shape and a condition of the wrong batch size throw
 * {@link IllegalArgumentException}.
 */
public abstract class GeneratorContract extends GenalignTestBase {
    private Generator generator;

    /** A fresh generator under test; it may use {@code manager}. Closed after each test. */
    protected abstract Generator newGenerator(NDManager manager);

    /** The float type latents are given in (and images are expected in). */
    protected DataType dataType() {
        return DataType.FLOAT32;
    }

    /** The condition used for a batch; defaults to class 0 with prompt "contract". */
    protected Condition condition(int batch) {
        return Condition.repeat("contract", 0, batch);
    }

    @BeforeEach
    void openGenerator() {
        generator = newGenerator(manager);
    }

    @AfterEach
    void closeGenerator() {
        generator.close();
    }

    @Test
    void shapesTypesAndRange() {
        checkShapesTypesAndRange(generator, manager);
    }

    @Test
    void deterministic() {
        checkDeterministic(generator, manager);
    }

    @Test
    void gradientWithRespectToLatentsMatchesFiniteDifferences() {
        checkGradient(generator, manager);
    }

    @Test
    void wrongInputShapeIsAClearError() {
        checkWrongShape(generator, manager);
    }

    /** Shapes and dtype for batch 1 and 3, and the [-1, 1] range. */
    public final void checkShapesTypesAndRange(Generator g, NDManager m) {
        for (int b : new int[] {1, 3}) {
            NDArray z = latents(g, m, b, SEED + b);
            NDArray images = g.generate(z, condition(b));
            ContractChecks.assertShapeAndType(images, batched(b, g.imageShape()), dataType(), "images");
            ContractChecks.assertImageRange(images);
        }
    }

    public final void checkDeterministic(Generator g, NDManager m) {
        ContractChecks.assertDeterministic(z -> g.generate(z, condition(3)), latents(g, m, 3, SEED + 7));
    }

    public final void checkGradient(Generator g, NDManager m) {
        ContractChecks.assertGradientMatchesFiniteDifferences(z -> g.generate(z, condition(2)),
                latents(g, m, 2, SEED + 11), SEED + 12);
    }

    public final void checkWrongShape(Generator g, NDManager m) {
        Shape ls = g.latentShape();
        long[] bad = new long[ls.dimension() + 1];
        bad[0] = 2;
        for (int i = 0; i < ls.dimension(); i++) {
            bad[i + 1] = ls.get(i) + (i == ls.dimension() - 1 ? 1 : 0);
        }
        NDArray wrong = ContractChecks.normal(m, new Shape(bad), dataType(), SEED);
        assertThrows(IllegalArgumentException.class, () -> g.generate(wrong, condition(2)),
                "latents of shape " + wrong.getShape() + " for latent shape " + ls);
        NDArray flat = ContractChecks.normal(m, new Shape(2, ls.size()), dataType(), SEED);
        if (ls.dimension() != 1) {
            assertThrows(IllegalArgumentException.class, () -> g.generate(flat, condition(2)));
        }
        NDArray ok = latents(g, m, 2, SEED);
        assertThrows(IllegalArgumentException.class, () -> g.generate(ok, condition(3)),
                "a condition with 3 entries for 2 latents");
    }

    private NDArray latents(Generator g, NDManager m, int b, long seed) {
        return ContractChecks.normal(m, batched(b, g.latentShape()), dataType(), seed);
    }

    static Shape batched(long b, Shape s) {
        return new Shape(b).addAll(s);
    }
}
