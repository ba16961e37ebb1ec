package io.genalign.core.noise;

import java.util.Map;

/**
 * What one step of the noise optimizer saw, per seed (arrays are indexed by seed), at the latents z_t it
 * evaluated before updating them.
 *
 * @param step         the step index t (0 = the initial latents)
 * @param target       the optimised target Σ w·reward at z_t
 * @param rewards      each target reward's raw value, by reward name
 * @param heldOut      each held-out reward's value (evaluated, never optimised), by reward name
 * @param regularizer  the regularizer's unweighted value at z_t (0 with no regularizer)
 * @param gradNorm     the norm of the combined gradient before clipping (NaN where not computed)
 * @param latentMean   mean of z_t's entries
 * @param latentStd    population standard deviation of z_t's entries
 * @param latentKs     Kolmogorov–Smirnov distance of z_t's entries to N(0, 1)
 * @param powerNatural MPGR's natural-order spectral term L_power of z_t
 * @param improved     whether z_t became the seed's best iterate
 */
public record StepRecord(int step, double[] target, Map<String, double[]> rewards, Map<String, double[]> heldOut,
                         double[] regularizer, double[] gradNorm, double[] latentMean, double[] latentStd,
                         double[] latentKs, double[] powerNatural, boolean[] improved) {

    /** Mean over seeds of an array. */
    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
