package io.genalign.core.optim;

/**
 * Linear learning-rate warm-up: lr(k) = peak · min(1, k / warmupSteps) at 1-based step k (in float32); with
 * {@code warmupSteps} = 0, lr(k) = peak.
 */
public final class WarmUp {
    private WarmUp() {}

    /** The learning rate at 1-based step {@code step}. */
    public static float linear(float peak, int warmupSteps, int step) {
        return warmupSteps == 0 ? peak : peak * Math.min(1f, (float) step / warmupSteps);
    }
}
