package io.genalign.core.gaussianity;

/**
 * Which orderings of a flattened sample MPGR's power-spectrum loss looks at.
 *
 * <p>The paper says only that "the losses are applied to randomly permuted inputs"; how many permutations,
 * whether a fresh one is drawn every step and whether the natural order is kept are not known (spec §4, §11).
 * A fresh uniform shuffle makes the DFT of almost any vector look Gaussian, so a shuffle-only spectral term
 * is blind to spatial correlation; the project's default, {@link #BOTH}, keeps the natural order as well.
 */
public enum PermutationMode {
    /** The C-order flatten as it is. */
    NATURAL,
    /** One fresh uniform random permutation per call and per sample (seeded). */
    PERMUTED,
    /** The average of NATURAL and PERMUTED (default). */
    BOTH
}
