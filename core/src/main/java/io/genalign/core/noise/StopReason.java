package io.genalign.core.noise;

/** Why a noise optimisation stopped. */
public enum StopReason {
    /** All configured steps ran. */
    COMPLETED,
    /** No seed improved its best target reward for {@code patience} steps. */
    EARLY_STOP,
    /** A loss or gradient became NaN or infinite; the best iterate before it is kept. */
    DIVERGED
}
