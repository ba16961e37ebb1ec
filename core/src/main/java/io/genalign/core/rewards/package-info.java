/**
 * Rewards built from other models or from pixels: log p(class | image) under a classifier, realism log σ(d), pixel
 * contrast. Each is a {@link io.genalign.core.model.Reward}: differentiable, deterministic, higher is better.
 */
package io.genalign.core.rewards;
