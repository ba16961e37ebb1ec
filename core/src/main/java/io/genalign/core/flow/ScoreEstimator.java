package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;

/**
 * A score estimator: fitted on samples of a density p in feature space, it gives ∇ log p̂ at query points, with
 * gradients flowing back through the feature extractor (and the generator) to the latents.
 *
 * <p>Lifecycle: {@link #fit} on the samples' features (n, M, F) — M = {@link #mollifier()}'s copies; any gradient
 * on them is ignored (the sample side is stop-gradient) — then {@link ScoreFit#potential} at query features any
 * number of times. A fit holds the sample features it was given and is valid as long as they are open. Fits are
 * independent; the estimator itself is immutable and stateless.
 */
public interface ScoreEstimator {
    /** Short stable name for reports (e.g. "krr", "kde", "stein"). */
    String name();

    /** The image-space mollifier whose copies the features must carry (NONE: one copy). */
    Mollifier mollifier();

    /** Fits on the samples' features (n, M, F). */
    ScoreFit fit(NDArray sampleFeatures);
}
