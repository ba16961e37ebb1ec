package io.genalign.core.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.Reward;
import io.genalign.core.model.RewardContract;
import io.genalign.core.testing.GenalignTestBase;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The built-in rewards pass the generic reward suite, and their values match hand computations. */
class RewardsContractTest extends GenalignTestBase {
    static final Shape IMAGE = new Shape(1, 4, 4);

    /** logits = W·vec(x) + b with fixed random W, 3 classes. */
    static Classifier linear(NDManager m) {
        Random r = new Random(11);
        double[] w = new double[3 * 16];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian();
        }
        NDArray weights = m.create(w, new Shape(16, 3));
        return new Classifier() {
            @Override
            public String name() {
                return "linear";
            }

            @Override
            public Shape imageShape() {
                return IMAGE;
            }

            @Override
            public int numClasses() {
                return 3;
            }

            @Override
            public NDArray logits(NDArray images) {
                return images.reshape(images.getShape().get(0), 16).matMul(weights.toType(images.getDataType(), false));
            }
        };
    }

    static Discriminator linearDisc(NDManager m) {
        Classifier c = linear(m);
        return new Discriminator() {
            @Override
            public NDArray logits(NDArray images, Condition condition) {
                return c.logits(images).get(":, 0");
            }

            @Override
            public String name() {
                return "linear-d";
            }

            @Override
            public int featureDim() {
                return 3;
            }

            @Override
            public NDArray features(NDArray images) {
                return c.logits(images);
            }
        };
    }

    @Nested
    class ClassLogProbabilityContract extends RewardContract {
        @Override
        protected Reward newReward(NDManager m) {
            return new ClassLogProbability(linear(m), "classifier");
        }

        @Override
        protected Shape imageShape() {
            return IMAGE;
        }

        @Override
        protected Condition condition(int batch) {
            int[] ids = new int[batch];
            for (int i = 0; i < batch; i++) {
                ids[i] = i % 3;
            }
            return Condition.of(java.util.Collections.nCopies(batch, "x"), ids);
        }
    }

    @Nested
    class RealismContract extends RewardContract {
        @Override
        protected Reward newReward(NDManager m) {
            return new Realism(linearDisc(m), IMAGE);
        }

        @Override
        protected Shape imageShape() {
            return IMAGE;
        }
    }

    @Nested
    class ContrastContract extends RewardContract {
        @Override
        protected Reward newReward(NDManager m) {
            return new Contrast(IMAGE);
        }

        @Override
        protected Shape imageShape() {
            return IMAGE;
        }
    }

    @Test
    void classLogProbabilityIsTheLogSoftmaxOfTheRequestedClass() {
        NDArray x = manager.randomUniform(-1, 1, new Shape(2, 1, 4, 4), DataType.FLOAT64);
        Classifier c = linear(manager);
        double[] logits = c.logits(x).toDoubleArray();
        double[] r = new ClassLogProbability(c, "a").score(x, Condition.of(java.util.List.of("a", "b"),
                new int[] {2, 0})).toDoubleArray();
        for (int i = 0; i < 2; i++) {
            double lse = Math.log(Math.exp(logits[3 * i]) + Math.exp(logits[3 * i + 1]) + Math.exp(logits[3 * i + 2]));
            int cls = i == 0 ? 2 : 0;
            assertEquals(logits[3 * i + cls] - lse, r[i], 1e-12);
        }
    }

    @Test
    void realismIsLogSigmoidOfTheLogit() {
        NDArray x = manager.randomUniform(-1, 1, new Shape(3, 1, 4, 4), DataType.FLOAT64).mul(20);
        Discriminator d = linearDisc(manager);
        double[] logit = d.logits(x, Condition.repeat("x", 0, 3)).toDoubleArray();
        double[] r = new Realism(d, IMAGE).score(x, Condition.repeat("x", 0, 3)).toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double expected = logit[i] >= 0 ? -Math.log1p(Math.exp(-logit[i])) : logit[i] - Math.log1p(Math.exp(logit[i]));
            assertEquals(expected, r[i], 1e-12 * Math.max(1, Math.abs(expected)));
            assertTrue(r[i] <= 0);
        }
    }

    @Test
    void contrastIsThePixelStandardDeviation() {
        double[] v = {-1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1};
        NDArray x = manager.create(v, new Shape(1, 1, 4, 4));
        assertEquals(1.0, new Contrast(IMAGE).score(x, Condition.repeat("x", 0, 1)).getDouble(0), 1e-9);
        NDArray flat = manager.zeros(new Shape(1, 1, 4, 4), DataType.FLOAT64).add(0.3);
        assertEquals(0.0, new Contrast(IMAGE).score(flat, Condition.repeat("x", 0, 1)).getDouble(0), 1e-5);
    }
}
