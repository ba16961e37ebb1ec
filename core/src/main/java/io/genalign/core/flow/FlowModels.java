package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import io.genalign.core.model.Reward;

/**
 * The frozen networks and data a refiner works with. Which ones a method needs: the particle flows need
 * {@code features} and {@code realImages} (and {@code conditionTerm} when η3 &gt; 0); DDLS, DOT and DGflow need
 * {@code discriminator}. Unused ones may be null.
 *
 * @param generator G, deterministic, differentiable in the latents
 * @param condition one entry per particle
 * @param features φ, the kernel's feature extractor (the discriminator's body for the built-in GAN)
 * @param realImages samples of p_data (n_d, image...), no gradient
 * @param conditionTerm log p(c|x) as a reward (e.g. the discriminator's log σ(d))
 * @param discriminator d, the realness logit, for the discriminator-based baselines
 */
public record FlowModels(Generator generator, Condition condition, FeatureExtractor features, NDArray realImages,
                         Reward conditionTerm, Discriminator discriminator) {
    public FlowModels {
        java.util.Objects.requireNonNull(generator, "generator");
        java.util.Objects.requireNonNull(condition, "condition");
    }

    <T> T require(T part, String what, String method) {
        if (part == null) {
            throw new IllegalArgumentException(method + " needs " + what);
        }
        return part;
    }
}
