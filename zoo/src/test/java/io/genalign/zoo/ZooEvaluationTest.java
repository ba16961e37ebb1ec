package io.genalign.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genalign.core.eval.InceptionLikeScore;
import org.junit.jupiter.api.Test;

class ZooEvaluationTest {
    /** Confident, class-consistent samples in class order: 20 rows per class, one-hot on their class. */
    private static double[][] perfectClassOrdered(int perClass) {
        double[][] p = new double[10 * perClass][10];
        for (int i = 0; i < p.length; i++) {
            p[i][i / perClass] = 1.0;
        }
        return p;
    }

    @Test
    void classOrderedSamplesAreScoredWithEveryClassInEverySplit() {
        double[][] p = perfectClassOrdered(20);
        // split in class order, each split holds one class and the score collapses to 1
        assertEquals(1.0, InceptionLikeScore.score(p, 10).mean(), 1e-12);
        // interleaved, every split of 20 rows holds two rows of each class: exp(ln 10) = 10
        assertEquals(10.0, ZooEvaluation.classMixedScore(p, 20), 1e-9);
    }

    @Test
    void samplesThatAllLookAlikeScoreOneInAnyOrder() {
        double[][] p = new double[10 * 30][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {0.7, 0.3, 0, 0, 0, 0, 0, 0, 0, 0};
        }
        assertEquals(1.0, ZooEvaluation.classMixedScore(p, 30), 1e-12);
    }
}
