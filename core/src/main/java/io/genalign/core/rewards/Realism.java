package io.genalign.core.rewards;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ModelInputs;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.Reward;

/**
 * r(x, c) = log σ(d(x, c)) = −softplus(−d): the discriminator's log-probability that an image is real (its logit
 * d). At most 0; differentiable with respect to the images. Computed as min(d, 0) − log(1 + e^(−|d|)).
 */
public final class Realism implements Reward {
    private final Discriminator discriminator;
    private final Shape imageShape;

    /** Realism under {@code discriminator}, which takes images of shape (C, H, W) = {@code imageShape}. */
    public Realism(Discriminator discriminator, Shape imageShape) {
        this.discriminator = discriminator;
        this.imageShape = imageShape;
    }

    @Override
    public String name() {
        return "realism";
    }

    @Override
    public NDArray score(NDArray images, Condition condition) {
        int b = ModelInputs.requireBatch(images, imageShape, "images");
        ModelInputs.requireCondition(condition, b);
        NDArray d = discriminator.logits(images, condition);
        NDArray negPart = d.sub(d.abs()).mul(ImageStats.num(d, 0.5)); // min(d, 0)
        return negPart.sub(d.abs().neg().exp().add(ImageStats.num(d, 1.0)).log());
    }
}
