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
 * <p>Two ways to get gradients:
 * <ul>
 *   <li>{@link #perSample(NDArray)}: shape (B), same data type as the input, attached to the autograd graph of the
 *       input, for use inside a larger graph (see {@link Gradients#autograd(Regularizer, NDArray)}).</li>
 *   <li>{@link #valueAndGradient(NDArray)}: the per-sample values and their gradient in one call, without the
 *       caller's autograd. The default runs autograd on {@link #perSample(NDArray)}; MPGR (orders within {1, 2})
 *       and ReNO's norm override it with a closed-form gradient computed by a few large tensor ops (no autograd
 *       graph, no per-op scalars), and PRNO with a closed form evaluated on the host in float64 (one copy in, one
 *       gradient array out), which the contract suite checks against autograd and finite differences.</li>
 * </ul>
 *
 * <p>Bad input (NaN or Inf, an empty sample, an all-zero sample, a non-float type, a missing batch axis)
 * is rejected with an {@link IllegalArgumentException} whose message names the problem; implementations
 * call {@link InputChecks#requireLatentBatch(NDArray, String)} first (fast paths may check cheaply first and
 * call it only when something looks wrong).
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

    /**
     * Per-sample values and the gradient of each sample's own value with respect to that sample
     * ({@code gradient[i] = d perSample[i] / d batch[i]}, same shape and type as {@code batch}), the way an optimizer
     * adds the regularizer to a reward gradient. The gradient belongs to {@code batch}'s manager; the input is not
     * modified and need not require gradients; nothing else is left in any manager. Draws the same permutations as
     * one call of {@link #perSample(NDArray)} would. The default is autograd on {@link #perSample(NDArray)}.
     */
    default Gradients.ValueAndGradient valueAndGradient(NDArray batch) {
        return Gradients.autograd(this, batch);
    }
}
