package io.genalign.cli;

import ai.djl.ndarray.NDManager;
import io.genalign.core.model.Reward;
import io.genalign.core.rewards.ClassLogProbability;
import io.genalign.core.rewards.Contrast;
import io.genalign.core.rewards.Realism;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.arch.Architectures;
import java.util.List;
import java.util.Locale;

/** The rewards the CLI builds from the zoo, by name. */
final class BuiltinModels {
    /** Accepted reward names. */
    static final List<String> REWARDS = List.of("classifier-a", "classifier-b", "realism", "contrast");

    private BuiltinModels() {}

    /**
     * A reward by name: {@code classifier-a} and {@code classifier-b} give log p(prompt's class | image) under that
     * classifier, {@code realism} the discriminator's log σ(logit), {@code contrast} the pixel standard deviation.
     */
    static Reward reward(String name, NDManager m) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "classifier-a":
                return new ClassLogProbability(Zoo.classifierA(m), "classifier-a");
            case "classifier-b":
                return new ClassLogProbability(Zoo.classifierB(m), "classifier-b");
            case "realism":
                return new Realism(Zoo.discriminator(m), Architectures.IMAGE);
            case "contrast":
                return new Contrast(Architectures.IMAGE);
            default:
                throw new IllegalArgumentException("unknown reward '" + name + "': expected one of "
                        + String.join(", ", REWARDS));
        }
    }
}
