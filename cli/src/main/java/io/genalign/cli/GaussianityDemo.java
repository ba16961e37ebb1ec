package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in demo of {@code genalign gaussianity}: latents of shape 4 x 64 x 64 (D = 16,384, the size of
 * an SD-style 512 px latent) that the command generates itself from one seed. One is clean N(0, I); the
 * others are corrupted the ways the regularizers are meant to catch.
 *
 * <ul>
 *   <li>{@code clean}: i.i.d. N(0, 1).</li>
 *   <li>{@code scaled-1.3}: 1.3 times clean noise (too much energy).</li>
 *   <li>{@code shifted+0.2}: clean noise plus 0.2 (a mean shift).</li>
 *   <li>{@code ar1-0.7}: unit-variance AR(1) with rho = 0.7 along the C-order flatten (correlated).</li>
 *   <li>{@code checker-mix}: 0.5 checkerboard + sqrt(0.75) noise (a spatial pattern at the right variance).</li>
 *   <li>{@code heavy-tail}: Student-t with 3 degrees of freedom, scaled to unit variance (excess kurtosis).</li>
 * </ul>
 */
public record GaussianityDemo(NDArray latents, List<String> names) {
    /** Shape of one demo latent. */
    public static final Shape SAMPLE_SHAPE = new Shape(4, 64, 64);

    /** Generates the six demo latents as one float64 batch (6, 4, 64, 64). */
    public static GaussianityDemo generate(NDManager manager, long seed) {
        int d = (int) SAMPLE_SHAPE.size();
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> names = List.of("clean", "scaled-1.3", "shifted+0.2", "ar1-0.7", "checker-mix", "heavy-tail");
        double[] all = new double[names.size() * d];
        double[] g = gauss(rng, d);
        System.arraycopy(g, 0, all, 0, d);
        double[] s = gauss(rng, d);
        for (int i = 0; i < d; i++) {
            all[d + i] = 1.3 * s[i];
        }
        double[] sh = gauss(rng, d);
        for (int i = 0; i < d; i++) {
            all[2 * d + i] = sh[i] + 0.2;
        }
        double[] e = gauss(rng, d);
        double rho = 0.7;
        double prev = e[0];
        all[3 * d] = prev;
        for (int i = 1; i < d; i++) {
            prev = rho * prev + Math.sqrt(1 - rho * rho) * e[i];
            all[3 * d + i] = prev;
        }
        double[] n = gauss(rng, d);
        long c = SAMPLE_SHAPE.get(0);
        long h = SAMPLE_SHAPE.get(1);
        long w = SAMPLE_SHAPE.get(2);
        for (int i = 0; i < d; i++) {
            long ci = i / (h * w);
            long hi = (i / w) % h;
            long wi = i % w;
            double checker = ((ci + hi + wi) % 2 == 0) ? 1.0 : -1.0;
            all[4 * d + i] = 0.5 * checker + Math.sqrt(0.75) * n[i];
        }
        double nu = 3.0;
        double scale = Math.sqrt((nu - 2) / nu);
        for (int i = 0; i < d; i++) {
            double z = rng.nextGaussian();
            double chi2 = 0;
            for (int k = 0; k < (int) nu; k++) {
                double u = rng.nextGaussian();
                chi2 += u * u;
            }
            all[5 * d + i] = scale * z / Math.sqrt(chi2 / nu);
        }
        Shape batch = new Shape(names.size()).addAll(SAMPLE_SHAPE);
        return new GaussianityDemo(manager.create(all, batch), names);
    }

    private static double[] gauss(SplittableRandom rng, int d) {
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }
}
