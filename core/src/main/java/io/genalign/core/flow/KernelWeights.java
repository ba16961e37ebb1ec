package io.genalign.core.flow;

/** The sample weights α of a kernel density estimate p̂(x) ∝ Σ_j α_j k̃(x, y_j). */
public enum KernelWeights {
    /** α_j = 1: the kernel density estimator (the FPK / "KDE" baseline). */
    UNIFORM,
    /** α = (K̃ + λI)^-1 1: kernel ridge regression, eq. (4) (GMI). */
    KRR
}
