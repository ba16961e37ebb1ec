package io.genalign.core.noise;

import io.genalign.core.model.Reward;

/** A reward and its weight in the optimised target: target = Σ weight·reward. */
public record WeightedReward(Reward reward, double weight) {
    public WeightedReward {
        if (reward == null) {
            throw new IllegalArgumentException("reward is missing (null)");
        }
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight of reward " + reward.name() + " must be finite, got " + weight);
        }
    }
}
