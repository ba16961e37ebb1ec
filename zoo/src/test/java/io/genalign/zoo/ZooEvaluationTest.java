package io.genalign.zoo;

import static io.genalign.core.testing.Tolerances.METRIC_RTOL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genalign.core.eval.InceptionLikeScore;
import org.junit.jupiter.api.Assertions;
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
        assertEquals(1.0, InceptionLikeScore.score(p, 10).mean(), METRIC_RTOL);
        // interleaved, every split of 20 rows holds two rows of each class: exp(ln 10) = 10
        assertEquals(10.0, ZooEvaluation.classMixedScore(p, 20), 1e-9);
    }

    @Test
    void samplesThatAllLookAlikeScoreOneInAnyOrder() {
        double[][] p = new double[10 * 30][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {0.7, 0.3, 0, 0, 0, 0, 0, 0, 0, 0};
        }
        assertEquals(1.0, ZooEvaluation.classMixedScore(p, 30), METRIC_RTOL);
    }

    @Test
    void anyOrderOfKnownClassesIsDealtRoundRobin() {
        // 3 classes, 10 rows each, shuffled by a fixed interleave; confident and correct: score 3 in every split
        double[][] p = new double[30][];
        int[] classes = new int[30];
        for (int i = 0; i < 30; i++) {
            classes[i] = (i * 7) % 3;
            p[i] = new double[] {0, 0, 0};
            p[i][classes[i]] = 1.0;
        }
        assertEquals(3.0, ZooEvaluation.classMixedScore(p, classes, 10), 1e-9);
        // unequal class sizes: 20 rows of class 0 then 10 of class 1; one split sees the whole mixture
        int[] uneven = new int[30];
        double[][] q = new double[30][];
        for (int i = 0; i < 30; i++) {
            uneven[i] = i < 20 ? 0 : 1;
            q[i] = uneven[i] == 0 ? new double[] {1, 0} : new double[] {0, 1};
        }
        assertEquals(InceptionLikeScore.score(q), ZooEvaluation.classMixedScore(q, uneven, 1), METRIC_RTOL);
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> ZooEvaluation.classMixedScore(q, new int[3], 1));
    }
}
