package io.genalign.core.rewards;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ModelInputs;
import io.genalign.core.model.Reward;

/**
 * A simple "aesthetic"-style reward: the image's contrast, the standard deviation of its pixel values
 * (in [-1, 1] units, so at most 1). People tend to prefer crisp, high-contrast renderings of an object, up to a
 * point; pushed hard, it rewards saturated, posterised images, which makes it a good target on which to watch
 * reward hacking. Differentiable; ignores the condition.
 */
public final class Contrast implements Reward {
    private final Shape imageShape;

    /** Contrast of images of shape (C, H, W) = {@code imageShape}. */
    public Contrast(Shape imageShape) {
        this.imageShape = imageShape;
    }
    @Override
    public String name() {
        return "contrast";
    }

    @Override
    public NDArray score(NDArray images, Condition condition) {
        int b = ModelInputs.requireBatch(images, imageShape, "images");
        ModelInputs.requireCondition(condition, b);
        NDArray x = ImageStats.flat(images);
        NDArray mean = x.mean(new int[] {1}).expandDims(1);
        NDArray var = x.sub(mean).square().mean(new int[] {1});
        return var.add(ImageStats.num(var, 1e-12)).sqrt();
    }
}
