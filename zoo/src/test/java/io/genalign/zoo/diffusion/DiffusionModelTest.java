package io.genalign.zoo.diffusion;

import static io.genalign.core.testing.Tolerances.FLOAT32_ATOL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.genalign.core.testing.GenalignTestBase;
import org.junit.jupiter.api.Test;

/** The diffusion model's schedule, network shapes, sampler and EMA. */
class DiffusionModelTest extends GenalignTestBase {
    @Test
    void cosineScheduleDecreasesFromAlmostOneToAlmostZero() {
        NoiseSchedule s = Diffusion.schedule();
        assertEquals(Diffusion.TIMESTEPS, s.steps());
        assertEquals(1.0, s.alphaBar(-1), 0.0);
        assertTrue(s.alphaBar(0) > 0.999 && s.alphaBar(0) < 1, "abar_0 " + s.alphaBar(0));
        assertTrue(s.alphaBar(s.steps() - 1) < 1e-3, "abar_T " + s.alphaBar(s.steps() - 1));
        for (int t = 1; t < s.steps(); t++) {
            assertTrue(s.alphaBar(t) < s.alphaBar(t - 1), "decreasing at " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosine(1));
    }

    @Test
    void noisyIsTheForwardProcess() {
        NoiseSchedule s = NoiseSchedule.cosine(50);
        NDArray x0 = manager.randomUniform(-1, 1, new Shape(3, 1, 4, 4));
        NDArray eps = manager.randomNormal(new Shape(3, 1, 4, 4));
        int[] t = {0, 17, 49};
        float[] got = s.noisy(x0, eps, t).toFloatArray();
        float[] a = x0.toFloatArray();
        float[] e = eps.toFloatArray();
        for (int i = 0; i < got.length; i++) {
            double ab = s.alphaBar(t[i / 16]);
            assertEquals(Math.sqrt(ab) * a[i] + Math.sqrt(1 - ab) * e[i], got[i], 1e-5);
        }
    }

    @Test
    void unetPredictsNoiseOfTheInputShapeAndDependsOnTheClass() {
        Block u = Diffusion.newUNet();
        u.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(2));
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
        NDArray y1 = Diffusion.predict(ps, u, x, new int[] {3, 3}, Diffusion.conditions(manager, new int[] {0, 0},
                DataType.FLOAT32), false);
        NDArray y2 = Diffusion.predict(ps, u, x, new int[] {3, 3}, Diffusion.conditions(manager, new int[] {0, 7},
                DataType.FLOAT32), false);
        assertEquals(new Shape(2, 1, 28, 28), y1.getShape());
        assertEquals(0f, y1.get(0).sub(y2.get(0)).abs().max().getFloat(), 0f, "same class, same output");
        assertTrue(y1.get(1).sub(y2.get(1)).abs().max().getFloat() > 0, "another class changes the output");
        assertThrows(IllegalArgumentException.class, () -> Diffusion.conditions(manager, new int[] {11},
                DataType.FLOAT32));
    }

    @Test
    void ddimVisitsDecreasingTimestepsFromTheLastToTheFirst() {
        DdimSampler d = new DdimSampler(NoiseSchedule.cosine(400), 20, 2f);
        int[] ts = d.timesteps();
        assertEquals(20, ts.length);
        assertEquals(399, ts[0]);
        assertEquals(0, ts[19]);
        for (int i = 1; i < ts.length; i++) {
            assertTrue(ts[i] < ts[i - 1]);
        }
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(NoiseSchedule.cosine(10), 11, 1f));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(NoiseSchedule.cosine(10), 5, -1f));
    }

    /** With an oracle that returns the true noise of a fixed image, DDIM recovers that image exactly. */
    @Test
    void ddimWithAnOracleRecoversTheImage() {
        NoiseSchedule s = NoiseSchedule.cosine(100);
        NDArray target = manager.randomUniform(-0.9f, 0.9f, new Shape(2, 1, 28, 28));
        NDArray noise = manager.randomNormal(new Shape(2, 1, 28, 28));
        DdimSampler d = new DdimSampler(s, 10, 1f);
        int[] t = d.timesteps();
        // the oracle knows x0; eps = (x_t - sqrt(abar) x0)/sqrt(1 - abar) at the timestep it is asked for
        NDArray out = d.sample(in -> {
            int step = (int) in.get(1).toFloatArray()[0];
            double ab = s.alphaBar(step);
            return in.get(0).sub(target.mul((float) Math.sqrt(ab))).div((float) Math.sqrt(1 - ab));
        }, noise, new int[] {1, 2});
        assertEquals(0f, out.sub(target).abs().max().getFloat(), 1e-4f);
        assertEquals(t[0], 99);
    }

    @Test
    void emaMovesTowardsTheModelWithWarmUp() {
        Block a = Diffusion.newUNet();
        a.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(1));
        Block b = Diffusion.newUNet();
        b.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(1));
        NDArray w0 = a.getParameters().get(0).getValue().getArray().duplicate();
        NDArray m = b.getParameters().get(0).getValue().getArray();
        Diffusion.emaUpdate(a, b, 0.999, 0); // d = min(0.999, 1/10) = 0.1
        float[] got = a.getParameters().get(0).getValue().getArray().toFloatArray();
        float[] expect = w0.mul(0.1f).add(m.mul(0.9f)).toFloatArray();
        assertArrayEquals(expect, got, (float) FLOAT32_ATOL);
        Diffusion.copyParameters(b, a);
        assertArrayEquals(m.toFloatArray(), a.getParameters().get(0).getValue().getArray().toFloatArray(), 0f);
    }
}
