package io.genalign.core.optim;

import static io.genalign.core.testing.Tolerances.FLOAT32_ATOL;
import static io.genalign.core.testing.Tolerances.VECTOR_ATOL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.LiveArrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kit's update rules against steps computed by hand, resumption, and the scoping of temporaries. */
class OptimizerKitTest extends GenalignTestBase {

    /** One parameter w (float32, values {@code w}) in {@code m}, registered for gradients. */
    private static ParameterList params(NDManager m, float... w) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        NDArray a = m.create(w);
        a.setRequiresGradient(true);
        p.setArray(a);
        ParameterList list = new ParameterList();
        list.add("w", p);
        return list;
    }

    /** Sets the gradient of the parameters to {@code g} (the loss Σ g·w). */
    private static void gradient(ParameterList ps, float... g) {
        NDArray w = ps.get(0).getValue().getArray();
        try (NDManager sub = NDManager.subManagerOf(w); GradientCollector gc =
                Engine.getInstance().newGradientCollector()) {
            gc.backward(sub.create(g).mul(w).sum());
        }
    }

    private static float[] values(ParameterList ps) {
        return ps.get(0).getValue().getArray().toFloatArray();
    }

    @Test
    void adamWMatchesHandComputedSteps() {
        ParameterList ps = params(manager, 1f, -2f);
        AdamW opt = new AdamW(manager, 0.01f);
        gradient(ps, 0.5f, -1f);
        opt.step(ps, 0.1f);
        // k = 1: m̂ = g, v̂ = g², so the Adam step is g/(|g| + eps) = ±(1 − 2e-8), ±(1 − 1e-8); plus wd·w
        assertArrayEquals(new float[] {1f - 0.1f * (1f + 0.01f), -2f - 0.1f * (-1f + 0.01f * -2f)}, values(ps),
                (float) FLOAT32_ATOL);
        gradient(ps, 0.5f, -1f);
        opt.step(ps, 0.1f);
        // same gradient again: m̂ = g, v̂ = g² still, so the step is the same sign(g) + wd·w
        float w0 = 1f - 0.1f * 1.01f;
        float w1 = -2f - 0.1f * (-1f - 0.02f);
        assertArrayEquals(new float[] {w0 - 0.1f * (1f + 0.01f * w0), w1 - 0.1f * (-1f + 0.01f * w1)}, values(ps),
                (float) FLOAT32_ATOL);
        assertEquals(2, opt.updates());
    }

    @Test
    void adamIsAdamWWithoutDecayAndResumesExactly() {
        ParameterList a = params(manager, 0.3f, 0.7f);
        ParameterList b = params(manager, 0.3f, 0.7f);
        AdamW first = AdamW.adam(manager);
        gradient(a, 1f, -3f);
        first.step(a, 0.05f);
        byte[] state = first.encode();
        gradient(a, 0.2f, 0.4f);
        first.step(a, 0.05f);

        AdamW resumed = AdamW.adam(manager);
        gradient(b, 1f, -3f);
        AdamW.adam(manager).step(b, 0.05f); // the same first step, from another optimizer
        resumed.decode(state);
        gradient(b, 0.2f, 0.4f);
        resumed.step(b, 0.05f);
        assertArrayEquals(values(a), values(b), 0f);
        // step 1: 0.3 − 0.05, 0.7 + 0.05
        float m1 = 0.1f * 0.2f + 0.9f * 0.1f;
        assertEquals(2, resumed.updates());
        assertEquals(0.25f - 0.05f * (m1 / (1 - 0.81f))
                / ((float) Math.sqrt((0.999f * 0.001f + 0.001f * 0.04f) / (1 - 0.998001f)) + 1e-8f), values(a)[0],
                (float) FLOAT32_ATOL);
    }

    @Test
    void sgdNesterovMatchesHandComputedSteps() {
        ParameterList ps = params(manager, 1f);
        SgdNesterov opt = new SgdNesterov(manager, 0.9f);
        gradient(ps, 0.5f);
        opt.step(ps, 0.1f); // b = 0.5; w = 1 − 0.1·(0.5 + 0.45)
        assertEquals(0.905f, values(ps)[0], (float) FLOAT32_ATOL);
        gradient(ps, 0.5f);
        opt.step(ps, 0.1f); // b = 0.95; w = 0.905 − 0.1·(0.5 + 0.855)
        assertEquals(0.7695f, values(ps)[0], (float) FLOAT32_ATOL);
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        ParameterList ps = params(manager, 0f, 0f);
        gradient(ps, 3f, 4f);
        assertEquals(5, GradientClipping.clipGlobalNorm(ps, 1), VECTOR_ATOL);
        assertArrayEquals(new float[] {0.6f, 0.8f}, ps.get(0).getValue().getArray().getGradient().toFloatArray(),
                (float) FLOAT32_ATOL);
        assertEquals(1, GradientClipping.clipGlobalNorm(ps, 0), FLOAT32_ATOL, "clip 0: measured, not clipped");
    }

    @Test
    void warmUpIsLinearThenFlat() {
        assertEquals(0.5f, WarmUp.linear(2f, 4, 1));
        assertEquals(2f, WarmUp.linear(2f, 4, 4));
        assertEquals(2f, WarmUp.linear(2f, 4, 9));
        assertEquals(2f, WarmUp.linear(2f, 0, 1));
    }

    @Test
    void emaMovesTowardTheModel() {
        ParameterList avg = params(manager, 0f);
        ParameterList model = params(manager, 1f);
        ExponentialMovingAverage.update(avg, model, 0.75f);
        assertEquals(0.25f, values(avg)[0], (float) FLOAT32_ATOL);
    }

    @Test
    void arrayAdamMatchesTheHandWrittenForm() {
        double[] x = {0, 1};
        ArrayAdam adam = new ArrayAdam(2, 0.01);
        adam.step(x, new double[] {2, -0.5});
        assertArrayEquals(new double[] {-0.01 * 2 / (2 + 1e-8), 1 + 0.01 * 0.5 / (0.5 + 1e-8)}, x, VECTOR_ATOL);
        // bit for bit the literal form the toy study used: 0.9/0.1, 0.999/0.001
        double[] y = {0.3, -0.2};
        double[] m = new double[2];
        double[] v = new double[2];
        double[] z = y.clone();
        ArrayAdam kit = new ArrayAdam(2, 0.01);
        for (int t = 1; t <= 5; t++) {
            double[] g = {Math.sin(t), Math.cos(3 * t)};
            kit.step(z, g);
            for (int i = 0; i < 2; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(0.9, t));
                double vh = v[i] / (1 - Math.pow(0.999, t));
                y[i] -= 0.01 * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        assertArrayEquals(y, z, 0);
    }

    /**
     * Bit for bit the update the DPO trainer used before the kit (its temporaries then lived in the parameters'
     * manager): clipping, AdamW with weight decay, and the EMA, over five steps of varied gradients.
     */
    @Test
    void matchesThePreviousHandWrittenAdamWBitForBit() {
        float[] w0 = {0.3f, -1.2f, 2.5f, 0.01f};
        ParameterList kit = params(manager, w0);
        ParameterList ref = params(manager, w0);
        ParameterList kitAvg = params(manager, 0f, 0f, 0f, 0f);
        ParameterList refAvg = params(manager, 0f, 0f, 0f, 0f);
        AdamW adam = new AdamW(manager, 0.01f);
        NDArray m = manager.zeros(new Shape(4));
        NDArray v = manager.zeros(new Shape(4));
        for (int k = 1; k <= 5; k++) {
            float[] g = {(float) Math.sin(k), (float) Math.cos(2 * k), 0.3f * k, -0.7f};
            gradient(kit, g);
            gradient(ref, g);
            double nKit = GradientClipping.clipGlobalNorm(kit, 1.0);
            // the former AdamW.clipGradients and AdamW.step, literally
            NDArray w = ref.get(0).getValue().getArray();
            double sq;
            try (NDArray gr = w.getGradient()) {
                sq = gr.square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            if (norm > 1.0) {
                try (NDArray gr = w.getGradient()) {
                    gr.muli((float) (1.0 / norm));
                }
            }
            assertEquals(norm, nKit, 0);
            float lr = WarmUp.linear(1e-2f, 3, k);
            adam.step(kit, lr);
            float c1 = (float) (1 - Math.pow(AdamW.BETA1, k));
            float c2 = (float) (1 - Math.pow(AdamW.BETA2, k));
            try (NDArray gr = w.getGradient()) {
                m.muli(AdamW.BETA1).addi(gr.mul(1 - AdamW.BETA1));
                v.muli(AdamW.BETA2).addi(gr.square().mul(1 - AdamW.BETA2));
                try (NDArray step = m.div(c1).div(v.div(c2).sqrt().add(AdamW.EPS)).add(w.stopGradient().mul(0.01f))) {
                    w.subi(step.mul(lr));
                }
                gr.subi(gr);
            }
            assertArrayEquals(values(ref), values(kit), 0f);
            ExponentialMovingAverage.update(kitAvg, kit, 0.9f);
            NDArray a = refAvg.get(0).getValue().getArray();
            a.muli(0.9f).addi(w.stopGradient().mul(1f - 0.9f));
            assertArrayEquals(values(refAvg), values(kitAvg), 0f);
        }
    }

    /**
     * Bit for bit the Adam and Nesterov updates NoiseOptimizer computed by hand before the kit (coefficients formed
     * in double, applied as scalars of the latents' type), on float32 and float64 arrays over six steps.
     */
    @Test
    void arrayStepsMatchTheFormerNoiseOptimizerRulesBitForBit() {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            double b1 = 0.9;
            double b2 = 0.999;
            double eps = 1e-8;
            double lr = 0.1;
            double mu = 0.9;
            try (NDManager m = manager.newSubManager()) {
                NDArray z0 = m.create(new double[] {0.3, -1.2, 2.5, 0.01, 0.0, 7.0}).toType(type, false);
                NDArray kitAdam = z0.duplicate();
                NDArray kitSgd = z0.duplicate();
                NDArray refAdam = z0.duplicate();
                NDArray refSgd = z0.duplicate();
                AdamW adam = AdamW.adam(m, b1, b2, eps, AdamW.BiasCorrection.MOMENTS);
                SgdNesterov sgd = new SgdNesterov(m, mu);
                NDArray am = null;
                NDArray av = null;
                NDArray buffer = null;
                for (int t = 0; t < 6; t++) {
                    NDArray g = m.create(new double[] {Math.sin(t), Math.cos(2 * t), 0.3 * t, -0.7, 1e-9, 0})
                            .toType(type, false);
                    adam.step(List.of(kitAdam), List.of(g), lr);
                    sgd.step(List.of(kitSgd), List.of(g), lr);
                    // the former NoiseOptimizer.update, literally
                    NDArray mm = (am == null ? g.zerosLike() : am).mul(num(g, b1)).add(g.mul(num(g, 1 - b1)));
                    NDArray vv = (av == null ? g.zerosLike() : av).mul(num(g, b2)).add(g.square().mul(num(g, 1 - b2)));
                    int k = t + 1;
                    NDArray step = mm.div(num(g, 1 - Math.pow(b1, k))).div(
                            vv.div(num(g, 1 - Math.pow(b2, k))).sqrt().add(num(g, eps)));
                    am = mm;
                    av = vv;
                    refAdam = refAdam.sub(step.mul(num(step, lr)));
                    NDArray nb = buffer == null ? g.duplicate() : buffer.mul(num(g, mu)).add(g);
                    NDArray sstep = g.add(nb.mul(num(g, mu)));
                    buffer = nb;
                    refSgd = refSgd.sub(sstep.mul(num(sstep, lr)));
                    assertArrayEquals(refAdam.toType(DataType.FLOAT64, false).toDoubleArray(),
                            kitAdam.toType(DataType.FLOAT64, false).toDoubleArray(), 0, type + " Adam, step " + k);
                    assertArrayEquals(refSgd.toType(DataType.FLOAT64, false).toDoubleArray(),
                            kitSgd.toType(DataType.FLOAT64, false).toDoubleArray(), 0, type + " Nesterov, step " + k);
                }
                assertEquals(6, adam.updates());
            }
        }
    }

    private static Number num(NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }

    /**
     * STEP_SIZE is DJL's Adam: lr·sqrt(1 − b2^k)/(1 − b1^k)·m/(sqrt(v) + eps) (the zoo's training). Against DJL's
     * own optimizer on the same gradients: bit for bit.
     */
    @Test
    void stepSizeFormMatchesDjlAdam() {
        ParameterList kit = params(manager, 0.3f, -1.2f, 2.5f, 0.01f);
        NDArray ref = manager.create(new float[] {0.3f, -1.2f, 2.5f, 0.01f});
        AdamW adam = AdamW.adam(manager, 0.5f, AdamW.BETA2, AdamW.EPS, AdamW.BiasCorrection.STEP_SIZE);
        Optimizer djl = Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).optBeta1(0.5f).build();
        for (int k = 1; k <= 20; k++) {
            float[] g = {(float) Math.sin(k), (float) Math.cos(2 * k) * 1e-4f, 0.3f * k, -0.7f};
            gradient(kit, g);
            adam.step(kit, 2e-3f);
            try (NDArray grad = manager.create(g)) {
                djl.update("w", ref, grad);
            }
            assertArrayEquals(ref.toFloatArray(), values(kit), 0f, "step " + k);
        }
    }

    /** The per-step temporaries are freed: the managers hold as many arrays after step 10 as after step 100. */
    @Test
    void stepsLeaveNoArraysBehind() {
        try (NDManager params = manager.newSubManager(); NDManager state = manager.newSubManager()) {
            ParameterList ps = params(params, 1f, 2f, 3f);
            ParameterList avg = params(params, 0f, 0f, 0f);
            AdamW adamW = new AdamW(state, 0.01f);
            SgdNesterov sgd = new SgdNesterov(state, 0.9f);
            int at10 = 0;
            for (int k = 1; k <= 100; k++) {
                gradient(ps, 0.1f, -0.2f, 0.3f);
                GradientClipping.clipGlobalNorm(ps, 0.1);
                adamW.step(ps, WarmUp.linear(1e-3f, 5, k));
                gradient(ps, 0.1f, -0.2f, 0.3f);
                sgd.step(ps, 1e-3f);
                ExponentialMovingAverage.update(avg, ps, 0.9f);
                if (k == 10) {
                    at10 = LiveArrays.count(params) + LiveArrays.count(state);
                }
            }
            assertEquals(at10, LiveArrays.count(params) + LiveArrays.count(state));
        }
    }
}
