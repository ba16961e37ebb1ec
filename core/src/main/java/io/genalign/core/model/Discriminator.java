package io.genalign.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A GAN discriminator split into a feature map and a logit head: {@code logit(x) = head(features(x))}, with
 * a positive logit meaning "real". Differentiable with respect to the images; deterministic in eval mode.
 */
public interface Discriminator extends FeatureExtractor {
    /** Realness logits of shape (B) for images in [-1, 1] under a condition. */
    NDArray logits(NDArray images, Condition condition);
}
