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
    /** Absolute floor of float32 paths against float64 references (for values near 0). */
    public static final double FLOAT32_ATOL = 1e-6;
    /** Central finite-difference step for float64 gradient checks. */
    public static final double FD_STEP = 1e-6;
    /** Finite-difference agreement, relative to the largest gradient entry. */
    public static final double FD_RTOL = 1e-5;

    /** Relative tolerance stated in shared/vectors/fid.json for non-zero Frechet distances (float64). */
    public static final double FID_VECTOR_RTOL = 1e-8;
    /** Absolute tolerance stated in shared/vectors/fid.json for the zero distance of a fit to itself. */
    public static final double FID_VECTOR_ATOL = 1e-8;
    /** Agreement of the Jacobi eigendecomposition with closed forms, relative to the matrix norm. */
    public static final double EIGEN_RTOL = 1e-12;
    /** Agreement of float64 closed-form evaluation metrics (IS, diversity, small FID cases) with hand values. */
    public static final double METRIC_RTOL = 1e-12;

    /**
     * Central finite-difference step for float32 model contracts (models that cannot run in float64): large
     * enough that float32 rounding of the outputs (~1e-7 relative) stays well below the difference.
     */
    public static final double FD_STEP_FLOAT32 = 1e-2;
    /**
     * Finite-difference agreement for float32 model contracts, relative to the largest gradient entry: covers
     * the O(h^2) truncation at h = {@link #FD_STEP_FLOAT32} and float32 rounding.
     */
    public static final double FD_RTOL_FLOAT32 = 2e-2;
    /** Absolute floor for finite-difference agreement (for gradients that are 0). */
    public static final double FD_ATOL = 1e-9;
    /** Contract check: outputs may leave [-1, 1] by at most this much (float rounding of tanh-like heads). */
    public static final double IMAGE_RANGE_SLACK = 1e-6;

    /**
     * Agreement of a model folder's outputs with the PyTorch reference outputs of {@code examples/tiny-t2i}
     * (float32, libtorch 2.7.1 vs PyTorch 1.13), relative to the largest magnitude of the reference array.
     */
    public static final double PYTORCH_OUTPUT_RTOL = 1e-5;
    /** The same for input gradients (one backward pass more of float32 rounding). */
    public static final double PYTORCH_GRADIENT_RTOL = 1e-4;

    /** |actual - expected| &le; atol + rtol * |expected|. */
    public static boolean close(double actual, double expected, double rtol, double atol) {
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
