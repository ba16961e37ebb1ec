package io.genalign.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.Reward;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.LiveArrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NoiseOptimizerTest extends GenalignTestBase {

    /** images = z (identity; latent and image shape 1 x 4 x 4). */
    static final class IdentityGenerator implements Generator {
        @Override
        public Shape latentShape() {
            return new Shape(1, 4, 4);
        }

        @Override
        public Shape imageShape() {
            return new Shape(1, 4, 4);
        }

        @Override
        public NDArray generate(NDArray latents, Condition condition) {
            return latents.mul(1.0);
        }
    }

    /** r(x) = -||x - c||^2 per image, c = 0.5 everywhere. */
    static final class Quadratic implements Reward {
        @Override
        public String name() {
            return "quadratic";
        }

        @Override
        public NDArray score(NDArray images, Condition condition) {
            return images.sub(0.5).square().sum(new int[] {1, 2, 3}).neg();
        }
    }

    /** r(x) = mean(x): rewards ever brighter images, a reward that a latent can hack by leaving the shell. */
    static final class Brightness implements Reward {
        @Override
        public String name() {
            return "brightness";
        }

        @Override
        public NDArray score(NDArray images, Condition condition) {
            return images.reshape(images.getShape().get(0), -1).mean(new int[] {1});
        }
    }

    private NDArray gauss(int b, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[b * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return manager.create(v, new Shape(b, 1, 4, 4));
    }

    private NoiseOptimizer.Builder base(int b) {
        return NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, b)).addTarget(new Quadratic(), 1.0);
    }

    /**
     * Alignment frees its per-step temporaries: for both update rules, with a regularizer and with the preconditioned
     * update, the latents' manager holds as many arrays after step 100 as after step 10.
     */
    @Test
    void stepsLeaveNoArraysBehind() {
        for (UpdateRule rule : UpdateRule.values()) {
            for (UpdateMode mode : UpdateMode.values()) {
                NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optRule(rule).optUpdateMode(mode)
                        .optSteps(100).optLearningRate(0.01).build();
                try (NDManager m = manager.newSubManager()) {
                    NDArray z0 = gauss(4, 11);
                    z0.attach(m);
                    NoiseOptimizer.Builder b = base(4).optOptions(opts);
                    if (mode == UpdateMode.REGULARIZED) {
                        b.optRegularizer(Regularizers.create("mpgr", SEED));
                    }
                    try (NoiseOptimizer opt = b.build()) {
                        opt.initialise(z0);
                        int afterTen = 0;
                        for (int t = 0; t < 100; t++) {
                            opt.step();
                            if (t == 9) {
                                afterTen = LiveArrays.count(m);
                            }
                        }
                        assertTrue(opt.isFinished());
                        assertEquals(afterTen, LiveArrays.count(m), rule + ", " + mode
                                + ": arrays after step 10 and after step 100");
                    }
                }
            }
        }
    }

    @Test
    void firstSgdNesterovStepMatchesHandArithmetic() {
        NDArray z0 = gauss(2, 1);
        double lr = 0.01;
        double mu = 0.9;
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optRule(UpdateRule.SGD_NESTEROV).optSteps(1)
                .optLearningRate(lr).optMomentum(mu).build();
        try (NoiseOptimizer opt = base(2).optOptions(opts).build()) {
            AlignmentResult r = opt.run(z0, null);
            // g = d(-T)/dz = 2 (z - 0.5); buffer = g; step = g + mu g; z1 = z0 - lr (1 + mu) g
            double[] z = z0.toDoubleArray();
            double[] expected = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                expected[i] = z[i] - lr * (1 + mu) * 2 * (z[i] - 0.5);
            }
            // z1 improves the quadratic for every seed, so it is the best iterate
            assertArrayEquals(expected, r.bestLatents().toDoubleArray(), 1e-12);
            assertEquals(1, r.stepsRun());
            assertEquals(StopReason.COMPLETED, r.stopReason());
        }
    }

    @Test
    void firstAdamStepMovesEachEntryByTheLearningRate() {
        NDArray z0 = gauss(1, 2);
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(1).optRule(UpdateRule.ADAM)
                .optLearningRate(0.001).build();
        try (NoiseOptimizer opt = base(1).optOptions(opts).build()) {
            AlignmentResult r = opt.run(z0, null);
            double[] a = z0.toDoubleArray();
            double[] b = r.bestLatents().toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                // m_hat / (sqrt(v_hat) + eps) = g / (|g| + eps) at the first step
                double g = 2 * (a[i] - 0.5);
                assertEquals(a[i] - 0.001 * g / (Math.abs(g) + 1e-8), b[i], 1e-12);
            }
        }
    }

    @Test
    void targetRisesAndTheBestIterateIsKept() {
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(30).optLearningRate(0.02).build();
        try (NoiseOptimizer opt = base(3).optOptions(opts).build()) {
            AlignmentResult r = opt.run(gauss(3, 3), null);
            for (int i = 0; i < 3; i++) {
                assertTrue(r.bestTarget()[i] > r.initialTarget()[i] + 1.0, "seed " + i);
                double max = Double.NEGATIVE_INFINITY;
                for (StepRecord s : r.history()) {
                    max = Math.max(max, s.target()[i]);
                }
                assertEquals(max, r.bestTarget()[i], 0.0);
            }
            // the best latents reproduce the best target
            double[] zb = r.bestLatents().toDoubleArray();
            double t0 = 0;
            for (int k = 0; k < 16; k++) {
                t0 -= (zb[k] - 0.5) * (zb[k] - 0.5);
            }
            assertEquals(r.bestTarget()[0], t0, 1e-9);
            assertEquals(31, r.history().size(), "30 steps plus the final evaluation");
        }
    }

    @Test
    void gradientClipBoundsEachSeedsStep() {
        NDArray z0 = gauss(2, 4);
        double clip = 0.01;
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optRule(UpdateRule.SGD_NESTEROV).optSteps(1)
                .optLearningRate(1.0).optMomentum(0.0).optGradClip(clip).build();
        try (NoiseOptimizer opt = base(2).optOptions(opts).build()) {
            AlignmentResult r = opt.run(z0, null);
            NDArray moved = r.bestLatents().sub(z0).reshape(2, -1).square().sum(new int[] {1}).sqrt();
            assertArrayEquals(new double[] {clip, clip}, moved.toDoubleArray(), 1e-12);
            assertTrue(r.history().get(0).gradNorm()[0] > clip, "the raw gradient was larger than the clip");
        }
    }

    @Test
    void matchRewardNormGivesTheRegularizerTheRewardGradientsScale() {
        NDArray z0 = gauss(1, 5);
        double lambda = 0.5;
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(1).optLearningRate(1e-3)
                .optRegWeight(lambda).optScaling(RegularizerScaling.MATCH_REWARD_NORM).build();
        try (NoiseOptimizer opt = base(1).optRegularizer(Regularizers.create("norm", 0)).optOptions(opts).build()) {
            AlignmentResult r = opt.run(z0, null);
            double[] z = z0.toDoubleArray();
            double n2 = 0;
            for (double v : z) {
                n2 += v * v;
            }
            double[] gr = new double[16];
            double[] greg = new double[16];
            double nr = 0;
            double ng = 0;
            for (int i = 0; i < 16; i++) {
                gr[i] = 2 * (z[i] - 0.5);
                greg[i] = (1 - 15 / n2) * z[i]; // ReNO norm gradient with D = 16
                nr += gr[i] * gr[i];
                ng += greg[i] * greg[i];
            }
            double norm = 0;
            for (int i = 0; i < 16; i++) {
                double g = gr[i] + lambda * greg[i] * Math.sqrt(nr / ng);
                norm += g * g;
            }
            assertEquals(Math.sqrt(norm), r.history().get(0).gradNorm()[0], 1e-9);
        }
    }

    @Test
    void heldOutRewardsAreEvaluatedButNeverOptimised() {
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(5).optLearningRate(0.05).build();
        double[] plain;
        try (NoiseOptimizer opt = base(2).optOptions(opts).build()) {
            plain = opt.run(gauss(2, 6), null).bestLatents().toDoubleArray();
        }
        try (NoiseOptimizer opt = base(2).addHeldOut(new Brightness()).optOptions(opts).build()) {
            AlignmentResult r = opt.run(gauss(2, 6), null);
            assertArrayEquals(plain, r.bestLatents().toDoubleArray(), 0.0);
            assertEquals(2, r.history().get(3).heldOut().get("brightness").length);
        }
    }

    @Test
    void regularizerKeepsAHackedLatentCloserToTheShell() {
        NoiseAlignmentOptions plain = NoiseAlignmentOptions.builder().optSteps(60).optLearningRate(0.5).build();
        NoiseAlignmentOptions reg = NoiseAlignmentOptions.builder().optSteps(60).optLearningRate(0.5)
                .optRegWeight(1.0).build();
        NoiseOptimizer.Builder hack = NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 2)).addTarget(new Brightness(), 1.0);
        double meanPlain;
        double meanReg;
        try (NoiseOptimizer opt = hack.optOptions(plain).build()) {
            AlignmentResult r = opt.run(gauss(2, 7), null);
            meanPlain = Math.abs(r.history().get(r.history().size() - 1).latentMean()[0]);
        }
        try (NoiseOptimizer opt = hack.optOptions(reg).optRegularizer(Regularizers.create("mpgr", 1)).build()) {
            AlignmentResult r = opt.run(gauss(2, 7), null);
            meanReg = Math.abs(r.history().get(r.history().size() - 1).latentMean()[0]);
        }
        assertTrue(meanPlain > 5, "the unregularised run drifts off the shell: mean " + meanPlain);
        assertTrue(meanReg < meanPlain, "MPGR holds the mean back: " + meanReg + " vs " + meanPlain);
    }

    @Test
    void divergenceStopsAndKeepsTheBestIterate() {
        AtomicInteger calls = new AtomicInteger();
        Reward poisoned = reward("poisoned", images -> {
            NDArray s = towardHalf(images);
            return calls.incrementAndGet() > 4 ? s.mul(Double.NaN) : s;
        });
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(20).optLearningRate(0.02).build();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 1)).addTarget(poisoned, 1.0).optOptions(opts).build()) {
            AlignmentResult r = opt.run(gauss(1, 8), null);
            assertEquals(StopReason.DIVERGED, r.stopReason());
            assertTrue(r.message().contains("step 4"), r.message());
            assertEquals(3, r.bestStep()[0]);
            assertTrue(Double.isFinite(r.bestTarget()[0]));
            assertTrue(r.bestLatents().isNaN().any().getBoolean() == false);
        }
    }

    /** −‖images − 0.5‖² per image: a smooth target with its maximum at 0.5 everywhere. */
    private static NDArray towardHalf(NDArray images) {
        return images.sub(0.5).square().sum(new int[] {1, 2, 3}).neg();
    }

    /** A reward named {@code name} that scores images with {@code score}, ignoring the condition. */
    private static Reward reward(String name, java.util.function.Function<NDArray, NDArray> score) {
        return new Reward() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public NDArray score(NDArray images, Condition condition) {
                return score.apply(images);
            }
        };
    }

    /** A regularizer whose value is always 0 and whose gradient is NaN on the calls listed (sqrt at 0 times 0). */
    private static Regularizer nanGradientOn(java.util.Set<Integer> badCalls, AtomicInteger calls) {
        return new Regularizer() {
            @Override
            public String name() {
                return "nan-gradient";
            }

            @Override
            public NDArray perSample(NDArray batch) {
                NDArray flat = batch.reshape(batch.getShape().get(0), -1);
                NDArray zero = flat.square().sum(new int[] {1}).mul(0f);
                return badCalls.contains(calls.incrementAndGet()) ? zero.sqrt() : zero;
            }
        };
    }

    @Test
    void aSporadicNonFiniteRegularizerGradientIsRetriedOnce() {
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(6).optLearningRate(0.02).build();
        Reward smooth = reward("smooth", NoiseOptimizerTest::towardHalf);
        AtomicInteger clean = new AtomicInteger();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 1)).addTarget(smooth, 1.0).optOptions(opts)
                .optRegularizer(nanGradientOn(java.util.Set.of(), clean)).build()) {
            opt.run(gauss(1, 8), null);
            assertEquals(0, opt.regularizerRetries());
        }
        AtomicInteger calls = new AtomicInteger();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 1)).addTarget(smooth, 1.0).optOptions(opts)
                .optRegularizer(nanGradientOn(java.util.Set.of(3), calls)).build()) {
            AlignmentResult r = opt.run(gauss(1, 8), null);
            assertTrue(r.stopReason() != StopReason.DIVERGED, r.message());
            assertEquals(1, opt.regularizerRetries());
            assertEquals(clean.get() + 1, calls.get(), "the clean run's calls and one retry");
        }
        AtomicInteger calls2 = new AtomicInteger();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 1)).addTarget(smooth, 1.0).optOptions(opts)
                .optRegularizer(nanGradientOn(java.util.Set.of(3, 4), calls2)).build()) {
            AlignmentResult r = opt.run(gauss(1, 8), null);
            assertEquals(StopReason.DIVERGED, r.stopReason(), "a second non-finite gradient is not retried again");
            assertEquals(1, opt.regularizerRetries());
        }
    }

    @Test
    void patienceStopsAFlatRun() {
        Reward flat = new Reward() {
            @Override
            public String name() {
                return "flat";
            }

            @Override
            public NDArray score(NDArray images, Condition condition) {
                return images.sum(new int[] {1, 2, 3}).mul(0.0);
            }
        };
        NoiseAlignmentOptions opts = NoiseAlignmentOptions.builder().optSteps(50).optPatience(3).build();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 1)).addTarget(flat, 1.0).optOptions(opts).build()) {
            AlignmentResult r = opt.run(gauss(1, 9), null);
            assertEquals(StopReason.EARLY_STOP, r.stopReason());
            assertEquals(4, r.stepsRun());
        }
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        try (NoiseOptimizer opt = base(2).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.initialise(manager.randomNormal(new Shape(2, 1, 5, 5), DataType.FLOAT64)));
            assertTrue(e.getMessage().contains("(2, 1, 4, 4)"), e.getMessage());
        }
        try (NoiseOptimizer opt = base(3).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.initialise(gauss(2, 1)));
            assertTrue(e.getMessage().contains("condition has 3 entries"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> NoiseOptimizer.builder().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseAlignmentOptions.builder().optLearningRate(-1).build());
        assertTrue(e.getMessage().contains("learning rate"));
    }
}
