package io.genalign.zoo.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.genalign.core.io.Npy;
import io.genalign.core.model.Condition;
import io.genalign.core.model.folder.FolderModelSet;
import io.genalign.core.model.folder.ModelFolder;
import io.genalign.core.optim.AdamW;
import io.genalign.core.preference.Divergence;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diffusion-DPO of a model folder's TorchScript epsilon network ({@code examples/tiny-t2i/eps.pt}): the
 * TorchScript parameters receive gradients and move, the saved TorchScript file reproduces the in-memory
 * fine-tuned network, and a resumed run ends where an uninterrupted one does.
 */
class FolderDpoTest extends GenalignTestBase {
    private static final String[] PROMPTS = {"a red shoe", "a photo of a cat", "a blue car on a road"};

    @TempDir
    Path tmp;

    static Path fixture() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tiny-t2i/eps.pt"))) {
                return p.resolve("examples/tiny-t2i");
            }
        }
        throw new IllegalStateException("examples/tiny-t2i not found");
    }

    static PreferencePairs.PairSet pairs(int n) {
        Random r = new Random(5);
        List<PreferencePairs.Pair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] w = new float[3 * 32 * 32];
            float[] l = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) Math.tanh(0.5 + r.nextGaussian() * 0.3);  // winners: brighter
                l[k] = (float) Math.tanh(r.nextGaussian());
            }
            out.add(new PreferencePairs.Pair(i + 2, PROMPTS[i % PROMPTS.length], -1, w, l));
        }
        return new PreferencePairs.PairSet(Path.of("."), new Shape(3, 32, 32), out, List.of());
    }

    static DpoOptions options(int steps) {
        return DpoOptions.builder().setDivergence(Divergence.parse("js")).optSteps(steps).optPairsPerStep(2)
                .optLearningRate(1e-3f).optWarmupSteps(1).optCheckpointEvery(2).optSeed(3).build();
    }

    @Test
    void trainsTorchScriptParametersAndSavesAFileThatReproducesThem() throws Exception {
        try (FolderModelSet set = ModelFolder.open(fixture())) {
            EpsilonModel.Family fam = FolderEpsilon.family(set);
            PreferencePairs.PairSet pairs = pairs(6);
            DpoOptions o = options(3);
            try (EpsilonModel policy = fam.load(manager, null, true);
                 EpsilonModel reference = fam.load(manager, null, false)) {
                float[] before = policy.parameters().get("conv_out.weight").getArray().toFloatArray();
                ParameterStore ps = new ParameterStore(manager, false);
                AdamW adam = new AdamW(manager, o.weightDecay());
                for (int s = 0; s < 3; s++) {
                    DiffusionDpoTrainer.StepMetrics m = DiffusionDpoTrainer.step(manager, ps, policy, reference, adam,
                            o.loss(), fam.schedule(), pairs, o, s);
                    assertTrue(Double.isFinite(m.loss()) && m.gradNorm() > 0, "step " + s + ": " + m);
                }
                int moved = 0;
                for (Pair<String, Parameter> p : policy.parameters()) {
                    moved += p.getValue().getArray().hasGradient() ? 1 : 0;
                }
                assertEquals(policy.parameters().size(), moved, "every TorchScript parameter is trained");
                float[] after = policy.parameters().get("conv_out.weight").getArray().toFloatArray();
                assertFalse(java.util.Arrays.equals(before, after), "the parameters moved");
                for (Pair<String, Parameter> p : reference.parameters()) {
                    assertFalse(p.getValue().getArray().hasGradient(), "the reference is frozen: " + p.getKey());
                }

                Path file = tmp.resolve("policy.pt");
                fam.save(policy, file);
                NDArray x = manager.randomNormal(new Shape(3, 3, 32, 32));
                int[] t = {0, 321, 999};
                Condition c = Condition.of(List.of(PROMPTS), new int[] {-1, -1, -1});
                NDArray inMemory = policy.predict(ps, x, t, c, false);
                NDArray base = reference.predict(ps, x, t, c, false);
                try (EpsilonModel reloaded = fam.load(manager, file, false)) {
                    NDArray y = reloaded.predict(ps, x, t, c, false);
                    double scale = inMemory.abs().max().getFloat();
                    double diff = y.sub(inMemory).abs().max().getFloat();
                    assertTrue(diff <= 1e-5 * scale, "reloaded differs by " + diff + " (scale " + scale + ")");
                    assertTrue(base.sub(inMemory).abs().max().getFloat() > 1e-4, "fine-tuning changed the outputs");
                }
            }
        }
    }

    @Test
    void resumedRunEndsWhereAnUninterruptedOneDoes() throws Exception {
        try (FolderModelSet set = ModelFolder.open(fixture())) {
            EpsilonModel.Family fam = FolderEpsilon.family(set);
            byte[] base = Files.readAllBytes(fixture().resolve("eps.pt"));
            PreferencePairs.PairSet pairs = pairs(6);
            DiffusionDpoTrainer.Result full = DiffusionDpoTrainer.train(fam, base, pairs, options(4), tmp.resolve("a"),
                    null);
            DiffusionDpoTrainer.train(fam, base, pairs, options(2), tmp.resolve("b"), null);
            DiffusionDpoTrainer.Result resumed = DiffusionDpoTrainer.train(fam, base, pairs, options(4),
                    tmp.resolve("b"), null);
            assertTrue(resumed.resumed());
            assertEquals(2, resumed.resumedAt());
            assertEquals(full.history().get(3).loss(), resumed.history().get(3).loss(), 0.0, "bit-identical loss");
            NDArray x = manager.randomNormal(new Shape(2, 3, 32, 32));
            Condition c = Condition.of(List.of(PROMPTS[0], PROMPTS[1]), new int[] {-1, -1});
            ParameterStore ps = new ParameterStore(manager, false);
            try (EpsilonModel a = fam.load(manager, full.policyWeights(), false);
                 EpsilonModel b = fam.load(manager, resumed.policyWeights(), false)) {
                float d = a.predict(ps, x, new int[] {10, 600}, c, false).sub(b.predict(ps, x, new int[] {10, 600}, c,
                        false)).abs().max().getFloat();
                assertEquals(0f, d, 0f, "resumed differs by " + d);
            }
            // another divergence in the same work folder is refused
            assertThrows(io.genalign.zoo.train.WorkFolder.RefusedException.class, () -> DiffusionDpoTrainer.train(fam,
                    base, pairs, DpoOptions.builder().setDivergence(Divergence.parse("reverse-kl")).optSteps(4)
                            .optPairsPerStep(2).optLearningRate(1e-3f).optWarmupSteps(1).optCheckpointEvery(2)
                            .optSeed(3).build(), tmp.resolve("b"), null));
        }
    }
}
