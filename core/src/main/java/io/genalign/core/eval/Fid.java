package io.genalign.core.eval;

import io.genalign.core.linalg.SymmetricEigen;
import java.util.Objects;

/**
 * Frechet distance between two Gaussian fits, the quantity behind FID:
 * {@code d = ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))}.
 *
 * <p>Method (plain Java float64): {@code S1 S2} is similar to the symmetric positive semi-definite matrix
 * {@code M = S1^(1/2) S2 S1^(1/2)}, so {@code tr((S1 S2)^(1/2)) = sum_k sqrt(lambda_k(M))}. Both the square root
 * of {@code S1} and the eigenvalues of {@code M} come from the Jacobi {@link SymmetricEigen}; eigenvalues at or below
 * the decomposition's rounding level {@code F * ulp(1) * max|lambda|} (singular covariances, rounding
 * negatives) are taken as 0, so exact zeros do not turn into 1e-8-sized square roots. Unlike {@code scipy.linalg.sqrtm}
 * on the non-symmetric product, this never produces complex parts and needs no diagonal offset, so singular covariances
 * (n &lt; F samples) are handled as they are. Agrees with the SciPy reference ({@code sqrtm}, real part, unbiased
 * covariances) to better than 1e-8 relative on full-rank fits.
 *
 * <p>The result is clipped at 0 (it can come out as -1e-13 for identical fits). Fits of different dimension
 * throw {@link IllegalArgumentException}; NaN/Inf is rejected when a fit is built.
 */
public final class Fid {
    private Fid() {}

    /** The Frechet distance between two fits of the same dimension. */
    public static double distance(GaussianFit a, GaussianFit b) {
        Objects.requireNonNull(a, "first fit");
        Objects.requireNonNull(b, "second fit");
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("feature dimensions differ: first fit has F = " + a.dim()
                    + ", second has F = " + b.dim());
        }
        int f = a.dim();
        double[] m1 = a.meanView();
        double[] m2 = b.meanView();
        double[][] s1 = a.covView();
        double[][] s2 = b.covView();
        double meanTerm = 0;
        double traces = 0;
        for (int i = 0; i < f; i++) {
            double d = m1[i] - m2[i];
            meanTerm += d * d;
            traces += s1[i][i] + s2[i][i];
        }
        double traceSqrt = traceSqrtProduct(s1, s2);
        double d = meanTerm + traces - 2.0 * traceSqrt;
        return Math.max(d, 0.0);
    }

    /** FID between the rows of two feature matrices (n1 x F and n2 x F). */
    public static double distance(double[][] featuresA, double[][] featuresB) {
        return distance(GaussianFit.of(featuresA), GaussianFit.of(featuresB));
    }

    /**
     * {@code tr((S1 S2)^(1/2))} for symmetric positive semi-definite S1, S2 of the same order, as
     * {@code sum sqrt(eig(S1^(1/2) S2 S1^(1/2)))} over the eigenvalues above the rounding level.
     */
    public static double traceSqrtProduct(double[][] s1, double[][] s2) {
        int n1 = SymmetricEigen.requireSquareFinite(s1, "first covariance");
        int n2 = SymmetricEigen.requireSquareFinite(s2, "second covariance");
        if (n1 != n2) {
            throw new IllegalArgumentException("covariances differ in order: " + n1 + " vs " + n2);
        }
        double[][] r = SymmetricEigen.sqrtPsd(s1);
        double[][] m = SymmetricEigen.multiply(SymmetricEigen.multiply(r, s2), r);
        SymmetricEigen e = SymmetricEigen.of(m);
        double sum = 0;
        for (double l : e.values()) {
            sum += e.psdSqrt(l);
        }
        return sum;
    }
}
