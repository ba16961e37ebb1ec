package io.genalign.core.preference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes preference pairs from any generator: per prompt, 2·n samples from seeded noise (engine seed
 * {@code seed·1009 + k} for the k-th prompt), paired as (0, 1), (2, 3), ...; the judge scores both images of a pair
 * and the higher score wins (a tie, equal scores to the last bit, goes to image a and is counted).
 */
public final class PairMaker {
    private PairMaker() {}

    /** The pairs and how many were ties. */
    public record Made(List<PreferencePairs.NewPair> pairs, int ties) {}

    /**
     * @param manager where the images live (the caller closes it after writing them)
     * @param prompts one single-entry condition per prompt (its prompt text and class id, -1 for text models)
     * @param perPrompt pairs per prompt
     */
    public static Made make(NDManager manager, Generator g, PreferenceJudge judge, List<Condition> prompts,
                            int perPrompt, long seed) {
        List<PreferencePairs.NewPair> out = new ArrayList<>();
        int ties = 0;
        for (int k = 0; k < prompts.size(); k++) {
            String prompt = prompts.get(k).prompts().get(0);
            int c = prompts.get(k).classId(0);
            Engine.getInstance().setRandomSeed((int) (seed * 1009 + k));
            NDArray z = manager.randomNormal(new Shape(2L * perPrompt).addAll(g.latentShape()));
            Condition cond = Condition.repeat(prompt, c, 2 * perPrompt);
            NDArray images = g.generate(z, cond).stopGradient();
            double[] score = judge.score(images, cond);
            for (int i = 0; i < perPrompt; i++) {
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
