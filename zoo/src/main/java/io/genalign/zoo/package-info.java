/**
 * The built-in Fashion-MNIST models: one provider of the core model interfaces. Start with
 * {@link io.genalign.zoo.BuiltinModelSet} ({@code --model builtin}), which serves the GAN, the classifiers, the feature
 * network, the diffusion sampler and the real bank through {@link io.genalign.core.model.ModelSet} like any model
 * folder; {@link io.genalign.zoo.Zoo} loads the shipped weights (sha256-checked against their manifests).
 */
package io.genalign.zoo;
