package io.genalign.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Images in [-1, 1] of shape (B, C, H, W) to feature vectors of shape (B, F), differentiable with respect to
 * the images; deterministic. Used by FID, diversity and the particle flow's kernel.
 */
public interface FeatureExtractor extends AutoCloseable {
    /** Short stable name. */
    String name();

    /** F, the length of one feature vector. */
    int featureDim();

    /** Features of shape (B, F). */
    NDArray features(NDArray images);

    @Override
    default void close() {}
}
