package io.genalign.core.gaussianity;

import static io.genalign.core.gaussianity.Flat.num;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MPGR, the moment- and power-spectrum-based Gaussianity regularizer (Hwang, Kim, Sung, NeurIPS 2025), as the
 * project reconstructs it (spec {@code gaussianity.md}, "Project conventions").
 *
 * <p>For one sample flattened in C order to x of length D:
 * <pre>
 *   L_n     = | |mean(x^n)|^(1/n) − mu_n^(1/n) |,   mu_n = (n−1)!! for even n, 0 for odd n
 *   X_k     = Σ_j x_j e^(−2πi kj/D),  a_k = |X_k| / √D        (all D bins, no normalisation in the DFT)
 *   L_power = mean over blocks B of | mean_{k∈B} a_k − mu_power |,  contiguous blocks of 16 bins from k = 0,
 *             a remainder of D mod 16 bins dropped;  mu_power = √π/2 (the Rayleigh mean)
 *   MPGR    = Σ_{n ∈ orders} L_n + λ_power · L_power
 * </pre>
 * with orders {1, 2} and λ_power = 25 by default. The spectral term is taken in the natural order, on one fresh
 * seeded permutation per call and sample, or on the average of both ({@link PermutationMode}, default BOTH).
 *
 * <p>Numerics: the magnitudes are exact (no ε under the square root): a bin with X_k = 0 contributes a_k = 0
 * and a zero gradient (a safe square root), so the value matches float64 references on inputs such as a ±1
 * checkerboard, whose spectrum is zero in most bins. Gradients come from autograd; analytically
 * ∇L_power = Re(FFT(g ⊙ conj(X)/|X|))/√D with g_k = ∂L/∂a_k. The FFT is a real FFT (D/2 + 1 bins) mirrored to
 * all D bins, since |X_k| = |X_(D−k)| for real x.
 *
 * <p>Open questions (spec §11): the permutation semantics, mu_power (√π/2 here; one secondary source says
 * 0.875), full versus half spectrum and the exact block partition, and which latent layout is flattened.
 * A low loss does not guarantee Gaussianity: the minimiser set is every x with mean 0, RMS 1 and every block
 * mean exactly mu_power, and true Gaussian samples sit at a floor of about 2.32, not 0.
 */
public final class Mpgr implements Regularizer {
    /** Default moment orders. */
    public static final int[] DEFAULT_ORDERS = {1, 2};
    /** Default weight of the power-spectrum loss. */
    public static final double DEFAULT_LAMBDA_POWER = 25.0;
    /** Default number of frequency bins per block. */
    public static final int DEFAULT_BLOCK_SIZE = 16;
    /** Default target block mean: E[a_k] = √π/2 for a Rayleigh(1/√2) magnitude. */
    public static final double DEFAULT_MU_POWER = Math.sqrt(Math.PI) / 2;
    /** Default permutation mode. */
    public static final PermutationMode DEFAULT_MODE = PermutationMode.BOTH;
    /** Default seed of the permutations. */
    public static final long DEFAULT_SEED = 0L;

    private final int[] orders;
    private final double lambdaPower;
    private final int blockSize;
    private final double muPower;
    private final PermutationMode mode;
    private final long seed;
    private final Permutations permutations;

    private Mpgr(Builder b) {
        this.orders = b.orders.clone();
        this.lambdaPower = b.lambdaPower;
        this.blockSize = b.blockSize;
        this.muPower = b.muPower;
        this.mode = b.mode;
        this.seed = b.seed;
        this.permutations = new Permutations(b.seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "mpgr";
    }

    public PermutationMode mode() {
        return mode;
    }

    public int[] orders() {
        return orders.clone();
    }

    public double lambdaPower() {
        return lambdaPower;
    }

    public int blockSize() {
        return blockSize;
    }

    public double muPower() {
        return muPower;
    }

    public long seed() {
        return seed;
    }

    /** mu_n^(1/n): (n−1)!!^(1/n) for even n, 0 for odd n. */
    public static double momentTarget(int n) {
        if (n % 2 == 1) {
            return 0.0;
        }
        double f = 1;
        for (int k = n - 1; k > 1; k -= 2) {
            f *= k;
        }
        return Math.pow(f, 1.0 / n);
    }

    /** E[z^n] for z ~ N(0, 1): 0 for odd n, (n−1)!! for even n. */
    public static double gaussianMoment(int n) {
        return Math.pow(momentTarget(n), n);
    }

    @Override
    public NDArray perSample(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch);
        requireBlocks(x);
        NDArray total = momentSum(x);
        NDArray power = switch (mode) {
            case NATURAL -> powerLoss(x);
            case PERMUTED -> powerLoss(permute(x));
            case BOTH -> bothPowerLoss(x);
        };
        return total.add(power.mul(num(x, lambdaPower)));
    }

    /**
     * Every term per sample, without gradients, for reports: the moment losses per order, L_power in the
     * natural order and on one fresh permutation, the total in this regularizer's mode (BOTH averages the same
     * two spectral values) and the total in NATURAL mode.
     */
    public MpgrTerms terms(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch.stopGradient());
        requireBlocks(x);
        Map<Integer, double[]> moments = new LinkedHashMap<>();
        double[] momentSum = new double[(int) x.getShape().get(0)];
        for (int n : orders) {
            double[] v = Flat.doubles(momentLoss(x, n));
            moments.put(n, v);
            for (int i = 0; i < v.length; i++) {
                momentSum[i] += v[i];
            }
        }
        double[] natural = Flat.doubles(powerLoss(x));
        double[] permuted = Flat.doubles(powerLoss(permute(x)));
        double[] total = new double[natural.length];
        double[] totalNatural = new double[natural.length];
        for (int i = 0; i < total.length; i++) {
            double p = switch (mode) {
                case NATURAL -> natural[i];
                case PERMUTED -> permuted[i];
                case BOTH -> 0.5 * (natural[i] + permuted[i]);
            };
            total[i] = momentSum[i] + lambdaPower * p;
            totalNatural[i] = momentSum[i] + lambdaPower * natural[i];
        }
        return new MpgrTerms(moments, natural, permuted, total, totalNatural);
    }

    /**
     * L_power in the natural order per sample, without gradients (what a report records every step): the same
     * values as {@code terms(batch).powerNatural()}, without computing the other terms (no permutation is drawn).
     */
    public double[] powerNatural(NDArray batch) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = Flat.flatten(batch.stopGradient());
        requireBlocks(x);
        return Flat.doubles(powerLoss(x));
    }

    /**
     * Closed-form value and gradient (no autograd graph) when the moment orders are within {1, 2}, the defaults;
     * autograd on {@link #perSample(NDArray)} otherwise. Draws the same permutations as {@link #perSample(NDArray)}.
     *
     * <p>One real FFT of every ordering's row (the natural row and/or the permuted one, batched), whose half spectrum
     * is read back to the host; there, in float64: the magnitudes, the block means of the full (mirrored) spectrum,
     * L_power and its weights g_k = ∂L/∂a_k = λ·sign(block mean − mu_power)/(16·blocks) (halved in BOTH mode), the
     * moments from the same spectrum (mean x = X_0/D, mean x² = Σ_k |X_k|²/D² by Parseval) and their losses. The
     * gradient is then one inverse real FFT: ∇ = irfft(r ⊙ X) with r_k = √D·c_k·(g_k + g_(D−k))/|X_k|
     * (c_k = ½ for bins with a mirror, 1 for bin 0 and the Nyquist bin; 0 where |X_k| is below the autograd path's
     * floor), the moment gradients folded in as r_k += sign(rms − 1)/(D·rms) (the gradient of L_2 is that multiple of
     * x = irfft(X)) and r_0 += sign(mean)/X_0 (L_1's constant gradient sign(mean)/D). The permuted row's gradient is
     * taken back to the natural order by a scatter with the same permutation.
     */
    @Override
    public Gradients.ValueAndGradient valueAndGradient(NDArray batch) {
        boolean has1 = false;
        boolean has2 = false;
        for (int n : orders) {
            has1 |= n == 1;
            has2 |= n == 2;
            if (n > 2) {
                return Gradients.autograd(this, batch);
            }
        }
        InputChecks.requireShapeAndType(batch, "latents");
        Shape shape = batch.getShape();
        int b = Math.toIntExact(shape.get(0));
        int d = Math.toIntExact(shape.size() / b);
        if (d < blockSize) {
            InputChecks.requireLatentBatch(batch, "latents");
            requireBlocks(batch.reshape(b, d));
        }
        boolean f64 = batch.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64;
        NDManager owner = batch.getManager();
        try (NDManager sub = owner.newSubManager()) {
            NDArray x = batch.stopGradient();
            x.attach(sub);
            boolean flatInput = shape.dimension() == 2;
            NDArray flat = flatInput ? x : x.reshape(b, d);
            NDArray perm = mode == PermutationMode.NATURAL ? null : permutations.draw(sub, b, d);
            NDArray rows = switch (mode) {
                case NATURAL -> flat;
                case PERMUTED -> flat.gather(perm, 1);
                case BOTH -> flat.concat(flat.gather(perm, 1), 0);
            };
            int nRows = mode == PermutationMode.BOTH ? 2 * b : b;
            int h = d / 2 + 1;
            NDArray spec = rows.rfft(d, 1); // complex (R, h)
            double[] reIm = FastPaths.hostComplex(spec, f64); // (R, h, 2) interleaved
            double weight = mode == PermutationMode.BOTH ? 0.5 * lambdaPower : lambdaPower;
            MpgrSpectra host = new MpgrSpectra(d, blockSize, muPower, weight, f64 ? 1e-60 : 1e-40);
            double[] r = new double[nRows * h];
            double[] power = new double[nRows];
            double[] values = new double[b];
            for (int row = 0; row < nRows; row++) {
                // the moments once per sample, on its first row (natural, or the permuted one in PERMUTED mode)
                double[] moments = row < b ? new double[1] : null;
                power[row] = host.row(reIm, row, r, row < b && has1, row < b && has2, moments);
                if (Double.isNaN(power[row])) {
                    // NaN or Inf (they reach every bin), an all-zero sample, or an overflow: the full check names the
                    // problem; if it passes, the generic path handles the extreme values exactly as perSample does
                    InputChecks.requireLatentBatch(batch, "latents");
                    return Gradients.autograd(this, batch);
                }
                if (row < b) {
                    values[row] = moments[0];
                }
            }
            for (int i = 0; i < b; i++) {
                double p = switch (mode) {
                    case NATURAL, PERMUTED -> power[i];
                    case BOTH -> 0.5 * (power[i] + power[b + i]);
                };
                values[i] += lambdaPower * p;
            }
            NDArray y = spec.mul(FastPaths.create(sub, r, new Shape(nRows, h), batch.getDataType()));
            NDArray g = y.irfft(d, 1); // (R, D)
            NDArray grad = switch (mode) {
                case NATURAL -> g;
                case PERMUTED -> g.zerosLike().scatter(perm, g, 1);
                case BOTH -> {
                    NDList parts = g.split(2, 0);
                    parts.attach(sub);
                    NDArray natural = parts.get(0);
                    yield natural.add(natural.zerosLike().scatter(perm, parts.get(1), 1));
                }
            };
            if (!flatInput) {
                grad = grad.reshape(shape);
            }
            grad.attach(owner);
            return new Gradients.ValueAndGradient(values, grad);
        }
    }

    /** L_n per sample for a flattened batch (B, D). */
    public static NDArray momentLoss(NDArray x, int n) {
        NDArray m = x.pow(num(x, n)).mean(new int[] {1});
        NDArray stat = n == 1 ? m.abs() : m.abs().pow(num(x, 1.0 / n));
        return stat.sub(num(x, momentTarget(n))).abs();
    }

    private NDArray momentSum(NDArray x) {
        NDArray sum = null;
        for (int n : orders) {
            NDArray l = momentLoss(x, n);
            sum = sum == null ? l : sum.add(l);
        }
        return sum == null ? x.sum(new int[] {1}).mul(num(x, 0.0)) : sum;
    }

    /** L_power per sample for a flattened batch (B, D) in the order given. */
    /** (L_power(x) + L_power(πx)) / 2 with both spectra taken in one batched FFT (rows 0..B-1 natural, B..2B-1 permuted). */
    private NDArray bothPowerLoss(NDArray x) {
        long b = x.getShape().get(0);
        NDArray both = powerLoss(x.concat(permute(x), 0));
        return both.get(":" + b).add(both.get(b + ":")).mul(num(x, 0.5));
    }

    NDArray powerLoss(NDArray x) {
        long b = x.getShape().get(0);
        long d = x.getShape().get(1);
        NDArray a = magnitudes(x).div(num(x, Math.sqrt(d)));
        long blocks = d / blockSize;
        NDArray kept = blocks * blockSize == d ? a : a.get(":, :" + (blocks * blockSize));
        NDArray means = kept.reshape(b, blocks, blockSize).mean(new int[] {2});
        return means.sub(num(x, muPower)).abs().mean(new int[] {1});
    }

    /**
     * |X_k| for all D bins, shape (B, D): a real FFT (bins 0..⌊D/2⌋) completed with the mirrored bins
     * |X_k| = |X_(D−k)|, k = ⌊D/2⌋+1..D−1. The square root is taken of max(|X_k|², ε²) with ε far below any
     * representable magnitude of interest (1e-30 in float64, 1e-20 in float32): the value is exact to
     * rounding, and where X_k = 0 the clamp gives a zero gradient instead of sqrt's infinite one.
     */
    static NDArray magnitudes(NDArray x) {
        int d = (int) x.getShape().get(1);
        NDArray spec = x.rfft(d, 1).real(); // (B, D/2+1, 2)
        NDArray p = spec.square().sum(new int[] {2});
        boolean f64 = x.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64;
        // the floor is an array that lives as long as p's manager: autograd saves it for the backward pass
        NDArray half = p.maximum(Flat.scalar(p, f64 ? (Number) 1e-60 : (Number) 1e-40f)).sqrt();
        int mirrored = d - (d / 2 + 1); // bins D/2+1 .. D-1 equal bins D-D/2-1 .. 1, reversed
        if (mirrored == 0) {
            return half;
        }
        NDArray tail = half.get(":, 1:" + (mirrored + 1)).flip(1);
        return half.concat(tail, 1);
    }

    private NDArray permute(NDArray x) {
        NDArray perm = permutations.draw(x.getManager(), (int) x.getShape().get(0), (int) x.getShape().get(1));
        return Permutations.apply(x, perm);
    }

    private void requireBlocks(NDArray x) {
        if (x.getShape().get(1) < blockSize) {
            throw new IllegalArgumentException("a sample of " + x.getShape().get(1) + " values is shorter than one "
                    + "spectral block of " + blockSize + " bins");
        }
    }

    /**
     * MPGR's terms per sample.
     *
     * @param moments       order n → L_n
     * @param powerNatural  L_power in the natural order
     * @param powerPermuted L_power on one fresh permutation
     * @param total         the total in the regularizer's mode
     * @param totalNatural  Σ L_n + λ_power·L_power(natural)
     */
    public record MpgrTerms(Map<Integer, double[]> moments, double[] powerNatural, double[] powerPermuted,
                            double[] total, double[] totalNatural) {
        /** L_1 per sample (NaN when order 1 is not configured). */
        public double[] l1() {
            return orderOrNaN(1);
        }

        /** L_2 per sample (NaN when order 2 is not configured). */
        public double[] l2() {
            return orderOrNaN(2);
        }

        private double[] orderOrNaN(int n) {
            double[] v = moments.get(n);
            if (v != null) {
                return v;
            }
            double[] nan = new double[total.length];
            Arrays.fill(nan, Double.NaN);
            return nan;
        }
    }

    /** Builder; every setting is optional and starts at its default. */
    public static final class Builder {
        private int[] orders = DEFAULT_ORDERS.clone();
        private double lambdaPower = DEFAULT_LAMBDA_POWER;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private double muPower = DEFAULT_MU_POWER;
        private PermutationMode mode = DEFAULT_MODE;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /** Moment orders (each ≥ 1, no repeats); none turns the moment part off. */
        public Builder optOrders(int... orders) {
            this.orders = orders.clone();
            return this;
        }

        public Builder optLambdaPower(double lambdaPower) {
            this.lambdaPower = lambdaPower;
            return this;
        }

        public Builder optBlockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Builder optMuPower(double muPower) {
            this.muPower = muPower;
            return this;
        }

        public Builder optPermutationMode(PermutationMode mode) {
            this.mode = mode;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Mpgr build() {
            if (Arrays.stream(orders).anyMatch(n -> n < 1) || Arrays.stream(orders).distinct().count() != orders.length) {
                throw new IllegalArgumentException("moment orders must be distinct and >= 1, got "
                        + Arrays.toString(orders));
            }
            if (!(lambdaPower >= 0) || !Double.isFinite(lambdaPower)) {
                throw new IllegalArgumentException("lambda_power must be >= 0, got " + lambdaPower);
            }
            if (blockSize < 1) {
                throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
            }
            if (!Double.isFinite(muPower)) {
                throw new IllegalArgumentException("mu_power must be finite, got " + muPower);
            }
            if (mode == null) {
                throw new IllegalArgumentException("permutation mode is missing");
            }
            return new Mpgr(this);
        }
    }
}
