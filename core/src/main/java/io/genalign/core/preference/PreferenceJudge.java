package io.genalign.core.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.genalign.core.model.Condition;
import io.genalign.core.noise.WeightedReward;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Labels preference pairs: the judge's score of an image is J(x, c) = Σ_k w_k·r_k(x, c) over weighted rewards,
 * and of two images of the same prompt the one with the higher score wins. The rewards are not closed by the
 * judge (their owner closes them). Deterministic.
 */
public final class PreferenceJudge {
    private final List<WeightedReward> terms;

    private PreferenceJudge(List<WeightedReward> terms) {
        this.terms = List.copyOf(terms);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<WeightedReward> terms() {
        return terms;
    }

    /** J per image, shape (B) as doubles; no gradients are recorded. */
    public double[] score(NDArray images, Condition condition) {
        double[] out = new double[(int) images.getShape().get(0)];
        for (WeightedReward t : terms) {
            double[] r = t.reward().score(images, condition).stopGradient().toType(DataType.FLOAT64, false)
                    .toDoubleArray();
            for (int i = 0; i < out.length; i++) {
                out[i] += t.weight() * r[i];
            }
        }
        return out;
    }

    /** A readable formula, e.g. {@code 1*classifier-a + 0.5*realism}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (WeightedReward t : terms) {
            parts.add(String.format(Locale.ROOT, "%s*%s", trim(t.weight()), t.reward().name()));
        }
        return String.join(" + ", parts);
    }

    private static String trim(double w) {
        return w == Math.rint(w) ? String.valueOf((long) w) : String.valueOf(w);
    }

    /** Builder: at least one reward with a non-zero weight. */
    public static final class Builder {
        private final List<WeightedReward> terms = new ArrayList<>();

        public Builder add(io.genalign.core.model.Reward reward, double weight) {
            terms.add(new WeightedReward(reward, weight));
            return this;
        }

        public PreferenceJudge build() {
            if (terms.stream().noneMatch(t -> t.weight() != 0)) {
                throw new IllegalArgumentException("a preference judge needs at least one reward with a non-zero "
                        + "weight");
            }
            return new PreferenceJudge(terms);
        }
    }
}
