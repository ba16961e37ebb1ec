package io.genalign.api;

import io.genalign.core.model.ModelSet;
import io.genalign.core.model.Rewards;
import io.genalign.core.preference.PreferenceJudge;
import java.util.List;
import java.util.Map;

/** Preference judges made of a model set's rewards ({@code NAME[=WEIGHT]} terms). */
public final class Judges {
    private Judges() {}

    /** The judge of {@code terms} (the set's {@link ModelSet#defaultJudge()} when empty); {@code flag} names errors. */
    public static PreferenceJudge of(ModelSet set, List<String> terms, String flag) {
        Map<String, Double> t = terms.isEmpty() ? set.defaultJudge() : Rewards.parseTerms(set, terms, flag);
        PreferenceJudge.Builder b = PreferenceJudge.builder();
        for (Map.Entry<String, Double> e : t.entrySet()) {
            b.add(Rewards.create(set, e.getKey()), e.getValue());
        }
        return b.build();
    }
}
