package io.genalign.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.genalign.zoo.ZooModels;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.DiffusionUNet;
import io.genalign.zoo.diffusion.NoiseSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The class-conditional diffusion model: a trained UNet (part {@link #RAW}) and its exponential moving average
 * (part {@code diffusion}, the shipped weights; not trained by the optimiser, updated after every step with
 * {@link Diffusion#emaUpdate}).
 *
 * <p>One step: t ~ U{0..T−1}, eps ~ N(0, I), labels replaced by "no class" with probability
 * {@link Diffusion#LABEL_DROPOUT}; loss = mean ||eps_theta(x_t, t, y) − eps||².
 */
final class DiffusionRecipe implements TrainingRecipe {
    /** The diffusion model's trained (non-averaged) weights; the EMA weights are the part named "diffusion". */
    static final String RAW = "diffusion-raw";

    @Override
    public Map<String, Block> build(NDManager manager, int batchSize) {
        Block unet = Diffusion.newUNet();
        unet.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(batchSize));
        Block ema = Diffusion.newUNet();
        ema.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(batchSize));
        ema.freezeParameters(true);
        Diffusion.copyParameters(unet, ema);
        Map<String, Block> parts = new LinkedHashMap<>();
        parts.put(RAW, unet);
        parts.put(ZooModels.DIFFUSION, ema);
        return parts;
    }

    @Override
    public boolean trained(String part) {
        return !ZooModels.DIFFUSION.equals(part);
    }

    @Override
    public Map<String, Double> step(StepContext c) {
        Block unet = c.parts().get(RAW);
        Batches.Batch batch = c.batch();
        NDManager sm = c.manager();
        int bs = (int) batch.images().getShape().get(0);
        SplittableRandom rng = new SplittableRandom(c.options().seed() * 31 + c.step());
        NoiseSchedule schedule = Diffusion.schedule();
        int[] t = new int[bs];
        int[] y = new int[bs];
        long[] labels = batch.labels().toLongArray();
        for (int i = 0; i < bs; i++) {
            t[i] = rng.nextInt(schedule.steps());
            y[i] = rng.nextDouble() < Diffusion.LABEL_DROPOUT ? DiffusionUNet.NULL_CLASS : (int) labels[i];
        }
        NDArray eps = sm.randomNormal(batch.images().getShape());
        NDArray xt = schedule.noisy(batch.images(), eps, t);
        NDArray cond = Diffusion.conditions(sm, y, DataType.FLOAT32);
        Map<String, Double> losses = TrainingSteps.minimiseOnce(unet, c.optimizers().get(RAW),
                () -> Diffusion.perSampleMse(Diffusion.predict(c.parameterStore(), unet, xt, t, cond, true), eps)
                        .mean());
        Diffusion.emaUpdate(c.parts().get(ZooModels.DIFFUSION), unet, Diffusion.EMA_DECAY, c.step());
        return losses;
    }
}
