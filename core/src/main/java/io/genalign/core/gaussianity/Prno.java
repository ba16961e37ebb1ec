package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.linalg.SymmetricEigen;

/**
 * DNO's probability regularization, called PRNO by the MPGR paper (Tang et al., ICML 2025;
 * TZW1998/Direct-Noise-Optimization {@code compute_probability_regularization}).
 *
 * <p>For a flattened sample z of length D, k = 4 and m = ⌊D/k⌋, Z is the first m·k entries as an (m, k) matrix
 * (row t = entries tk … tk+k−1; D mod k entries are dropped):
 * <pre>
 *   μ̂ = mean of the rows,  M1 = ‖μ̂‖₂,  Σ̂ = ZᵀZ/m (uncentred),  M2 = ‖Σ̂ − I‖₂ (spectral norm)
 *   log p1 = min(−m·M1²/(2k), −ln 2)
 *   d = max(√(1 + M2) − 1 − √(k/m), 0),  log p2 = min(−m·d²/2, −ln 2)
 *   term(Z) = −(log p1 + log p2)
 *   PRNO(z) = term(Z) + (1/S)·Σ_{s=1..S} term(Z from a fresh uniform permutation of z)
 * </pre>
 * with S = 100 shuffles. The clamps are Gaussian concentration tail bounds made flat inside the typical region,
 * so the value there is 4 ln 2 (2 ln 2 per term) and the gradient is zero, as with {@code torch.clamp}.
 * The permutations come from a seeded RNG, fresh on every call. Cost O(D·k·(1 + S)).
 * {@link #valueAndGradient(NDArray)} is a host-side closed form with the same permutations (no autograd).
 */
public final class Prno implements Regularizer {
    /** DNO's chunk size k (4^subsample with subsample = 1). */
    public static final int DEFAULT_K = 4;
    /** DNO's number of shuffled terms per step. */
    public static final int DEFAULT_SHUFFLES = 100;
    /** Default seed of the shuffles. */
    public static final long DEFAULT_SEED = 0L;
    /** Upper bound on the values held at once when the shuffles are processed in chunks. */
    private static final long CHUNK_VALUES = 1L << 23;
    private static final double LN2 = Math.log(2.0);

    private final int k;
    private final int shuffles;
    private final Permutations permutations;

    private Prno(Builder b) {
        this.k = b.k;
        this.shuffles = b.shuffles;
        this.permutations = new Permutations(b.seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "prno";
    }

    public int k() {
        return k;
    }

    public int shuffles() {
        return shuffles;
    }

    @Override
    public NDArray perSample(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch);
        long b = x.getShape().get(0);
        int d = (int) x.getShape().get(1);
        requireRows(d);
        NDArray value = termOf(x.expandDims(1)).squeeze(1);
        if (shuffles == 0) {
            return value;
        }
        NDManager m = x.getManager();
        int perChunk = (int) Math.max(1, Math.min(shuffles, CHUNK_VALUES / Math.max(1, b * d)));
        NDArray shuffledSum = null;
        for (int done = 0; done < shuffles; done += perChunk) {
            int c = Math.min(perChunk, shuffles - done);
            NDArray perm = permutations.draw(m, c, d).reshape(1, (long) c * d).repeat(0, b);
            NDArray xs = x.gather(perm, 1).reshape(b, c, d);
            NDArray part = termOf(xs).sum(new int[] {1});
            shuffledSum = shuffledSum == null ? part : shuffledSum.add(part);
        }
        return value.add(shuffledSum.div(num(x, shuffles)));
    }

    /**
     * Closed form of {@link Regularizer#valueAndGradient(NDArray)}, no autograd: the batch is copied to the host once,
     * every term is evaluated in float64 on the host (moments, the 4×4 eigenproblem, the clamps) together with its
     * exact gradient, and the gradient is written back once in the batch's type and manager. The shuffles are the same
     * permutations, drawn in the same order, as one {@link #perSample(NDArray)} call would draw (one per shuffle,
     * shared by all samples), so the two paths agree to rounding.
     *
     * <p>Per term, with Z (m×k) the used entries in the term's order: d(−log p1)/dZ_t = f1·μ̂/k and d(−log p2)/dZ_t =
     * f2·(d/√(1 + M2))·s·(v·Z_t)·v (v the unit eigenvector of the eigenvalue of largest magnitude, s its sign), where
     * f = 1 below the clamp, 0 above it and ½ at exact equality (the backward pass of {@code torch.minimum} against a
     * constant); the {@code maximum(·, 0)} in d needs no factor since the gradient is proportional to d. A shuffled
     * term's gradient is scattered back through its permutation; the dropped D mod k entries get 0. One difference
     * from autograd: at μ̂ = 0 exactly (where p1 is clamped) this gives 0 where autograd's sqrt backward gives NaN.
     */
    @Override
    public Gradients.ValueAndGradient valueAndGradient(NDArray batch) {
        InputChecks.requireShapeAndType(batch, "latents");
        Shape shape = batch.getShape();
        int b = Math.toIntExact(shape.get(0));
        int d = Math.toIntExact(shape.size() / b);
        boolean f64 = batch.getDataType() == DataType.FLOAT64;
        double[] x = host(batch, f64, Math.multiplyExact(b, d));
        // the cheap check on the host copy; the full check names the problem (same message as perSample)
        double maxAbs = maxAbsOrNaN(x, b, d);
        if (Double.isNaN(maxAbs)) {
            InputChecks.requireLatentBatch(batch, "latents");
            return Gradients.autograd(this, batch);
        }
        requireRows(d);
        if (maxAbs > Math.sqrt(Double.MAX_VALUE / 4 / d)) {
            // ZᵀZ could overflow float64: the generic path, before any permutation is drawn, so the draws stay the same
            return Gradients.autograd(this, batch);
        }
        int m = d / k;
        double[] grad = new double[x.length];
        double[] values = new double[b];
        Term term = new Term(k, m);
        for (int i = 0; i < b; i++) {
            values[i] = term.eval(x, i * d, null, grad, 1.0);
        }
        if (shuffles > 0) {
            double[] shuffledSum = new double[b];
            int[] perm = new int[d];
            double w = 1.0 / shuffles;
            for (int s = 0; s < shuffles; s++) {
                permutations.next(perm);
                for (int i = 0; i < b; i++) {
                    shuffledSum[i] += term.eval(x, i * d, perm, grad, w);
                }
            }
            for (int i = 0; i < b; i++) {
                values[i] += shuffledSum[i] / shuffles;
            }
        }
        NDArray g = FastPaths.create(batch.getManager(), grad, shape, batch.getDataType());
        return new Gradients.ValueAndGradient(values, g);
    }

    private static double[] host(NDArray batch, boolean f64, int size) {
        if (f64) {
            return batch.toDoubleArray();
        }
        float[] f = batch.toFloatArray();
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** The largest |x|, or NaN when a value is not finite or a sample is all zeros (the full check then names it). */
    private static double maxAbsOrNaN(double[] x, int b, int d) {
        double all = 0;
        for (int i = 0; i < b; i++) {
            double max = 0;
            for (int j = i * d, end = j + d; j < end; j++) {
                max = Math.max(max, Math.abs(x[j])); // NaN propagates, Inf is caught below
            }
            if (!(max > 0) || max == Double.POSITIVE_INFINITY) {
                return Double.NaN;
            }
            all = Math.max(all, max);
        }
        return all;
    }

    /**
     * The eigenpair of largest |λ| of the symmetric matrix {@code a} (finite, not modified), chosen exactly as
     * {@link #spectralNorm(NDArray)} chooses it from {@link SymmetricEigen#of(double[][])}: the same iteration
     * ({@link SymmetricEigen#diagonalise}), so the same bits, but in the caller's scratch matrices {@code w} and
     * {@code q} without allocation, validation or sorting (SymmetricEigen costs several microseconds per 4×4, which
     * dominated the closed form at D = 784). Writes the unit eigenvector into {@code v}; returns the eigenvalue.
     */
    static double topEigenpair(double[][] a, double[][] w, double[][] q, double[] v) {
        int n = a.length;
        SymmetricEigen.diagonalise(a, w, q);
        // SymmetricEigen sorts the diagonal ascending with a stable sort (Double.compare): its first value is the
        // first smallest diagonal entry, its last value the last largest one
        int lo = 0;
        int hi = 0;
        for (int i = 1; i < n; i++) {
            if (Double.compare(w[i][i], w[lo][lo]) < 0) {
                lo = i;
            }
            if (Double.compare(w[i][i], w[hi][hi]) >= 0) {
                hi = i;
            }
        }
        int top = Math.abs(w[lo][lo]) > Math.abs(w[hi][hi]) ? lo : hi;
        for (int i = 0; i < n; i++) {
            v[i] = q[i][top];
        }
        return w[top][top];
    }

    /** One term's value and gradient on the host, with scratch space reused across terms. */
    private static final class Term {
        private final int k;
        private final int m;
        private final double[] z;
        private final double[] mu;
        private final double[] sigma;
        private final double[][] a;
        private final double[] v;
        private final double[][] w;
        private final double[][] q;

        Term(int k, int m) {
            this.k = k;
            this.m = m;
            this.z = new double[m * k];
            this.mu = new double[k];
            this.sigma = new double[k * k];
            this.a = new double[k][k];
            this.v = new double[k];
            this.w = new double[k][k];
            this.q = new double[k][k];
        }

        /**
         * term(Z) for the sample at {@code x[off .. off + D)} taken in the order {@code perm} (natural order when
         * null); adds {@code weight}·d term / d x into {@code grad} at the same offset and returns the value.
         */
        double eval(double[] x, int off, int[] perm, double[] grad, double weight) {
            int n = m * k;
            if (perm == null) {
                System.arraycopy(x, off, z, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    z[i] = x[off + perm[i]];
                }
            }
            java.util.Arrays.fill(mu, 0.0);
            java.util.Arrays.fill(sigma, 0.0);
            if (k == 4) {
                moments4();
            } else {
                for (int t = 0; t < n; t += k) {
                    for (int i = 0; i < k; i++) {
                        double zi = z[t + i];
                        mu[i] += zi;
                        for (int j = 0; j <= i; j++) {
                            sigma[i * k + j] += zi * z[t + j];
                        }
                    }
                }
            }
            double m1sq = 0;
            for (int i = 0; i < k; i++) {
                mu[i] /= m;
                m1sq += mu[i] * mu[i];
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j <= i; j++) {
                    double aij = sigma[i * k + j] / m - (i == j ? 1.0 : 0.0);
                    a[i][j] = aij;
                    a[j][i] = aij;
                }
            }
            // the same expressions, in the same order, as parts(): M1 = sqrt(Σμ²), then M1² · (−m / 2k)
            double m1 = Math.sqrt(m1sq);
            double raw1 = m1 * m1 * (-(double) m / (2.0 * k));
            double logP1 = Math.min(raw1, -LN2);
            double sign = topEigenpair(a, w, q, v) >= 0 ? 1.0 : -1.0;
            double vav = 0;
            for (int i = 0; i < k; i++) {
                double ai = 0;
                for (int j = 0; j < k; j++) {
                    ai += a[i][j] * v[j];
                }
                vav += ai * v[i];
            }
            double m2 = vav * sign;
            double root = Math.sqrt(m2 + 1.0);
            double dd = Math.max(root - (1.0 + Math.sqrt((double) k / m)), 0.0);
            double raw2 = dd * dd * (-m / 2.0);
            double logP2 = Math.min(raw2, -LN2);
            // torch.minimum(x, c) passes the gradient below c, half of it at equality, none above
            double f1 = raw1 < -LN2 ? 1.0 : raw1 == -LN2 ? 0.5 : 0.0;
            double f2 = raw2 < -LN2 ? 1.0 : raw2 == -LN2 ? 0.5 : 0.0;
            if (f1 != 0.0 || f2 != 0.0) {
                double c1 = weight * f1 / k; // d(−log p1)/dZ_t = μ̂/k
                double c2 = weight * f2 * dd * sign / root; // d(−log p2)/dZ_t = (d s/√(1+M2))(v·Z_t) v
                for (int t = 0; t < n; t += k) {
                    double vz = 0;
                    for (int i = 0; i < k; i++) {
                        vz += v[i] * z[t + i];
                    }
                    double c2vz = c2 * vz;
                    for (int i = 0; i < k; i++) {
                        double gi = c1 * mu[i] + c2vz * v[i];
                        grad[off + (perm == null ? t + i : perm[t + i])] += gi;
                    }
                }
            }
            return -(logP1 + logP2);
        }

        /** The k = 4 moments, unrolled: row sums and the lower triangle of ZᵀZ. */
        private void moments4() {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            double q00 = 0, q10 = 0, q11 = 0, q20 = 0, q21 = 0, q22 = 0, q30 = 0, q31 = 0, q32 = 0, q33 = 0;
            double[] zz = z;
            for (int t = 0, n = zz.length; t < n; t += 4) {
                double a0 = zz[t];
                double a1 = zz[t + 1];
                double a2 = zz[t + 2];
                double a3 = zz[t + 3];
                s0 += a0;
                s1 += a1;
                s2 += a2;
                s3 += a3;
                q00 += a0 * a0;
                q10 += a1 * a0;
                q11 += a1 * a1;
                q20 += a2 * a0;
                q21 += a2 * a1;
                q22 += a2 * a2;
                q30 += a3 * a0;
                q31 += a3 * a1;
                q32 += a3 * a2;
                q33 += a3 * a3;
            }
            mu[0] = s0;
            mu[1] = s1;
            mu[2] = s2;
            mu[3] = s3;
            sigma[0] = q00;
            sigma[4] = q10;
            sigma[5] = q11;
            sigma[8] = q20;
            sigma[9] = q21;
            sigma[10] = q22;
            sigma[12] = q30;
            sigma[13] = q31;
            sigma[14] = q32;
            sigma[15] = q33;
        }
    }

    /** The sequential term's parts per sample, without gradients (for reports and tests). */
    public Terms sequentialTerms(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch.stopGradient());
        requireRows((int) x.getShape().get(1));
        Parts p = parts(x.expandDims(1));
        return new Terms(Flat.doubles(p.m1.squeeze(1)), Flat.doubles(p.m2.squeeze(1)),
                Flat.doubles(p.logP1.squeeze(1)), Flat.doubles(p.logP2.squeeze(1)), p.rows);
    }

    /** term(Z) for xs of shape (B, C, D): one value per (sample, ordering), shape (B, C). */
    private NDArray termOf(NDArray xs) {
        Parts p = parts(xs);
        return p.logP1.add(p.logP2).neg();
    }

    private record Parts(NDArray m1, NDArray m2, NDArray logP1, NDArray logP2, long rows) {}

    private Parts parts(NDArray xs) {
        long b = xs.getShape().get(0);
        long c = xs.getShape().get(1);
        long d = xs.getShape().get(2);
        long m = d / k;
        NDArray used = m * k == d ? xs : xs.get(":, :, :" + (m * k));
        NDArray z = used.reshape(b, c, m, k);
        NDArray mu = z.mean(new int[] {2}); // (B, C, k)
        NDArray m1 = mu.square().sum(new int[] {2}).sqrt();
        NDArray sigma = z.transpose(0, 1, 3, 2).matMul(z).div(num(xs, m)); // (B, C, k, k)
        NDArray eye = xs.getManager().eye(k).toType(xs.getDataType(), false);
        NDArray m2 = spectralNorm(sigma.sub(eye));
        NDArray logP1 = m1.square().mul(num(xs, -(double) m / (2.0 * k))).minimum(num(xs, -LN2));
        NDArray dd = m2.add(num(xs, 1.0)).sqrt().sub(num(xs, 1.0 + Math.sqrt((double) k / m))).maximum(num(xs, 0.0));
        NDArray logP2 = dd.square().mul(num(xs, -m / 2.0)).minimum(num(xs, -LN2));
        return new Parts(m1, m2, logP1, logP2, m);
    }

    /**
     * ‖A‖₂ of symmetric k×k matrices A of shape (..., k, k), differentiable. The top eigenpair (largest |λ|) is
     * found in double precision by Jacobi's method without gradient; the value is then written as
     * s·vᵀAv with v and s = sign(λ) held constant, which equals |λ| and has the exact gradient s·vvᵀ
     * (the derivative of a simple eigenvalue). DJL's {@code norm(2, axes)} is not the spectral norm.
     */
    static NDArray spectralNorm(NDArray a) {
        Shape shape = a.getShape();
        int k = (int) shape.get(shape.dimension() - 1);
        int count = (int) (shape.size() / ((long) k * k));
        double[] values = Flat.doubles(a.stopGradient());
        double[] vecs = new double[count * k];
        double[] signs = new double[count];
        double[][] m = new double[k][k];
        for (int c = 0; c < count; c++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    // symmetrise against rounding in ZᵀZ
                    m[i][j] = 0.5 * (values[c * k * k + i * k + j] + values[c * k * k + j * k + i]);
                }
            }
            SymmetricEigen e = SymmetricEigen.of(m);
            double[] lam = e.values();
            double[][] v = e.vectors();
            int top = Math.abs(lam[0]) > Math.abs(lam[k - 1]) ? 0 : k - 1;
            signs[c] = lam[top] >= 0 ? 1.0 : -1.0;
            for (int i = 0; i < k; i++) {
                vecs[c * k + i] = v[i][top];
            }
        }
        NDManager mgr = a.getManager();
        Shape vecShape = shape.slice(0, shape.dimension() - 1);
        NDArray v = mgr.create(vecs, vecShape).toType(a.getDataType(), false);
        NDArray s = mgr.create(signs, vecShape.slice(0, vecShape.dimension() - 1)).toType(a.getDataType(), false);
        NDArray av = a.matMul(v.expandDims(-1)).squeeze(-1);
        return av.mul(v).sum(new int[] {-1}).mul(s);
    }

    private void requireRows(int d) {
        if (d < k) {
            throw new IllegalArgumentException("a sample of " + d + " values has fewer than k = " + k
                    + " entries: PRNO needs at least one row");
        }
    }

    /**
     * The sequential term's parts per sample.
     *
     * @param m1   ‖μ̂‖₂
     * @param m2   ‖Σ̂ − I‖₂
     * @param logP1 the clamped mean term
     * @param logP2 the clamped covariance term
     * @param rows m = ⌊D/k⌋
     */
    public record Terms(double[] m1, double[] m2, double[] logP1, double[] logP2, long rows) {
        /** −(log p1 + log p2) per sample. */
        public double[] value() {
            double[] v = new double[m1.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = -(logP1[i] + logP2[i]);
            }
            return v;
        }
    }

    /** Builder; every setting is optional. */
    public static final class Builder {
        private int k = DEFAULT_K;
        private int shuffles = DEFAULT_SHUFFLES;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        public Builder optK(int k) {
            this.k = k;
            return this;
        }

        /** Number of shuffled terms (0 = the sequential term only). */
        public Builder optShuffles(int shuffles) {
            this.shuffles = shuffles;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Prno build() {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
            if (shuffles < 0) {
                throw new IllegalArgumentException("shuffles must be >= 0, got " + shuffles);
            }
            return new Prno(this);
        }
    }
}
