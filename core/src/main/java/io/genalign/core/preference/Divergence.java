package io.genalign.core.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.runtime.Tensors;
import java.util.Locale;

/**
 * An f-divergence for preference alignment: its kind and, for {@link DivergenceKind#ALPHA}, its alpha in
 * (0, 1). Gives the implied-reward map phi(s) = f'(e^s) on tensors (differentiable) and on doubles, and its
 * derivative phi'(s). See {@link DivergenceKind} for the formulas.
 *
 * @param kind  the family
 * @param alpha alpha for ALPHA, NaN otherwise
 */
public record Divergence(DivergenceKind kind, double alpha) {
    /** The alpha presets of the experiments (f-DPO's released set). */
    public static final double[] ALPHA_PRESETS = {0.3, 0.5, 0.7};
    private static final double LOG2 = Math.log(2.0);
    /**
     * Cap on the exponent of FORWARD_KL's e^(−s) and ALPHA's e^(−alpha s) (as TRL's {@code cap_exp}): beyond
     * it, phi is held at its value at the cap and its gradient is 0. e^50 ≈ 5.2e21 leaves room for the
     * factors beta_out and kappa and for the difference phi(s_w) − phi(s_l) in float32, whose exp overflows at
     * 88.7; uncapped, a strongly suppressed winner and loser (s ≪ 0 for both) gave −inf − (−inf) = NaN.
     */
    public static final double EXP_CAP = 50.0;

    public Divergence {
        if (kind == null) {
            throw new IllegalArgumentException("divergence kind is missing");
        }
        if (kind == DivergenceKind.ALPHA) {
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1) (f-DPO's convention), got " + alpha);
            }
        } else {
            alpha = Double.NaN;
        }
    }

    public static Divergence reverseKl() {
        return new Divergence(DivergenceKind.REVERSE_KL, Double.NaN);
    }

    public static Divergence forwardKl() {
        return new Divergence(DivergenceKind.FORWARD_KL, Double.NaN);
    }

    public static Divergence jensenShannon() {
        return new Divergence(DivergenceKind.JENSEN_SHANNON, Double.NaN);
    }

    public static Divergence alpha(double alpha) {
        return new Divergence(DivergenceKind.ALPHA, alpha);
    }

    /**
     * Parses a CLI name: {@code reverse-kl}, {@code forward-kl}, {@code js} (or {@code jensen-shannon}),
     * {@code alpha:A} with A in (0, 1). Case-insensitive; underscores work as dashes.
     */
    public static Divergence parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (n) {
            case "reverse-kl":
            case "kl":
                return reverseKl();
            case "forward-kl":
                return forwardKl();
            case "js":
            case "jensen-shannon":
                return jensenShannon();
            default:
                if (n.startsWith("alpha:") || n.startsWith("alpha=")) {
                    try {
                        return alpha(Double.parseDouble(n.substring(6)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("cannot read alpha in '" + name + "'");
                    }
                }
                throw new IllegalArgumentException("unknown divergence '" + name + "': expected reverse-kl, forward-kl, "
                        + "js or alpha:A with 0 < A < 1 (e.g. alpha:0.5)");
        }
    }

    /** A stable name: reverse-kl, forward-kl, js, alpha:0.5. */
    public String label() {
        switch (kind) {
            case REVERSE_KL:
                return "reverse-kl";
            case FORWARD_KL:
                return "forward-kl";
            case JENSEN_SHANNON:
                return "js";
            default:
                return "alpha:" + alpha;
        }
    }

    /** phi(s) elementwise, differentiable; s must be float32 or float64. */
    public NDArray phi(NDArray s) {
        switch (kind) {
            case REVERSE_KL:
                return s.mul(num(s, 1.0));
            case FORWARD_KL:
                return s.neg().minimum(num(s, EXP_CAP)).exp().neg();
            case JENSEN_SHANNON:
                return StableMath.softplus(s.neg()).neg().add(num(s, LOG2));
            case ALPHA:
                return s.mul(num(s, -alpha)).minimum(num(s, EXP_CAP)).exp().neg().add(num(s, 1.0))
                        .div(num(s, alpha));
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** phi(s) on a double. */
    public double phi(double s) {
        switch (kind) {
            case REVERSE_KL:
                return s;
            case FORWARD_KL:
                return -Math.exp(Math.min(-s, EXP_CAP));
            case JENSEN_SHANNON:
                return LOG2 - StableMath.softplus(-s);
            case ALPHA:
                return -Math.expm1(Math.min(-alpha * s, EXP_CAP)) / alpha;
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /**
     * phi'(s) on a double: 1, e^(-s), sigmoid(-s), e^(-alpha s) (the uncapped derivative; see
     * {@link #EXP_CAP}).
     */
    public double phiPrime(double s) {
        switch (kind) {
            case REVERSE_KL:
                return 1.0;
            case FORWARD_KL:
                return Math.exp(-s);
            case JENSEN_SHANNON:
                return StableMath.sigmoid(-s);
            case ALPHA:
                return Math.exp(-alpha * s);
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** Whether phi is held at the exponent cap at s (FORWARD_KL: −s &gt; cap; ALPHA: −alpha s &gt; cap). */
    public boolean capped(double s) {
        switch (kind) {
            case FORWARD_KL:
                return -s > EXP_CAP;
            case ALPHA:
                return -alpha * s > EXP_CAP;
            default:
                return false;
        }
    }

    /** sup over s of phi: +inf, 0, log 2, 1/alpha; the cap on the implied reward. */
    public double supPhi() {
        switch (kind) {
            case REVERSE_KL:
                return Double.POSITIVE_INFINITY;
            case FORWARD_KL:
                return 0.0;
            case JENSEN_SHANNON:
                return LOG2;
            default:
                return 1.0 / alpha;
        }
    }

    /**
     * The scalar {@code v} as a 0-d array of {@code like}'s float type in {@code like}'s manager. Not a Number: DJL's
     * {@code op(Number)} overloads free the scalar right after the op although autograd may read it in the backward
     * pass (sporadically garbage gradients); an array lives until its manager closes. Same value, same op.
     */
    static NDArray num(NDArray like, double v) {
        return Tensors.scalar(like, v);
    }
}
