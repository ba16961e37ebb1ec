package io.genalign.core.model.folder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.torchscript.TorchScriptEpsilon;
import java.util.Arrays;

/**
 * A model folder's diffusion network sampled with deterministic DDIM (eta = 0, no guidance), seen as a
 * {@link Generator} from its initial noise (latent shape = image shape).
 *
 * <p>From x = the noise, for the {@code steps} timesteps tau_1 &gt; ... &gt; tau_S evenly spaced over [0, T−1]
 * (rounded), with abar' = abar of the next timestep (1 after the last): x0 = clip((x − sqrt(1 − abar) eps) /
 * sqrt(abar), −1, 1), eps ← (x − sqrt(abar) x0)/sqrt(1 − abar), x ← sqrt(abar') x0 + sqrt(1 − abar') eps. The
 * result is x0 of the last step. The same update as the built-in model's {@code DdimSampler} at guidance 1.
 */
public final class DdimGenerator implements Generator {
    private final TorchScriptEpsilon eps;
    private final double[] alphaBar;
    private final int steps;
    private final boolean owns;

    /**
     * @param eps      the network
     * @param alphaBar abar_t, t = 0..T−1
     * @param steps    DDIM steps, 1..T
     * @param owns     whether {@link #close()} closes the network
     */
    public DdimGenerator(TorchScriptEpsilon eps, double[] alphaBar, int steps, boolean owns) {
        if (steps < 1 || steps > alphaBar.length) {
            throw new IllegalArgumentException("DDIM steps must be in 1.." + alphaBar.length + ", got " + steps);
        }
        this.eps = eps;
        this.alphaBar = alphaBar.clone();
        this.steps = steps;
        this.owns = owns;
    }

    /** The timesteps visited, in decreasing order. */
    public int[] timesteps() {
        int t = alphaBar.length;
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = steps == 1 ? t - 1 : (int) Math.round((t - 1) * (1.0 - (double) i / (steps - 1)));
        }
        return out;
    }

    /** E.g. {@code DDIM 20 steps, T=1000}. */
    public String describe() {
        return "DDIM " + steps + " steps, T=" + alphaBar.length;
    }

    @Override
    public Shape latentShape() {
        return eps.imageShape();
    }

    @Override
    public Shape imageShape() {
        return eps.imageShape();
    }

    @Override
    public NDArray generate(NDArray noise, Condition condition) {
        int b = (int) noise.getShape().get(0);
        NDManager m = noise.getManager();
        NDArray x = noise;
        NDArray x0 = null;
        int[] ts = timesteps();
        for (int i = 0; i < ts.length; i++) {
            double ab = alphaBar[ts[i]];
            double abNext = i + 1 < ts.length ? alphaBar[ts[i + 1]] : 1.0;
            int[] tArr = new int[b];
            Arrays.fill(tArr, ts[i]);
            try (NDManager sm = m.newSubManager()) {
                NDArray xs = x.duplicate();
                xs.attach(sm);
                NDArray e = eps.predict(xs, tArr, condition);
                NDArray x0s = xs.sub(e.mul((float) Math.sqrt(1 - ab))).div((float) Math.sqrt(ab)).clip(-1f, 1f);
                e = xs.sub(x0s.mul((float) Math.sqrt(ab))).div((float) Math.sqrt(1 - ab));
                NDArray next = x0s.mul((float) Math.sqrt(abNext)).add(e.mul((float) Math.sqrt(1 - abNext)));
                next.attach(m);
                x0s.attach(m);
                x = next;
                x0 = x0s;
            }
        }
        return x0;
    }

    @Override
    public void close() {
        if (owns) {
            eps.close();
        }
    }
}
