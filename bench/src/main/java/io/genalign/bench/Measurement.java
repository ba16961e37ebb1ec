package io.genalign.bench;

/**
 * One benchmark case and its result.
 *
 * @param regularizer the regularizer's name
 * @param dim         latent size D
 * @param batch       batch size B
 * @param mode        how it was measured ("avgt" or "ss" for JMH's AverageTime / SingleShotTime)
 * @param samples     number of measured values (iterations) behind the mean
 * @param meanMs      mean time of one value + gradient call, milliseconds; NaN when the case failed or was skipped
 * @param errorMs     JMH's 99.9% confidence half-width, milliseconds; NaN when JMH gives none (fewer than 2 samples)
 * @param problem     null for a measured case, otherwise why there is no number (failure, skipped)
 */
public record Measurement(String regularizer, int dim, int batch, String mode, long samples, double meanMs,
                          double errorMs, String problem) {

    /** A case that was measured. */
    public static Measurement of(String regularizer, int dim, int batch, String mode, long samples, double meanMs,
                                 double errorMs) {
        return new Measurement(regularizer, dim, batch, mode, samples, meanMs, errorMs, null);
    }

    /** A case without a number, and why. */
    public static Measurement missing(String regularizer, int dim, int batch, String problem) {
        return new Measurement(regularizer, dim, batch, "-", 0, Double.NaN, Double.NaN, problem);
    }

    /** True when there is a mean time. */
    public boolean ok() {
        return problem == null && Double.isFinite(meanMs);
    }
}
