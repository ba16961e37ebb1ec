package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;

/**
 * A Gaussianity regularizer: a differentiable penalty that is small when a latent looks like a draw from
 * N(0, I).
 *
 * <p>Input: a batch of latents of shape (B, d_1, ..., d_k), k &ge; 1, float32 or float64. Each sample is
 * flattened in C (row-major) order to a vector of length D = d_1·…·d_k, and the regularizer is evaluated on
 * it alone, so samples never interact. Values are unweighted (weight 1); weights belong to the optimizer.
 *
 * <p>Output of {@link #perSample(NDArray)}: shape (B), same data type as the input, attached to the autograd
 * graph of the input, so gradients come from the engine's autograd (see {@link Gradients}).
 *
 * <p>Bad input (NaN or Inf, an empty sample, an all-zero sample, a non-float type, a missing batch axis)
 * is rejected with an {@link IllegalArgumentException} whose message names the problem; implementations
 * call {@link InputChecks#requireLatentBatch(NDArray, String)} first.
 */
public interface Regularizer {

    /** Short stable name used by the CLI, reports and provenance, e.g. {@code mpgr}. */
    String name();

    /** Per-sample values, shape (B), differentiable with respect to {@code batch}. */
    NDArray perSample(NDArray batch);

    /** The batch loss: the mean of {@link #perSample(NDArray)}. */
    default NDArray value(NDArray batch) {
        return perSample(batch).mean();
    }
}
