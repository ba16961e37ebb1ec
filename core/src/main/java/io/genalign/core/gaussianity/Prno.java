package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
