/**
 * Gaussianity regularizers of latent noise: MPGR (moment and power-spectrum losses), ReNO's norm, DNO's PRNO, KL,
 * kurtosis and covariance matching, behind one interface ({@link io.genalign.core.gaussianity.Regularizer}) and one
 * factory by name ({@link io.genalign.core.gaussianity.Regularizers}). Invariants: values and autograd gradients match
 * the independent NumPy vectors to 1e-9 in float64; float32 and float64 are both supported; every regularizer passes
 * the generic contract suite and a finite-difference gradient check. Also the white-Gaussian-noise projection
 * ({@link io.genalign.core.gaussianity.WhiteNoiseProjection}, {@code docs/preconditioning.md}): not a regularizer but
 * a closed-form nearest point on the set of latents whose compact spectrum has white noise's block ℓ1 and ℓ2 norms,
 * used by the noise optimizer's preconditioned update; no gradients, plain-Java FFT.
 */
package io.genalign.core.gaussianity;
