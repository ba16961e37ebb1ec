/**
 * The model interfaces every method is written against: {@link io.genalign.core.model.Generator},
 * {@link io.genalign.core.model.Reward}, {@link io.genalign.core.model.FeatureExtractor},
 * {@link io.genalign.core.model.Discriminator}, {@link io.genalign.core.model.Classifier}, and
 * {@link io.genalign.core.model.ModelSet}, the set of them one command works with (the built-in zoo and a user's model
 * folder are both model sets). Start with {@code ModelSet}; {@link io.genalign.core.model.Rewards} adds the
 * model-independent rewards. Invariants: images are (B, C, H, W) in [-1, 1]; every implementation is deterministic
 * and differentiable in its input, and passes the generic contract suites in the core tests.
 */
package io.genalign.core.model;
