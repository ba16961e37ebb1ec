/**
 * Generative-model inference: latent particle flows over a generator's latents. Start with
 * {@link io.genalign.core.flow.Refiners} (a {@link io.genalign.core.flow.RefineMethod} to a
 * {@link io.genalign.core.flow.LatentRefiner}) and {@link io.genalign.core.flow.Refinement} (the loop);
 * {@link io.genalign.core.flow.ParticleFlow} is the Wasserstein-gradient-flow method with kernel-ridge-regression
 * scores on a mollified kernel ({@link io.genalign.core.flow.KernelScoreEstimator}); DDLS, DOT, DGflow, KDE and Stein
 * are the baselines. Defaults live in {@link io.genalign.core.flow.FlowDefaults} only. The networks come in a
 * {@link io.genalign.core.flow.FlowModels} record, so every method works on any model set.
 */
package io.genalign.core.flow;
