package io.genalign.core.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The contract suites can fail: broken generators are caught by the matching check. */
class ContractSelfTest extends GenalignTestBase {
    private static final Shape LATENT = new Shape(4);
    private static final Shape IMAGE = new Shape(1, 2, 2);

    /** A generator that maps through {@code 2 tanh(z)} (out of range), detaches, or ignores shapes. */
    private static final class Broken implements Generator {
        enum Fault { OUT_OF_RANGE, DETACHED, WRONG_GRADIENT, NO_SHAPE_CHECK }

        private final Fault fault;

        Broken(Fault fault) {
            this.fault = fault;
        }

        @Override
        public Shape latentShape() {
            return LATENT;
        }

        @Override
        public Shape imageShape() {
            return IMAGE;
        }

        @Override
        public NDArray generate(NDArray z, Condition c) {
            if (fault != Fault.NO_SHAPE_CHECK) {
                ModelInputs.requireBatch(z, LATENT, "latents");
                ModelInputs.requireCondition(c, Math.toIntExact(z.getShape().get(0)));
            }
            long b = z.getShape().get(0);
            NDArray out = switch (fault) {
                case OUT_OF_RANGE -> z.tanh().mul(2.0);
                case DETACHED -> z.stopGradient().tanh();
                // forward tanh(z), but the backward path only sees 0.5 z
                case WRONG_GRADIENT -> z.stopGradient().tanh().add(z.mul(0.5)).sub(z.stopGradient().mul(0.5));
                case NO_SHAPE_CHECK -> z.tanh();
            };
            return out.reshape(b, 1, 2, 2);
        }
    }

    private final GeneratorContract contract = new GeneratorContract() {
        @Override
        protected Generator newGenerator(NDManager m) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected DataType dataType() {
            return DataType.FLOAT64;
        }
    };

    @Test
    void outOfRangeImagesFail() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> contract.checkShapesTypesAndRange(new Broken(Broken.Fault.OUT_OF_RANGE), manager));
        assertTrue(e.getMessage().contains("outside [-1, 1]"), e.getMessage());
    }

    @Test
    void detachedOrWrongGradientsFail() {
        assertThrows(AssertionFailedError.class,
                () -> contract.checkGradient(new Broken(Broken.Fault.DETACHED), manager));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> contract.checkGradient(new Broken(Broken.Fault.WRONG_GRADIENT), manager));
        assertTrue(e.getMessage().contains("finite difference"), e.getMessage());
    }

    @Test
    void missingShapeCheckFails() {
        assertThrows(AssertionFailedError.class,
                () -> contract.checkWrongShape(new Broken(Broken.Fault.NO_SHAPE_CHECK), manager));
    }
}
