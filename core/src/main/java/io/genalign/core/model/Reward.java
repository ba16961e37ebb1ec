package io.genalign.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable reward: images in [-1, 1] of shape (B, C, H, W) and a condition to one score per image,
 * shape (B). Higher is better. Differentiable with respect to the images; deterministic.
 */
public interface Reward extends AutoCloseable {
    /** Short stable name used by the CLI and reports. */
    String name();

    /** One score per image, shape (B). */
    NDArray score(NDArray images, Condition condition);

    @Override
    default void close() {}
}
