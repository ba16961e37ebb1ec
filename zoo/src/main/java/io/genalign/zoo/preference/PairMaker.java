package io.genalign.zoo.preference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.zoo.Prompts;
import java.util.ArrayList;
import java.util.List;

/**
 * Preference pairs for the built-in class-conditional models, by class id: a thin adapter over the one
 * implementation, {@link io.genalign.core.preference.PairMaker} (same seeds, same pairs).
 */
public final class PairMaker {
    private PairMaker() {}

    /** The pairs and how many were ties. */
    public record Made(List<PreferencePairs.NewPair> pairs, int ties) {}

    /**
     * @param manager where the images live (the caller closes it after writing them)
     * @param classes class ids to make pairs for
     * @param perClass pairs per class
     */
    public static Made make(NDManager manager, Generator g, PreferenceJudge judge, int[] classes, int perClass,
                            long seed) {
        List<Condition> prompts = new ArrayList<>();
        for (int c : classes) {
            prompts.add(Condition.repeat(Prompts.className(c), c, 1));
        }
        io.genalign.core.preference.PairMaker.Made m = io.genalign.core.preference.PairMaker.make(manager, g, judge,
                prompts, perClass, seed);
        return new Made(m.pairs(), m.ties());
    }
}
