package io.genalign.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * An image classifier: images in [-1, 1] of shape (B, C, H, W) to class logits of shape (B, K), differentiable
 * with respect to the images; deterministic.
 */
public interface Classifier extends AutoCloseable {
    /** Short stable name. */
    String name();

    /** Shape of one input image (C, H, W). */
    Shape imageShape();

    /** K, the number of classes. */
    int numClasses();

    /** Logits of shape (B, K). */
    NDArray logits(NDArray images);

    @Override
    default void close() {}
}
