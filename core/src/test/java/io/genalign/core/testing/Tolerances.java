package io.genalign.core.testing;

/** Every numerical tolerance used by the tests, in one place. */
public final class Tolerances {
    private Tolerances() {}

    /** Relative tolerance against the shared float64 NumPy vectors. */
    public static final double VECTOR_RTOL = 1e-9;
    /** Absolute tolerance against the shared float64 vectors (for values that are exactly 0). */
    public static final double VECTOR_ATOL = 1e-12;
    /** Relative tolerance of float32 paths against float64 references. */
    public static final double FLOAT32_RTOL = 1e-4;
    /** Central finite-difference step for float64 gradient checks. */
    public static final double FD_STEP = 1e-6;
    /** Finite-difference agreement, relative to the largest gradient entry. */
    public static final double FD_RTOL = 1e-5;

    /** |actual - expected| &le; atol + rtol * |expected|. */
    public static boolean close(double actual, double expected, double rtol, double atol) {
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
