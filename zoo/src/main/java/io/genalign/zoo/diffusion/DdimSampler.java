package io.genalign.zoo.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Deterministic DDIM sampling (Song, Meng and Ermon 2021, eta = 0) with classifier-free guidance.
 *
 * <p>From x = the initial noise, for the {@code steps} timesteps tau_1 &gt; ... &gt; tau_S evenly spaced over
 * [0, T−1] (rounded), with abar' = abar of the next timestep (1 after the last):
 * <pre>
 *   eps   = eps_u + g·(eps_c − eps_u)             (g = guidance; g = 1 is the plain conditional model)
 *   x0    = clip((x − sqrt(1 − abar) eps)/sqrt(abar), −1, 1);  eps ← (x − sqrt(abar) x0)/sqrt(1 − abar)
 *   x     ← sqrt(abar') x0 + sqrt(1 − abar') eps
 * </pre>
 * The result is x0 of the last step, in [−1, 1]. Each step is one network call on a batch of 2B (conditional and
 * "no class" halves) when g ≠ 1, of B otherwise.
 *
 * @param schedule the forward process
 * @param steps    DDIM steps S, 1 &le; S &le; T
 * @param guidance the guidance scale g &ge; 0
 */
public record DdimSampler(NoiseSchedule schedule, int steps, float guidance) {
    public DdimSampler {
        if (steps < 1 || steps > schedule.steps()) {
            throw new IllegalArgumentException("DDIM steps must be in 1.." + schedule.steps() + ", got " + steps);
        }
        if (!(guidance >= 0) || !Float.isFinite(guidance)) {
            throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + guidance);
        }
    }

    /** The sampler with the zoo's defaults. */
    public static DdimSampler defaults() {
        return new DdimSampler(Diffusion.schedule(), Diffusion.SAMPLING_STEPS, Diffusion.GUIDANCE);
    }

    /** E.g. {@code DDIM 20 steps, guidance 2.0, T=400}. */
    public String describe() {
        return "DDIM " + steps + " steps, guidance " + guidance + ", T=" + schedule.steps();
    }

    /** The timesteps visited, in decreasing order. */
    public int[] timesteps() {
        int t = schedule.steps();
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = steps == 1 ? t - 1 : (int) Math.round((t - 1) * (1.0 - (double) i / (steps - 1)));
        }
        return out;
    }

    /**
     * Samples images.
     *
     * @param model   eps_hat as a function of (x_t, t as a float tensor (B), one-hot conditions (B, 11))
     * @param noise   the initial noise (B, 1, 28, 28)
     * @param classes the class of each sample, 0..9
     * @return images (B, 1, 28, 28) in [−1, 1]
     */
    public NDArray sample(Function<NDList, NDArray> model, NDArray noise, int[] classes) {
        int b = (int) noise.getShape().get(0);
        if (classes.length != b) {
            throw new IllegalArgumentException(b + " noise samples but " + classes.length + " classes");
        }
        NDManager m = noise.getManager();
        boolean guided = guidance != 1f;
        int[] cls = classes;
        if (guided) {
            cls = Arrays.copyOf(classes, 2 * b);
            Arrays.fill(cls, b, 2 * b, DiffusionUNet.NULL_CLASS);
        }
        NDArray x = noise;
        NDArray x0 = null;
        int[] ts = timesteps();
        for (int i = 0; i < ts.length; i++) {
            int t = ts[i];
            double ab = schedule.alphaBar(t);
            double abNext = i + 1 < ts.length ? schedule.alphaBar(ts[i + 1]) : 1.0;
            int[] tArr = new int[cls.length];
            Arrays.fill(tArr, t);
            // every step in its own manager: a network call leaves many intermediate arrays, freed here
            try (NDManager sm = m.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(sm);
                NDArray in = guided ? xs.concat(xs, 0) : xs;
                NDArray cond = Diffusion.conditions(sm, cls, noise.getDataType());
                NDArray eps = model.apply(new NDList(in, NoiseSchedule.timeInput(sm, tArr, x.getDataType()), cond));
                if (guided) {
                    NDArray ec = eps.get("0:" + b);
                    NDArray eu = eps.get(b + ":" + (2 * b));
                    eps = eu.add(ec.sub(eu).mul(guidance));
                }
                NDArray x0s = xs.sub(eps.mul((float) Math.sqrt(1 - ab))).div((float) Math.sqrt(ab)).clip(-1f, 1f);
                eps = xs.sub(x0s.mul((float) Math.sqrt(ab))).div((float) Math.sqrt(1 - ab));
                NDArray next = x0s.mul((float) Math.sqrt(abNext)).add(eps.mul((float) Math.sqrt(1 - abNext)));
                next.attach(m);
                x0s.attach(m);
                x = next;
                x0 = x0s;
            }
        }
        return x0;
    }

    /** The shape of one sample's noise. */
    public static Shape noiseShape() {
        return new Shape(1, 28, 28);
    }
}
