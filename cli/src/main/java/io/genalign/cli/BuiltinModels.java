package io.genalign.cli;

import ai.djl.ndarray.NDManager;
import io.genalign.core.model.Reward;
import io.genalign.core.model.Rewards;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.rewards.ClassLogProbability;
import io.genalign.core.rewards.Contrast;
import io.genalign.core.rewards.Realism;
import io.genalign.zoo.Prompts;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooDiffusion;
import io.genalign.zoo.arch.Architectures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rewards the CLI builds from the zoo, by name. */
final class BuiltinModels {
    /** Accepted reward names. */
    static final List<String> REWARDS = List.of("classifier-a", "classifier-b", "realism", "contrast");

    private BuiltinModels() {}

    /**
     * The diffusion model: the zoo's, or the weights in {@code base} (a {@code policy.params} of a DPO run or a
     * {@code diffusion.params} of {@code genalign zoo train diffusion}), with the default DDIM sampler.
     */
    static ZooDiffusion diffusion(NDManager m, Path base) throws IOException {
        return base == null ? Zoo.diffusion(m) : Zoo.diffusionFromFile(m, base);
    }

    /** The diffusion weights as bytes: the zoo's (sha256-checked) or the file {@code base}. */
    static byte[] diffusionWeights(Path base) throws IOException {
        return base == null ? Zoo.diffusionWeights() : Files.readAllBytes(base);
    }

    /** Class ids of built-in prompts (all ten when empty). */
    static int[] classes(List<String> prompts) {
        if (prompts.isEmpty()) {
            int[] all = new int[Prompts.classNames().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] c = new int[prompts.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = Prompts.classOf(prompts.get(i));
        }
        return c;
    }

    /** Default terms of the preference judge (the "human value" proxies; classifier A stays a separate axis). */
    static final List<String> DEFAULT_JUDGE = List.of("realism=1", "contrast=1");

    /** A preference judge from {@code NAME[=WEIGHT]} terms (see {@link #reward}); the rewards live in {@code m}. */
    static PreferenceJudge judge(List<String> terms, NDManager m) {
        PreferenceJudge.Builder b = PreferenceJudge.builder();
        for (Map.Entry<String, Double> e : parseTerms(terms.isEmpty() ? DEFAULT_JUDGE : terms, "--judge")
                .entrySet()) {
            b.add(reward(e.getKey(), m), e.getValue());
        }
        return b.build();
    }

    /** {@code NAME[=WEIGHT]} terms of {@code flag}, names from {@link #REWARDS}, weights finite and non-zero. */
    static Map<String, Double> parseTerms(List<String> specs, String flag) {
        return Rewards.parseTerms(REWARDS, "builtin", specs, flag);
    }

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
