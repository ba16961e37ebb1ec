package io.genalign.zoo.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import io.genalign.core.optim.ExponentialMovingAverage;

/**
 * The zoo's diffusion model: one source of its settings and the pieces shared by training, sampling and
 * preference fine-tuning (epsilon-prediction loss, one-hot conditions, EMA of the weights).
 */
public final class Diffusion {
    /** T, the number of diffusion steps of the forward process. */
    public static final int TIMESTEPS = 400;
    /** DDIM steps of the default sampler. */
    public static final int SAMPLING_STEPS = 20;
    /** Classifier-free guidance scale of the default sampler (1 = plain conditional model). */
    public static final float GUIDANCE = 4.0f;
    /** Share of training labels replaced by "no class", which makes classifier-free guidance possible. */
    public static final double LABEL_DROPOUT = 0.1;
    /** Decay of the exponential moving average of the weights; the EMA weights are the ones shipped. */
    public static final double EMA_DECAY = 0.999;

    private Diffusion() {}

    /** A fresh, uninitialised UNet for {@link #TIMESTEPS}. */
    public static Block newUNet() {
        return new DiffusionUNet(TIMESTEPS);
    }

    /** The input shapes the UNet is initialised with, for batch size {@code b}. */
    public static Shape[] inputShapes(long b) {
        return new Shape[] {new Shape(b, 1, 28, 28), new Shape(b), new Shape(b, DiffusionUNet.CONDITIONS)};
    }

    /** The schedule for {@link #TIMESTEPS}. */
    public static NoiseSchedule schedule() {
        return NoiseSchedule.cosine(TIMESTEPS);
    }

    /** One-hot conditions (B, 11) for class ids 0..9 or {@link DiffusionUNet#NULL_CLASS}. */
    public static NDArray conditions(NDManager m, int[] classes, DataType type) {
        float[] v = new float[classes.length * DiffusionUNet.CONDITIONS];
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= DiffusionUNet.CONDITIONS) {
                throw new IllegalArgumentException("class id " + classes[i] + " is not in 0.."
                        + DiffusionUNet.NULL_CLASS);
            }
            v[i * DiffusionUNet.CONDITIONS + classes[i]] = 1f;
        }
        return m.create(v, new Shape(classes.length, DiffusionUNet.CONDITIONS)).toType(type, false);
    }

    /** eps_hat(x_t, t, y) of a UNet. */
    public static NDArray predict(ParameterStore ps, Block unet, NDArray xt, int[] t, NDArray cond, boolean training) {
        NDArray tIn = NoiseSchedule.timeInput(xt.getManager(), t, xt.getDataType());
        return unet.forward(ps, new NDList(xt, tIn, cond), training).singletonOrThrow();
    }

    /**
     * Per-sample mean squared error (B) of the noise prediction, mean-reduced over C, H, W as in the official
     * Diffusion-DPO code.
     */
    public static NDArray perSampleMse(NDArray predicted, NDArray eps) {
        long b = predicted.getShape().get(0);
        return predicted.sub(eps).square().reshape(b, -1).mean(new int[] {1});
    }

    /**
     * Moves {@code ema} towards {@code model}: ema ← d·ema + (1 − d)·model, with d = min(decay, (1 + n)/(10 + n))
     * after n updates (the usual warm-up, so early weights do not dominate).
     */
    public static void emaUpdate(Block ema, Block model, double decay, int updates) {
        float d = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
        ExponentialMovingAverage.update(ema.getParameters(), model.getParameters(), d);
    }

    /** Copies the parameter values of {@code from} into {@code to} (same architecture). */
    public static void copyParameters(Block from, Block to) {
        ParameterList src = from.getParameters();
        ParameterList dst = to.getParameters();
        for (int i = 0; i < src.size(); i++) {
            NDArray a = dst.get(i).getValue().getArray();
            a.subi(a).addi(src.get(i).getValue().getArray().stopGradient());
        }
    }
}
