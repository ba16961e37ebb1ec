package io.genalign.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.gaussianity.WhiteNoiseProjection;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.Reward;
import io.genalign.core.testing.GenalignTestBase;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link UpdateMode#PRECONDITIONED} ({@code docs/preconditioning.md} §4) on the identity generator. */
class PreconditionedUpdateTest extends GenalignTestBase {
    private static final double SQRT_PI_2 = Math.sqrt(Math.PI) / 2;

    private NDArray gauss(int b, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[b * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return manager.create(v, new Shape(b, 1, 4, 4));
    }

    private static NoiseAlignmentOptions.Builder pre() {
        return NoiseAlignmentOptions.builder().optUpdateMode(UpdateMode.PRECONDITIONED);
    }

    private static void assertInSet(double[] all, int b, double tol) {
        int n = all.length / b;
        for (int i = 0; i < b; i++) {
            double[] row = Arrays.copyOfRange(all, i * n, (i + 1) * n);
            for (double[] blk : WhiteNoiseProjection.create().blockNorms(row)) {
                assertEquals(SQRT_PI_2 * blk[2], blk[0], tol);
                assertEquals(blk[2], blk[1], tol);
            }
        }
    }

    @Test
    void everyUpdatedIterateLiesInTheSetAndTheTargetRises() {
        NoiseAlignmentOptions opts = pre().optSteps(30).optLearningRate(0.05).build();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new NoiseOptimizerTest.IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 3)).addTarget(new NoiseOptimizerTest.Quadratic(), 1.0)
                .optOptions(opts).build()) {
            AlignmentResult r = opt.run(gauss(3, 1), null);
            for (int i = 0; i < 3; i++) {
                assertTrue(r.bestStep()[i] > 0, "seed " + i + " improved");
                assertTrue(r.bestTarget()[i] > r.initialTarget()[i]);
            }
            assertInSet(r.bestLatents().toDoubleArray(), 3, 1e-9);
            assertTrue(opt.timings().get("projection") > 0);
        }
    }

    @Test
    void aHackableRewardCannotDriveTheLatentOffTheShell() {
        NoiseOptimizer.Builder hack = NoiseOptimizer.builder().setGenerator(new NoiseOptimizerTest.IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 2)).addTarget(new NoiseOptimizerTest.Brightness(), 1.0);
        double meanPlain;
        double meanPre;
        double normPre;
        try (NoiseOptimizer opt = hack.optOptions(NoiseAlignmentOptions.builder().optSteps(60).optLearningRate(0.5)
                .build()).build()) {
            AlignmentResult r = opt.run(gauss(2, 7), null);
            meanPlain = Math.abs(r.history().get(r.history().size() - 1).latentMean()[0]);
        }
        try (NoiseOptimizer opt = hack.optOptions(pre().optSteps(60).optLearningRate(0.5).build()).build()) {
            AlignmentResult r = opt.run(gauss(2, 7), null);
            StepRecord last = r.history().get(r.history().size() - 1);
            meanPre = Math.abs(last.latentMean()[0]);
            double[] z = r.bestLatents().toDoubleArray();
            normPre = 0;
            for (int i = 0; i < 16; i++) {
                normPre += z[i] * z[i];
            }
        }
        assertTrue(meanPlain > 5, "the plain run drifts: mean " + meanPlain);
        // in the set, |mean| = |x̂_0|/√N ≤ √2·|y_0|/√N and ‖x‖² = N: the mean stays bounded
        assertTrue(meanPre < 1.5, "the preconditioned run stays on the set: mean " + meanPre);
        assertEquals(16, normPre, 1e-9);
    }

    @Test
    void worksWithARegularizerAndInFloat32() {
        NoiseAlignmentOptions opts = pre().optSteps(5).optLearningRate(0.05).build();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new NoiseOptimizerTest.IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 2)).addTarget(new NoiseOptimizerTest.Quadratic(), 1.0)
                .optRegularizer(Regularizers.create("mpgr", 3)).optOptions(opts).build()) {
            AlignmentResult r = opt.run(gauss(2, 2).toType(DataType.FLOAT32, false), null);
            assertEquals(StopReason.COMPLETED, r.stopReason());
            assertEquals(DataType.FLOAT32, r.bestLatents().getDataType());
            double[] z = r.bestLatents().toType(DataType.FLOAT64, false).toDoubleArray();
            if (r.bestStep()[0] > 0 && r.bestStep()[1] > 0) {
                assertInSet(z, 2, 1e-4);
            }
        }
    }

    /** A reward with a zero gradient: the step is zero, so the first update only projects the iterate. */
    static final class Flat implements Reward {
        @Override
        public String name() {
            return "flat";
        }

        @Override
        public NDArray score(NDArray images, Condition condition) {
            return images.reshape(images.getShape().get(0), -1).mul(0.0).sum(new int[] {1});
        }
    }

    @Test
    void aZeroGradientGivesAZeroStep() {
        NoiseAlignmentOptions opts = pre().optSteps(1).optRule(UpdateRule.SGD_NESTEROV).build();
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(new NoiseOptimizerTest.IdentityGenerator())
                .setCondition(Condition.repeat("x", 0, 1)).addTarget(new Flat(), 1.0).optOptions(opts).build()) {
            NDArray z0 = gauss(1, 4);
            opt.initialise(z0);
            opt.step();
            AlignmentResult r = opt.finalise();
            // the last evaluated iterate (step 1) is P(z0); the record's std is that of P(z0)
            double[] p = WhiteNoiseProjection.create().project(z0.toDoubleArray());
            double m = Arrays.stream(p).average().orElseThrow();
            assertEquals(m, r.history().get(1).latentMean()[0], 1e-9);
        }
    }

    @Test
    void oddLatentSizesAreRefusedAndTheModeIsRecorded() {
        Generator odd = new Generator() {
            @Override
            public Shape latentShape() {
                return new Shape(1, 3, 3);
            }

            @Override
            public Shape imageShape() {
                return new Shape(1, 3, 3);
            }

            @Override
            public NDArray generate(NDArray latents, Condition condition) {
                return latents.mul(1.0);
            }
        };
        try (NoiseOptimizer opt = NoiseOptimizer.builder().setGenerator(odd).setCondition(Condition.repeat("x", 0, 1))
                .addTarget(new Flat(), 1.0).optOptions(pre().build()).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> opt.initialise(manager.randomNormal(new Shape(1, 1, 3, 3))));
            assertTrue(e.getMessage().contains("PRECONDITIONED"), e.getMessage());
        }
        assertEquals("PRECONDITIONED", pre().build().toMap().get("update"));
        assertEquals("REGULARIZED", NoiseAlignmentOptions.defaults().toMap().get("update"));
        assertArrayEquals(new Object[] {UpdateMode.REGULARIZED, UpdateMode.PRECONDITIONED}, UpdateMode.values());
    }
}
