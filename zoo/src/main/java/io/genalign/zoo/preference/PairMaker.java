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
 * Makes preference pairs from a generator: per prompt (class), 2·n samples from seeded noise, paired as
 * (0, 1), (2, 3), ...; the judge scores both images of a pair and the higher score wins (a tie, equal scores to
 * the last bit, goes to image a and is counted).
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
        List<PreferencePairs.NewPair> out = new ArrayList<>();
        int ties = 0;
        for (int k = 0; k < classes.length; k++) {
            int c = classes[k];
            String prompt = Prompts.className(c);
            Engine.getInstance().setRandomSeed((int) (seed * 1009 + k));
            NDArray z = manager.randomNormal(new Shape(2L * perClass).addAll(g.latentShape()));
            Condition cond = Condition.repeat(prompt, c, 2 * perClass);
            NDArray images = g.generate(z, cond).stopGradient();
            double[] score = judge.score(images, cond);
            for (int i = 0; i < perClass; i++) {
                double a = score[2 * i];
                double b = score[2 * i + 1];
                if (a == b) {
                    ties++;
                }
                out.add(new PreferencePairs.NewPair(prompt, c, images.get(2 * i), images.get(2 * i + 1),
                        b > a ? PreferencePairs.Winner.B : PreferencePairs.Winner.A, a, b));
            }
        }
        return new Made(out, ties);
    }
}
