/**
 * Gaussianity regularizers of latent noise: MPGR (moment and power-spectrum losses), ReNO's norm, DNO's PRNO, KL,
 * kurtosis and covariance matching, behind one interface ({@link io.genalign.core.gaussianity.Regularizer}) and one
 * factory by name ({@link io.genalign.core.gaussianity.Regularizers}). Invariants: values and autograd gradients match
 * the independent NumPy vectors to 1e-9 in float64; float32 and float64 are both supported; every regularizer passes
 * the generic contract suite and a finite-difference gradient check.
 */
package io.genalign.core.gaussianity;
