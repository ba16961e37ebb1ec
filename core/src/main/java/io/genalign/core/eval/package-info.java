/**
 * Evaluation of generated images: {@link io.genalign.core.eval.Fid} on {@link io.genalign.core.eval.GaussianFit}s
 * (stable symmetric square root), the Inception-Score-like score, diversity, and {@link io.genalign.core.eval.Evaluation}
 * (running any model set's classifiers and feature extractors over many images in chunks). Checked against the
 * independent SciPy vectors in the test resources.
 */
package io.genalign.core.eval;
