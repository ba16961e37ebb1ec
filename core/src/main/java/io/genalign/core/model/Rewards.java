package io.genalign.core.model;

import io.genalign.core.rewards.Contrast;
import io.genalign.core.rewards.Realism;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rewards a command can name for a {@link ModelSet}: the set's own ({@link ModelSet#rewardNames()}) plus the
 * model-independent ones: {@code realism} (log σ of the set's discriminator logit; only when the set has a
 * discriminator) and {@code contrast} (the pixel standard deviation). A set's own reward of the same name wins.
 */
public final class Rewards {
    /** The model-independent reward names, in the order they are listed. */
    public static final List<String> INDEPENDENT = List.of("realism", "contrast");

    private Rewards() {}

    /** Every reward name accepted for {@code set}. */
    public static List<String> names(ModelSet set) {
        Set<String> n = new LinkedHashSet<>(set.rewardNames());
        if (set.discriminator().isPresent()) {
            n.add("realism");
        }
        n.add("contrast");
        return new ArrayList<>(n);
    }

    /** The reward {@code name} for {@code set}; an unknown name throws naming the accepted ones. */
    public static Reward create(ModelSet set, String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (set.rewardNames().contains(key)) {
            return set.reward(key);
        }
        switch (key) {
            case "contrast":
                return new Contrast(set.imageShape());
            case "realism":
                if (set.discriminator().isPresent()) {
                    return new Realism(set.discriminator().get(), set.imageShape());
                }
                throw new MissingPartException(set.name(), "discriminator", "the realism reward");
            default:
                throw new IllegalArgumentException("unknown reward '" + name + "' for model '" + set.name()
                        + "': expected one of " + String.join(", ", names(set)));
        }
    }

    /**
     * Parses {@code NAME[=WEIGHT]} terms (weight 1 when absent) for {@code flag}: names are checked against
     * {@link #names(ModelSet)}, weights must be finite and non-zero; a repeated name is an error. The messages name
     * {@code flag} and the term.
     */
    public static Map<String, Double> parseTerms(ModelSet set, List<String> terms, String flag) {
        return parseTerms(names(set), set.name(), terms, flag);
    }

    /** {@link #parseTerms(ModelSet, List, String)} against an explicit list of accepted names of model {@code model}. */
    public static Map<String, Double> parseTerms(List<String> accepted, String model, List<String> terms, String flag) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String s : terms) {
            String[] parts = s.split("=", 2);
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!accepted.contains(name)) {
                throw new IllegalArgumentException("unknown reward '" + parts[0] + "' in " + flag + ": model '"
                        + model + "' offers " + String.join(", ", accepted));
            }
            double w = 1.0;
            if (parts.length == 2) {
                try {
                    w = Double.parseDouble(parts[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad weight in " + flag + " " + s + ": not a number");
                }
                if (!Double.isFinite(w) || w == 0) {
                    throw new IllegalArgumentException("weight in " + flag + " " + s + " must be finite and non-zero");
                }
            }
            if (m.put(name, w) != null) {
                throw new IllegalArgumentException(flag + " names '" + name + "' twice");
            }
        }
        return m;
    }
}
