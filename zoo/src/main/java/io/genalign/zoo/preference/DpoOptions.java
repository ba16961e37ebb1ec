package io.genalign.zoo.preference;

import io.genalign.core.optim.WarmUp;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.FDpoLoss;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of an f-divergence Diffusion-DPO run; the defaults (this class's constants) are the one source of
 * the CLI's defaults. The schedule is Diffusion-DPO's "constant with warm-up": the learning rate rises linearly
 * from 0 to {@code learningRate} over {@code warmupSteps}, then stays.
 *
 * @param divergence      the f-divergence
 * @param betaDpo         beta_dpo; kappa = beta_dpo/2 multiplies Delta (project convention 3)
 * @param betaOut         the outer scale of the margin
 * @param learningRate    AdamW's peak learning rate
 * @param weightDecay     AdamW's decoupled weight decay
 * @param warmupSteps     linear warm-up steps
 * @param gradClip        global gradient-norm clip (0 = off)
 * @param steps           optimisation steps
 * @param pairsPerStep    preference pairs per step (a batch of 2x images)
 * @param seed            seed of the pair order, timesteps and noise
 * @param checkpointEvery steps between checkpoints
 */
public record DpoOptions(Divergence divergence, double betaDpo, double betaOut, float learningRate, float weightDecay,
                         int warmupSteps, double gradClip, int steps, int pairsPerStep, long seed,
                         int checkpointEvery) {
    /**
     * Default beta_dpo for the zoo's diffusion model. Its per-sample mean-reduced MSE differences are of order
     * 1e-3 after a few steps, so kappa = 500 puts s = −kappa·Delta in the range where the divergences differ
     * (|s| ~ 0.1..3); Diffusion-DPO's 5000 is for SD latents.
     */
    public static final double DEFAULT_BETA_DPO = 1000;
    public static final double DEFAULT_BETA_OUT = FDpoLoss.DEFAULT_BETA_OUT;
    public static final float DEFAULT_LEARNING_RATE = 1e-4f;
    /** AdamW weight decay, Diffusion-DPO's code default. */
    public static final float DEFAULT_WEIGHT_DECAY = 1e-2f;
    public static final int DEFAULT_WARMUP = 20;
    /** Diffusion-DPO's code default. */
    public static final double DEFAULT_GRAD_CLIP = 1.0;
    public static final int DEFAULT_STEPS = 150;
    public static final int DEFAULT_PAIRS_PER_STEP = 16;
    public static final int DEFAULT_CHECKPOINT_EVERY = 25;

    public DpoOptions {
        if (divergence == null) {
            throw new IllegalArgumentException("a divergence is required");
        }
        positive(betaDpo, "beta_dpo");
        positive(betaOut, "beta_out");
        positive(learningRate, "learning rate");
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (warmupSteps < 0 || steps < 1 || pairsPerStep < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("warm-up must be >= 0 and steps, pairs per step and checkpoint "
                    + "interval >= 1 (got " + warmupSteps + ", " + steps + ", " + pairsPerStep + ", " + checkpointEvery
                    + ")");
        }
        if (!(gradClip >= 0)) {
            throw new IllegalArgumentException("gradient clip must be >= 0 (0 = off), got " + gradClip);
        }
    }

    private static void positive(double v, String what) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite number > 0, got " + v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The loss these options define. */
    public FDpoLoss loss() {
        return FDpoLoss.builder().setDivergence(divergence).optBetaDpo(betaDpo).optBetaOut(betaOut).build();
    }

    /** The learning rate at (1-based) step {@code step}. */
    public float learningRateAt(int step) {
        return WarmUp.linear(learningRate, warmupSteps, step);
    }

    /** For provenance. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("divergence", divergence.label());
        m.put("beta_dpo", betaDpo);
        m.put("kappa", betaDpo / 2);
        m.put("beta_out", betaOut);
        m.put("optimizer", "AdamW(lr=" + learningRate + ", betas=(0.9, 0.999), eps=1e-8, weight_decay=" + weightDecay
                + ")");
        m.put("warmup_steps", warmupSteps);
        m.put("grad_clip", gradClip);
        m.put("steps", steps);
        m.put("pairs_per_step", pairsPerStep);
        m.put("seed", seed);
        m.put("checkpoint_every", checkpointEvery);
        return m;
    }

    /** Builder; only the divergence is required. */
    public static final class Builder {
        private Divergence divergence;
        private double betaDpo = DEFAULT_BETA_DPO;
        private double betaOut = DEFAULT_BETA_OUT;
        private float learningRate = DEFAULT_LEARNING_RATE;
        private float weightDecay = DEFAULT_WEIGHT_DECAY;
        private int warmupSteps = DEFAULT_WARMUP;
        private double gradClip = DEFAULT_GRAD_CLIP;
        private int steps = DEFAULT_STEPS;
        private int pairsPerStep = DEFAULT_PAIRS_PER_STEP;
        private long seed;
        private int checkpointEvery = DEFAULT_CHECKPOINT_EVERY;

        public Builder setDivergence(Divergence d) {
            divergence = d;
            return this;
        }

        public Builder optBetaDpo(double v) {
            betaDpo = v;
            return this;
        }

        public Builder optBetaOut(double v) {
            betaOut = v;
            return this;
        }

        public Builder optLearningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder optWeightDecay(float v) {
            weightDecay = v;
            return this;
        }

        public Builder optWarmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder optGradClip(double v) {
            gradClip = v;
            return this;
        }

        public Builder optSteps(int v) {
            steps = v;
            return this;
        }

        public Builder optPairsPerStep(int v) {
            pairsPerStep = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        public Builder optCheckpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public DpoOptions build() {
            return new DpoOptions(divergence, betaDpo, betaOut, learningRate, weightDecay, warmupSteps, gradClip, steps,
                    pairsPerStep, seed, checkpointEvery);
        }
    }
}
