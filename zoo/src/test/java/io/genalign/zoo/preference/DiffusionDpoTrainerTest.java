package io.genalign.zoo.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.NoiseSchedule;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two-step smoke runs of the f-divergence Diffusion-DPO trainer on a freshly initialised UNet and random pairs. */
class DiffusionDpoTrainerTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    /** Weights of a freshly initialised UNet (a stand-in for the zoo's, so the test needs no trained model). */
    byte[] baseWeights() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            Block u = Diffusion.newUNet();
            u.initialize(m, DataType.FLOAT32, Diffusion.inputShapes(1));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            u.saveParameters(new DataOutputStream(bytes));
            return bytes.toByteArray();
        }
    }


    static DpoOptions options(Divergence d, int steps) {
        return DpoOptions.builder().setDivergence(d).optSteps(steps).optPairsPerStep(2).optWarmupSteps(1)
                .optLearningRate(1e-3f).optSeed(5).optCheckpointEvery(1).build();
    }

    /** Spec fact 1 inside the trainer: policy = reference at step 1, so the loss is log 2 for every divergence. */
    @Test
    void firstStepLossIsLog2AndTheReferenceStaysFrozen() throws Exception {
        byte[] base = baseWeights();
        PreferencePairs.PairSet pairs = PreferencePairs.PairSet.synthetic(6, 1, new Shape(1, 28, 28));
        for (Divergence d : List.of(Divergence.reverseKl(), Divergence.forwardKl(), Divergence.jensenShannon(),
                Divergence.alpha(0.5))) {
            Path work = tmp.resolve(d.kind().name());
            DiffusionDpoTrainer.Result r = DiffusionDpoTrainer.train(base, pairs, options(d, 2), work, null);
            DiffusionDpoTrainer.StepMetrics first = r.history().get(0);
            assertEquals(Math.log(2), first.loss(), 1e-7, d.label());
            assertEquals(0.0, first.implicitAccuracy(), 0.0, "strict M > 0 at M = 0");
            assertEquals(first.mseWinner(), first.refMseWinner(), 0.0, "policy = reference at step 1");
            assertTrue(first.gradNorm() > 0 && Double.isFinite(first.gradNorm()));
            DiffusionDpoTrainer.StepMetrics second = r.history().get(1);
            assertTrue(second.mseWinner() != second.refMseWinner(), "the policy moved after one update");
            assertTrue(Files.size(r.policyWeights()) > 100_000);
        }
    }

    /** Spec fact 15: winner and loser share the timestep and the noise. */
    @Test
    void winnerAndLoserShareTimestepAndNoise() {
        NoiseSchedule s = Diffusion.schedule();
        NDArray w = manager.randomUniform(-1, 1, new Shape(3, 1, 28, 28));
        NDArray l = manager.randomUniform(-1, 1, new Shape(3, 1, 28, 28));
        NDArray eps = manager.randomNormal(new Shape(3, 1, 28, 28));
        int[] t = {5, 200, 399};
        DiffusionDpoTrainer.Batch b = DiffusionDpoTrainer.batch(s, w, l, eps, t, new int[] {1, 2, 3, 1, 2, 3});
        assertArrayEquals(new int[] {5, 200, 399, 5, 200, 399}, b.t());
        assertEquals(0f, b.eps().get("0:3").sub(b.eps().get("3:")).abs().max().getFloat(), 0f);
        // x_w - sqrt(abar) w = x_l - sqrt(abar) l = sqrt(1 - abar) eps
        NDArray zero = manager.zeros(w.getShape());
        NDArray noisePart = s.noisy(zero, eps, t);
        NDArray restW = b.x().get("0:3").sub(s.noisy(w, zero, t));
        NDArray restL = b.x().get("3:").sub(s.noisy(l, zero, t));
        assertEquals(0f, restW.sub(noisePart).abs().max().getFloat(), 1e-6f);
        assertEquals(0f, restL.sub(noisePart).abs().max().getFloat(), 1e-6f);
        assertEquals(new Shape(6, 11), b.cond().getShape());
    }

    /** Resuming from a checkpoint gives the same weights as an uninterrupted run (AdamW state is saved). */
    @Test
    void resumeContinuesExactly() throws Exception {
        byte[] base = baseWeights();
        PreferencePairs.PairSet pairs = PreferencePairs.PairSet.synthetic(5, 2, new Shape(1, 28, 28));
        Divergence d = Divergence.alpha(0.3);
        DiffusionDpoTrainer.Result whole = DiffusionDpoTrainer.train(base, pairs, options(d, 3), tmp.resolve("a"), null);
        DiffusionDpoTrainer.Result part = DiffusionDpoTrainer.train(base, pairs, options(d, 2), tmp.resolve("b"), null);
        assertFalse(part.resumed());
        DiffusionDpoTrainer.Result rest = DiffusionDpoTrainer.train(base, pairs, options(d, 3), tmp.resolve("b"), null);
        assertTrue(rest.resumed());
        assertEquals(2, rest.resumedAt());
        assertEquals(3, rest.history().size());
        assertEquals(whole.history().get(2).loss(), rest.history().get(2).loss(), 1e-6);
        assertArrayEquals(Files.readAllBytes(whole.policyWeights()), Files.readAllBytes(rest.policyWeights()));
    }

    @Test
    void pairOrderCoversEveryPairOncePerEpoch() {
        int[] first = DiffusionDpoTrainer.pairIndices(6, 6, 3, 0);
        int[] sorted = first.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, sorted);
        assertArrayEquals(first, DiffusionDpoTrainer.pairIndices(6, 6, 3, 0), "seeded");
    }

    @Test
    void badInputIsRejected() throws Exception {
        byte[] base = baseWeights();
        PreferencePairs.PairSet empty = new PreferencePairs.PairSet(Path.of("."), new Shape(1, 28, 28), List.of(),
                List.of());
        assertThrows(IllegalArgumentException.class, () -> DiffusionDpoTrainer.train(base, empty,
                options(Divergence.reverseKl(), 1), tmp.resolve("e"), null));
        PreferencePairs.PairSet bad = new PreferencePairs.PairSet(Path.of("."), new Shape(1, 28, 28), List.of(
                new PreferencePairs.Pair(2, "p", 10, new float[784], new float[784])), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiffusionDpoTrainer.train(
                base, bad, options(Divergence.reverseKl(), 1), tmp.resolve("f"), null));
        assertTrue(e.getMessage().contains("line 2"));
        assertThrows(IllegalArgumentException.class, () -> DpoOptions.builder().setDivergence(Divergence.reverseKl())
                .optBetaDpo(-1).build());
        assertThrows(IllegalArgumentException.class, () -> DpoOptions.builder().build());
        assertEquals(0.5f * DpoOptions.DEFAULT_LEARNING_RATE, DpoOptions.builder().setDivergence(Divergence.reverseKl())
                .optWarmupSteps(10).build().learningRateAt(5), 1e-12f);
    }

    /**
     * Issue 12, item 4: a crash between any two files of a checkpoint write (after each file, after the manifest,
     * after the rename) and a rerun give weights bit-identical to an uninterrupted run.
     */
    @Test
    void aCrashAtAnyPointOfACheckpointWriteResumesBitIdentically() throws Exception {
        byte[] base = baseWeights();
        PreferencePairs.PairSet pairs = PreferencePairs.PairSet.synthetic(5, 3, new Shape(1, 28, 28));
        Divergence d = Divergence.jensenShannon();
        DiffusionDpoTrainer.Result whole = DiffusionDpoTrainer.train(base, pairs, options(d, 3), tmp.resolve("whole"),
                null);
        byte[] expected = Files.readAllBytes(whole.policyWeights());
        int filesPerCheckpoint = 3; // policy.params, adamw.bin, history.json; then the manifest, then the rename
        for (int k = 1; k <= filesPerCheckpoint + 2; k++) {
            Path work = tmp.resolve("crash-" + k);
            int crashAt = k;
            io.genalign.zoo.train.CheckpointStore.setCrashHookForTests((step, written) -> {
                if (step == 2 && written == crashAt) {
                    throw new java.io.IOException("simulated kill after file " + written + " of checkpoint 2");
                }
            });
            try {
                assertThrows(java.io.IOException.class, () -> DiffusionDpoTrainer.train(base, pairs, options(d, 3),
                        work, null));
            } finally {
                io.genalign.zoo.train.CheckpointStore.setCrashHookForTests(null);
            }
            DiffusionDpoTrainer.Result resumed = DiffusionDpoTrainer.train(base, pairs, options(d, 3), work, null);
            assertTrue(resumed.resumed());
            assertEquals(k == filesPerCheckpoint + 2 ? 2 : 1, resumed.resumedAt(), "crash after file " + k);
            assertArrayEquals(expected, Files.readAllBytes(resumed.policyWeights()), "crash after file " + k);
            for (int i = 0; i < 3; i++) {
                assertEquals(whole.history().get(i).loss(), resumed.history().get(i).loss(), 0.0);
            }
        }
    }

    /** Issue 12, item 3: a checkpoint made with other settings, or beyond the steps asked for, is refused. */
    @Test
    void aCheckpointOfOtherSettingsIsRefused() throws Exception {
        byte[] base = baseWeights();
        PreferencePairs.PairSet pairs = PreferencePairs.PairSet.synthetic(4, 4, new Shape(1, 28, 28));
        Path work = tmp.resolve("w");
        DiffusionDpoTrainer.train(base, pairs, options(Divergence.reverseKl(), 2), work, null);
        io.genalign.zoo.train.WorkFolder.RefusedException e = assertThrows(
                io.genalign.zoo.train.WorkFolder.RefusedException.class, () -> DiffusionDpoTrainer.train(base, pairs,
                        options(Divergence.forwardKl(), 2), work, null));
        assertTrue(e.getMessage().contains("--divergence reverse-kl there, forward-kl now")
                && e.getMessage().contains("--overwrite"), e.getMessage());
        e = assertThrows(io.genalign.zoo.train.WorkFolder.RefusedException.class, () -> DiffusionDpoTrainer.train(base,
                pairs, options(Divergence.reverseKl(), 1), work, null));
        assertTrue(e.getMessage().contains("step 2, beyond the 1 steps"), e.getMessage());
        PreferencePairs.PairSet other = PreferencePairs.PairSet.synthetic(4, 5, new Shape(1, 28, 28));
        e = assertThrows(io.genalign.zoo.train.WorkFolder.RefusedException.class, () -> DiffusionDpoTrainer.train(base,
                other, options(Divergence.reverseKl(), 2), work, null));
        assertTrue(e.getMessage().contains("pairs "), e.getMessage());
    }
}
