package io.genalign.core.eval;

import ai.djl.ndarray.NDArray;
import io.genalign.core.linalg.SymmetricEigen;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Gaussian fitted to n feature vectors of length F: the sample mean {@code mu = (1/n) sum_i x_i} and the
 * unbiased sample covariance {@code S = (1/(n-1)) sum_i (x_i - mu)(x_i - mu)^T} (the normalisation of
 * {@code numpy.cov} and of the shared FID vectors).
 *
 * <p>Edge cases: n &lt; 2 (no unbiased covariance), NaN or infinite features, ragged rows, a non-square or
 * non-symmetric covariance, or a mean whose length differs from the covariance's order throw
 * {@link IllegalArgumentException}. n &lt; F is allowed: the covariance is then singular (rank at most n-1),
 * which {@link Fid} handles. Arrays are copied in and out, so a fit is immutable.
 *
 * @param mean the mean, length F
 * @param cov the covariance, F x F, symmetric
 * @param n the number of samples the fit came from
 */
public record GaussianFit(double[] mean, double[][] cov, int n) {
    /** Largest accepted |S_ij - S_ji| relative to the largest |S_ij|. */
    public static final double SYMMETRY_TOLERANCE = 1e-10;

    public GaussianFit {
        Objects.requireNonNull(mean, "mean");
        int f = SymmetricEigen.requireSquareFinite(cov, "covariance");
        if (mean.length != f) {
            throw new IllegalArgumentException("mean has length " + mean.length + " but the covariance is " + f
                    + " x " + f);
        }
        for (int j = 0; j < f; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("mean has a non-finite value " + mean[j] + " at " + j);
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("a Gaussian fit needs at least 2 samples, got n = " + n);
        }
        double max = 0;
        for (double[] row : cov) {
            for (double x : row) {
                max = Math.max(max, Math.abs(x));
            }
        }
        for (int i = 0; i < f; i++) {
            for (int j = i + 1; j < f; j++) {
                if (Math.abs(cov[i][j] - cov[j][i]) > SYMMETRY_TOLERANCE * max) {
                    throw new IllegalArgumentException("covariance is not symmetric at (" + i + ", " + j + "): "
                            + cov[i][j] + " vs " + cov[j][i]);
                }
            }
        }
        mean = mean.clone();
        cov = copy(cov);
    }

    /** Fits rows {@code features[i]} (n rows of length F). */
    public static GaussianFit of(double[][] features) {
        int f = FeatureRows.requireRectangularFinite(features, "features");
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("a Gaussian fit needs at least 2 feature rows, got " + n);
        }
        double[] mu = new double[f];
        for (double[] row : features) {
            for (int j = 0; j < f; j++) {
                mu[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) {
            mu[j] /= n;
        }
        double[][] cov = new double[f][f];
        double[] c = new double[f];
        for (double[] row : features) {
            for (int j = 0; j < f; j++) {
                c[j] = row[j] - mu[j];
            }
            for (int i = 0; i < f; i++) {
                double ci = c[i];
                double[] covI = cov[i];
                for (int j = i; j < f; j++) {
                    covI[j] += ci * c[j];
                }
            }
        }
        for (int i = 0; i < f; i++) {
            for (int j = i; j < f; j++) {
                cov[i][j] /= (n - 1);
                cov[j][i] = cov[i][j];
            }
        }
        return new GaussianFit(mu, cov, n);
    }

    /** Fits the rows of a (B, F) float32 or float64 array (computed in float64; the array is not modified). */
    public static GaussianFit of(NDArray features) {
        return of(FeatureRows.fromArray(features, "features"));
    }

    /** F, the feature dimension. */
    public int dim() {
        return mean.length;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[][] cov() {
        return copy(cov);
    }

    /** Read-only access for this package without copying. */
    double[] meanView() {
        return mean;
    }

    double[][] covView() {
        return cov;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianFit g && n == g.n && Arrays.equals(mean, g.mean)
                && Arrays.deepEquals(cov, g.cov);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(mean) + Arrays.deepHashCode(cov)) + n;
    }

    @Override
    public String toString() {
        return "GaussianFit[F=" + mean.length + ", n=" + n + "]";
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
