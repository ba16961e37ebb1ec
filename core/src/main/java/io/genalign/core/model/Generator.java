package io.genalign.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A one-step generator: latent noise and a condition to images.
 *
 * <p>Contract: {@code generate} takes latents of shape (B, latentShape...) whose entries are meant to be
 * standard normal, and returns images of shape (B, imageShape...) with values in [-1, 1]. It is
 * differentiable with respect to the latents when they require gradients, and deterministic (eval mode).
 */
public interface Generator extends AutoCloseable {
    /** Shape of one latent, without the batch axis (e.g. 4 x 8 x 8). */
    Shape latentShape();

    /** Shape of one image, without the batch axis (channels x height x width). */
    Shape imageShape();

    /** Images in [-1, 1] for a batch of latents and a condition with one entry per latent. */
    NDArray generate(NDArray latents, Condition condition);

    @Override
    default void close() {}
}
