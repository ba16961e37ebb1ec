package io.genalign.core.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Diffusion-DPO generalised to f-divergences (project convention "Form A-code").
 *
 * <p>Per preference pair, with Delta = (policy MSE − reference MSE) of the winner (Delta_w) and the loser
 * (Delta_l), both mean-reduced over the image dimensions, at a timestep and noise that winner and loser share:
 * <pre>
 *   s = −kappa·Delta,  kappa = beta_dpo / 2
 *   M = beta_out·(phi(s_w) − phi(s_l))
 *   loss = softplus(−M) = −log sigmoid(M)
 * </pre>
 * with phi from the {@link Divergence}. For REVERSE_KL and beta_out = 1 this is exactly the official
 * Diffusion-DPO loss {@code −logsigmoid(−0.5·beta_dpo·(model_diff − ref_diff))}. At Delta_w = Delta_l = 0 (the
 * policy equals the reference) the loss is log 2 for every divergence and every beta. Only REVERSE_KL is
 * invariant to kappa: for the others kappa sits inside the nonlinearity, so kappa and beta_out are separate.
 *
 * <p>Gradients: dL/dDelta_w = beta_out·kappa·sigmoid(−M)·phi'(s_w) and dL/dDelta_l =
 * −beta_out·kappa·sigmoid(−M)·phi'(s_l), per pair; {@link #compute} returns tensors on the autograd graph.
 */
public final class FDpoLoss {
    /** Diffusion-DPO's beta_dpo of its SD1.5 launcher. */
    public static final double DEFAULT_BETA_DPO = 5000.0;
    /** Default outer scale of the margin. */
    public static final double DEFAULT_BETA_OUT = 1.0;

    private final Divergence divergence;
    private final double kappa;
    private final double betaOut;

    private FDpoLoss(Divergence divergence, double kappa, double betaOut) {
        this.divergence = divergence;
        this.kappa = kappa;
        this.betaOut = betaOut;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Divergence divergence() {
        return divergence;
    }

    public double kappa() {
        return kappa;
    }

    public double betaOut() {
        return betaOut;
    }

    /** Per-pair quantities of one batch; tensors have shape (P) and stay on the autograd graph. */
    public record Result(Divergence divergence, NDArray sW, NDArray sL, NDArray margin, NDArray loss) {
        /** The batch loss: the mean over pairs. */
        public NDArray meanLoss() {
            return loss.mean();
        }

        /**
         * The share of log-ratios (winners and losers together) at which phi was held at the exponent cap
         * ({@link Divergence#EXP_CAP}); 0 for REVERSE_KL and JENSEN_SHANNON.
         */
        public double cappedShare() {
            double[] w = sW.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] l = sL.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            int n = 0;
            for (int i = 0; i < w.length; i++) {
                n += (divergence.capped(w[i]) ? 1 : 0) + (divergence.capped(l[i]) ? 1 : 0);
            }
            return n / (2.0 * w.length);
        }

        /** The fraction of pairs with M &gt; 0 (strict), Diffusion-DPO's implicit accuracy. */
        public double implicitAccuracy() {
            double[] m = margin.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            int n = 0;
            for (double v : m) {
                if (v > 0) {
                    n++;
                }
            }
            return (double) n / m.length;
        }
    }

    /**
     * Loss terms for Delta_w and Delta_l of shape (P), float32 or float64.
     *
     * @throws IllegalArgumentException if the shapes differ, are not 1-D or empty, or hold NaN or Inf
     */
    public Result compute(NDArray deltaW, NDArray deltaL) {
        if (deltaW.getShape().dimension() != 1 || !deltaW.getShape().equals(deltaL.getShape())) {
            throw new IllegalArgumentException("Delta_w and Delta_l must be 1-D of equal length, got " + deltaW.getShape()
                    + " and " + deltaL.getShape());
        }
        if (deltaW.getShape().size() == 0) {
            throw new IllegalArgumentException("no preference pairs (empty Delta)");
        }
        for (NDArray d : new NDArray[] {deltaW, deltaL}) {
            try (NDArray bad = d.stopGradient().isNaN().logicalOr(d.stopGradient().isInfinite()).any()) {
                if (bad.getBoolean()) {
                    throw new IllegalArgumentException("Delta holds NaN or infinite values");
                }
            }
        }
        NDArray sW = deltaW.mul(Divergence.num(deltaW, -kappa));
        NDArray sL = deltaL.mul(Divergence.num(deltaL, -kappa));
        NDArray margin = divergence.phi(sW).sub(divergence.phi(sL)).mul(Divergence.num(sW, betaOut));
        NDArray loss = StableMath.softplus(margin.neg());
        return new Result(divergence, sW, sL, margin, loss);
    }

    /** Reference per-pair loss on doubles (for logging and tests). */
    public double loss(double deltaW, double deltaL) {
        return StableMath.softplus(-margin(deltaW, deltaL));
    }

    /** Reference per-pair margin on doubles. */
    public double margin(double deltaW, double deltaL) {
        return betaOut * (divergence.phi(-kappa * deltaW) - divergence.phi(-kappa * deltaL));
    }

    /** Builder: the divergence is required; beta_dpo (or kappa) and beta_out are optional. */
    public static final class Builder {
        private Divergence divergence;
        private double kappa = DEFAULT_BETA_DPO / 2;
        private double betaOut = DEFAULT_BETA_OUT;

        public Builder setDivergence(Divergence divergence) {
            this.divergence = divergence;
            return this;
        }

        /** Sets kappa = beta_dpo / 2. */
        public Builder optBetaDpo(double betaDpo) {
            this.kappa = betaDpo / 2;
            return this;
        }

        public Builder optKappa(double kappa) {
            this.kappa = kappa;
            return this;
        }

        public Builder optBetaOut(double betaOut) {
            this.betaOut = betaOut;
            return this;
        }

        public FDpoLoss build() {
            if (divergence == null) {
                throw new IllegalArgumentException("a divergence is required");
            }
            if (!(kappa > 0) || !Double.isFinite(kappa)) {
                throw new IllegalArgumentException("kappa (beta_dpo/2) must be > 0, got " + kappa);
            }
            if (!(betaOut > 0) || !Double.isFinite(betaOut)) {
                throw new IllegalArgumentException("beta_out must be > 0, got " + betaOut);
            }
            return new FDpoLoss(divergence, kappa, betaOut);
        }
    }
}
