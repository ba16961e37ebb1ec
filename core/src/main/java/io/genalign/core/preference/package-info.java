/**
 * Preference alignment: f-divergence Diffusion-DPO losses ({@link io.genalign.core.preference.FDpoLoss} with a
 * {@link io.genalign.core.preference.DivergenceKind}), preference judges made of rewards, the pair-folder format
 * ({@link io.genalign.core.preference.PreferencePairs}) and pair making from any generator
 * ({@link io.genalign.core.preference.PairMaker}); the theory checks of the spec's §8: the gradient field of each loss
 * over (s_w, s_l) ({@link io.genalign.core.preference.GradientField}) and the categorical population optimum
 * ({@link io.genalign.core.preference.CategoricalOptimum}). Invariants: losses and derivatives match the independent vectors;
 * pair folders never lead outside themselves.
 */
package io.genalign.core.preference;
