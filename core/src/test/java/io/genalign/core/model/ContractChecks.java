package io.genalign.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.genalign.core.testing.Tolerances;
import java.util.Random;
import java.util.function.Function;

/**
 * Shared assertions of the model contract suites. The gradient check uses the scalar probe
 * {@code L(x) = sum_k w_k f(x)_k} with fixed random weights w: the autograd gradient of L with respect to x is
 * compared with the central difference {@code (L(x + h e_i) - L(x - h e_i)) / (2h)} at a few random
 * coordinates i, where L is evaluated from the outputs in Java double precision. Agreement is
 * {@code |fd - ad| <= atol + rtol * max_i |ad_i|}; float64 uses {@link Tolerances#FD_STEP}/{@link
 * Tolerances#FD_RTOL}, float32 {@link Tolerances#FD_STEP_FLOAT32}/{@link Tolerances#FD_RTOL_FLOAT32}.
 */
public final class ContractChecks {
    /** Coordinates probed per gradient check. */
    public static final int FD_COORDINATES = 4;

    private ContractChecks() {}

    /** Standard normal array of the given shape and type, from a seeded Java RNG (engine-independent). */
    public static NDArray normal(NDManager m, Shape shape, DataType type, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return m.create(v, shape).toType(type, false);
    }

    /** Uniform array in [-0.9, 0.9] (images well inside [-1, 1]). */
    public static NDArray images(NDManager m, Shape shape, DataType type, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.9 * (2 * rnd.nextDouble() - 1);
        }
        return m.create(v, shape).toType(type, false);
    }

    public static double[] doubles(NDArray a) {
        try (NDArray d = a.stopGradient().toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    /** Two evaluations give bit-identical outputs. */
    public static void assertDeterministic(Function<NDArray, NDArray> f, NDArray input) {
        double[] first = doubles(f.apply(input));
        double[] second = doubles(f.apply(input));
        assertArrayEquals(first, second, 0.0, "two calls on the same input must give identical outputs");
    }

    /** Shape (B, rest...) and a float type equal to the input's. */
    public static void assertShapeAndType(NDArray out, Shape expected, DataType type, String what) {
        assertEquals(expected, out.getShape(), what + " shape");
        assertEquals(type, out.getDataType(), what + " data type (should follow the input's)");
    }

    /** Every value finite and in [-1, 1] (plus {@link Tolerances#IMAGE_RANGE_SLACK}). */
    public static void assertImageRange(NDArray images) {
        double[] v = doubles(images);
        for (int i = 0; i < v.length; i++) {
            assertTrue(Double.isFinite(v[i]) && Math.abs(v[i]) <= 1 + Tolerances.IMAGE_RANGE_SLACK,
                    "image value " + v[i] + " at flat index " + i + " is outside [-1, 1]");
        }
    }

    /** Finite-difference check of d(sum w * f(x))/dx at {@link #FD_COORDINATES} random coordinates. */
    public static void assertGradientMatchesFiniteDifferences(Function<NDArray, NDArray> f, NDArray input,
            long seed) {
        DataType type = input.getDataType();
        boolean f64 = type == DataType.FLOAT64;
        double h = f64 ? Tolerances.FD_STEP : Tolerances.FD_STEP_FLOAT32;
        double rtol = f64 ? Tolerances.FD_RTOL : Tolerances.FD_RTOL_FLOAT32;
        NDManager m = input.getManager();
        Random rnd = new Random(seed);
        double[] x0 = doubles(input);
        Shape shape = input.getShape();

        NDArray x = input.stopGradient().duplicate();
        x.setRequiresGradient(true);
        double[] w;
        double[] grad;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = f.apply(x);
            w = new double[Math.toIntExact(out.getShape().size())];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextGaussian();
            }
            NDArray weights = m.create(w, out.getShape()).toType(out.getDataType(), false);
            try {
                gc.backward(out.mul(weights).sum());
            } catch (ai.djl.engine.EngineException e) {
                throw new org.opentest4j.AssertionFailedError(
                        "the output is not differentiable with respect to the input (detached?): " + e.getMessage());
            }
            NDArray g = x.getGradient();
            assertTrue(g != null, "no gradient reached the input");
            grad = doubles(g);
        }
        double maxAbs = 0;
        for (double g : grad) {
            maxAbs = Math.max(maxAbs, Math.abs(g));
        }
        assertTrue(maxAbs > 0, "the gradient with respect to the input is identically 0 (is it detached?)");
        for (int k = 0; k < FD_COORDINATES; k++) {
            int i = rnd.nextInt(x0.length);
            double plus = probe(f, m, x0, i, h, shape, type, w);
            double minus = probe(f, m, x0, i, -h, shape, type, w);
            double fd = (plus - minus) / (2 * h);
            assertTrue(Math.abs(fd - grad[i]) <= Tolerances.FD_ATOL + rtol * maxAbs,
                    "coordinate " + i + ": autograd " + grad[i] + " vs finite difference " + fd + " (h = " + h
                            + ", " + type + ", max |grad| " + maxAbs + ")");
        }
    }

    private static double probe(Function<NDArray, NDArray> f, NDManager m, double[] x0, int i, double h,
            Shape shape, DataType type, double[] w) {
        double[] x = x0.clone();
        x[i] += h;
        try (NDManager sub = m.newSubManager()) {
            NDArray in = sub.create(x, shape).toType(type, false);
            double[] out = doubles(f.apply(in));
            double s = 0;
            for (int k = 0; k < out.length; k++) {
                s += w[k] * out[k];
            }
            return s;
        }
    }
}
