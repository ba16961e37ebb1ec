package io.genalign.zoo.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The forward process of the diffusion model: x_t = sqrt(abar_t)·x_0 + sqrt(1 − abar_t)·eps, eps ~ N(0, I),
 * for t = 0..T−1, with the cosine schedule of Nichol and Dhariwal (2021):
 * <pre>
 *   abar_t = g((t + 1)/T) / g(0),  g(u) = cos²(((u + s)/(1 + s))·π/2),  s = 0.008,
 * </pre>
 * and every per-step beta_t = 1 − abar_t/abar_{t−1} clipped to at most {@link #MAX_BETA}.
 *
 * @param alphaBar abar_t for t = 0..T−1, decreasing from almost 1 to almost 0
 */
public record NoiseSchedule(double[] alphaBar) {
    /** Offset s of the cosine schedule. */
    public static final double OFFSET = 0.008;
    /** Largest per-step beta. */
    public static final double MAX_BETA = 0.999;

    /** The cosine schedule with T steps. */
    public static NoiseSchedule cosine(int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("a noise schedule needs T >= 2 steps, got " + steps);
        }
        double[] ab = new double[steps];
        double g0 = g(0);
        double prev = 1.0;
        for (int t = 0; t < steps; t++) {
            double raw = g((t + 1.0) / steps) / g0;
            double beta = Math.min(MAX_BETA, 1 - raw / prev);
            prev = prev * (1 - beta);
            ab[t] = prev;
        }
        return new NoiseSchedule(ab);
    }

    private static double g(double u) {
        double c = Math.cos((u + OFFSET) / (1 + OFFSET) * Math.PI / 2);
        return c * c;
    }

    /** T. */
    public int steps() {
        return alphaBar.length;
    }

    /** abar_t; abar_{−1} = 1 (the clean image). */
    public double alphaBar(int t) {
        return t < 0 ? 1.0 : alphaBar[t];
    }

    /**
     * x_t for a batch: x0 and eps (B, ...) and one timestep per sample.
     *
     * @return sqrt(abar_t) x0 + sqrt(1 − abar_t) eps, in x0's type
     */
    public NDArray noisy(NDArray x0, NDArray eps, int[] t) {
        long b = x0.getShape().get(0);
        float[] a = new float[t.length];
        float[] s = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            a[i] = (float) Math.sqrt(alphaBar[t[i]]);
            s[i] = (float) Math.sqrt(1 - alphaBar[t[i]]);
        }
        NDManager m = x0.getManager();
        long[] shape = new long[x0.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = b;
        NDArray ca = m.create(a, new Shape(shape)).toType(x0.getDataType(), false);
        NDArray cs = m.create(s, new Shape(shape)).toType(x0.getDataType(), false);
        return x0.mul(ca).add(eps.mul(cs));
    }

    /** The timesteps as a float tensor (B) for the network. */
    public static NDArray timeInput(NDManager m, int[] t, DataType type) {
        float[] v = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            v[i] = t[i];
        }
        return m.create(v).toType(type, false);
    }
}
