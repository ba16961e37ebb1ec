package io.genalign.core.gaussianity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generic suite every {@link Regularizer} must pass: autograd gradient against central finite differences
 * in float64, output shape and type, float32 against float64, independence of the samples of a batch, and the
 * rejection of bad input with a message naming the problem. Regularizers that draw permutations are created
 * afresh with the same seed for every evaluation, so all evaluations see the same permutations.
 */
abstract class RegularizerContract extends GenalignTestBase {
    /** A new regularizer; the same call must give the same permutations. */
    protected abstract Regularizer newRegularizer();

    /** Shape of one sample for the checks. */
    protected Shape sampleShape() {
        return new Shape(4, 8, 8);
    }

    /**
     * One sample (float64, C order) where the regularizer is smooth; i.i.d. N(0, 1.3²) by default, away from
     * PRNO's flat clamped region.
     */
    protected double[] smoothSample(long seed) {
        Random r = new Random(seed);
        double[] v = new double[(int) sampleShape().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1.3 * r.nextGaussian();
        }
        return v;
    }

    private NDArray batch(double[]... samples) {
        double[] all = new double[samples.length * samples[0].length];
        for (int i = 0; i < samples.length; i++) {
            System.arraycopy(samples[i], 0, all, i * samples[0].length, samples[0].length);
        }
        return manager.create(all, new Shape(samples.length).addAll(sampleShape()));
    }

    private double value(double[] sample) {
        return newRegularizer().perSample(batch(sample)).toDoubleArray()[0];
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        double[] x = smoothSample(SEED);
        double[] grad = Gradients.valueAndGradient(newRegularizer(), batch(x)).gradient().toDoubleArray();
        double max = Arrays.stream(grad).map(Math::abs).max().orElse(0);
        assertTrue(max > 0, "the gradient is identically 0 at a smooth point");
        Random r = new Random(SEED + 1);
        for (int k = 0; k < 8; k++) {
            int i = r.nextInt(x.length);
            double[] p = x.clone();
            double[] q = x.clone();
            p[i] += Tolerances.FD_STEP;
            q[i] -= Tolerances.FD_STEP;
            double fd = (value(p) - value(q)) / (2 * Tolerances.FD_STEP);
            assertEquals(fd, grad[i], Tolerances.FD_RTOL * max, "coordinate " + i);
        }
    }

    /**
     * {@link Regularizer#valueAndGradient(NDArray)} (a closed form for MPGR and the norm, autograd otherwise) against
     * autograd on {@link Regularizer#perSample(NDArray)} with the same permutations: values and gradients agree to
     * 1e-12 (relative to the largest entry) in float64 and to float32 rounding in float32; the gradient has the
     * batch's shape and type and belongs to the batch's manager.
     */
    @Test
    void valueAndGradientMatchesAutograd() {
        NDArray b64 = batch(smoothSample(20), smoothSample(21), smoothSample(22));
        for (NDArray b : new NDArray[] {b64, b64.toType(DataType.FLOAT32, false)}) {
            boolean f64 = b.getDataType() == DataType.FLOAT64;
            Gradients.ValueAndGradient fast = newRegularizer().valueAndGradient(b);
            Gradients.ValueAndGradient auto = Gradients.autograd(newRegularizer(), b);
            assertEquals(b.getShape(), fast.gradient().getShape());
            assertEquals(b.getDataType(), fast.gradient().getDataType());
            assertTrue(fast.gradient().getManager() == b.getManager(), "the gradient belongs to the batch's manager");
            double tol = f64 ? 1e-12 : 1e-5;
            for (int i = 0; i < 3; i++) {
                double v = auto.perSample()[i];
                assertEquals(v, fast.perSample()[i], tol * Math.max(1, Math.abs(v)), b.getDataType() + " value " + i);
            }
            double[] ga = auto.gradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] gf = fast.gradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double max = Arrays.stream(ga).map(Math::abs).max().orElse(0);
            for (int i = 0; i < ga.length; i++) {
                assertEquals(ga[i], gf[i], tol * Math.max(max, 1e-300), b.getDataType() + " gradient " + i);
            }
        }
    }

    @Test
    void perSampleHasOneValuePerSampleInTheInputType() {
        NDArray b = batch(smoothSample(1), smoothSample(2), smoothSample(3));
        NDArray v = newRegularizer().perSample(b);
        assertEquals(new Shape(3), v.getShape());
        assertEquals(DataType.FLOAT64, v.getDataType());
        NDArray f = newRegularizer().perSample(b.toType(DataType.FLOAT32, false));
        assertEquals(DataType.FLOAT32, f.getDataType());
        double[] d64 = v.toDoubleArray();
        double[] d32 = f.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(d64[i], d32[i], Tolerances.FLOAT32_RTOL * Math.max(1, Math.abs(d64[i])), "sample " + i);
        }
        assertEquals(newRegularizer().value(b).getDouble(), Arrays.stream(d64).average().orElseThrow(), 1e-12);
    }

    @Test
    void samplesDoNotInteract() {
        double[] a = smoothSample(10);
        double alone = newRegularizer().perSample(batch(a, smoothSample(11))).toDoubleArray()[0];
        double other = newRegularizer().perSample(batch(a, smoothSample(12))).toDoubleArray()[0];
        assertEquals(alone, other, 1e-12 * Math.max(1, Math.abs(alone)));
    }

    @Test
    void badInputIsRejectedWithAMessageNamingTheProblem() {
        double[] x = smoothSample(5);
        x[3] = Double.NaN;
        assertMessage(batch(x), "NaN");
        x[3] = Double.POSITIVE_INFINITY;
        assertMessage(batch(x), "infinite");
        assertMessage(batch(new double[(int) sampleShape().size()]), "all zeros");
        assertMessage(manager.create(new double[0], new Shape(0).addAll(sampleShape())), "empty");
        assertMessage(manager.create(smoothSample(6)), "batch axis");
        assertMessage(batch(smoothSample(7)).toType(DataType.INT32, false), "float32 or float64");
    }

    private void assertMessage(NDArray input, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> newRegularizer().perSample(input));
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> newRegularizer().valueAndGradient(input));
        assertEquals(e.getMessage(), f.getMessage(), "valueAndGradient rejects it with the same message");
    }

    @Test
    void sameSeedSameValue() {
        NDArray b = batch(smoothSample(8));
        assertArrayEquals(newRegularizer().perSample(b).toDoubleArray(), newRegularizer().perSample(b).toDoubleArray(),
                0.0);
    }
}

class MpgrNaturalContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Mpgr.builder().optPermutationMode(PermutationMode.NATURAL).build();
    }
}

class MpgrPermutedContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Mpgr.builder().optPermutationMode(PermutationMode.PERMUTED).optSeed(3).build();
    }
}

class MpgrBothContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Mpgr.builder().optSeed(4).build();
    }
}

class MpgrHigherOrdersContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Mpgr.builder().optOrders(1, 2, 4, 6).optPermutationMode(PermutationMode.NATURAL).build();
    }
}

/** An odd D that is not a multiple of the block size: no Nyquist bin, a dropped remainder of 9 bins. */
class MpgrOddLengthContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Mpgr.builder().optSeed(6).build();
    }

    @Override
    protected Shape sampleShape() {
        return new Shape(3, 7, 5);
    }
}

/** An even D that is not a multiple of the block size, in PERMUTED mode; orders {2} only. */
class MpgrEvenRemainderContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Mpgr.builder().optOrders(2).optPermutationMode(PermutationMode.PERMUTED).optSeed(8).build();
    }

    @Override
    protected Shape sampleShape() {
        return new Shape(2, 9, 5);
    }
}

class RenoNormContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return new RenoNorm();
    }
}

class PrnoContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Prno.builder().optSeed(5).optShuffles(10).build();
    }
}

class PrnoSequentialContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return Prno.builder().optShuffles(0).build();
    }
}

class KlContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return new KlRegularizer();
    }
}

class KurtosisContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return new KurtosisRegularizer();
    }
}

class CovarianceContractTest extends RegularizerContract {
    @Override
    protected Regularizer newRegularizer() {
        return new CircularCovarianceMatching();
    }
}
