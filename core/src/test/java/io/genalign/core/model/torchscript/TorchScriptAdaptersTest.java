package io.genalign.core.model.torchscript;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.io.NpyDtype;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ContractChecks;
import io.genalign.core.testing.GenalignTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs and input gradients of the TorchScript adapters against Java computations, and their errors. */
class TorchScriptAdaptersTest extends GenalignTestBase {
    private static final double TOL64 = 1e-12;

    @TempDir
    Path tmp;

    @Test
    void parameterFreeModuleMatchesJava() {
        try (TorchScriptGenerator g = TorchScriptContractTest.squash(DataType.FLOAT64)) {
            NDArray z = ContractChecks.normal(manager, new Shape(2, 1, 4, 4), DataType.FLOAT64, SEED);
            double[] zs = ContractChecks.doubles(z);
            z.setRequiresGradient(true);
            double[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray images = g.generate(z, Condition.repeat("x", 0, 2));
                out = ContractChecks.doubles(images);
                gc.backward(images.sum());
            }
            double[] grad = ContractChecks.doubles(z.getGradient());
            for (int i = 0; i < zs.length; i++) {
                double t = Math.tanh(0.5 * zs[i]);
                assertEquals(t, out[i], TOL64);
                assertEquals(0.5 * (1 - t * t), grad[i], TOL64);
            }
        }
    }

    @Test
    void weightedClassGeneratorMatchesJavaValuesAndGradients() {
        try (TorchScriptGenerator g = TorchScriptContractTest.classGenerator()) {
            NDArray z = ContractChecks.normal(manager, new Shape(2, 2, 3, 3), DataType.FLOAT64, SEED + 1);
            double[] zs = ContractChecks.doubles(z);
            double[] w = TorchScriptFixtures.random(32, 1.0, 7);
            int[] classes = {3, 8};
            z.setRequiresGradient(true);
            double[] out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray images = g.generate(z, Condition.of(List.of("a", "b"), classes));
                assertEquals(new Shape(2, 1, 4, 4), images.getShape());
                out = ContractChecks.doubles(images);
                gc.backward(images.mul(manager.create(w, images.getShape())).sum());
            }
            double[] grad = ContractChecks.doubles(z.getGradient());
            for (int b = 0; b < 2; b++) {
                double[] zb = Arrays.copyOfRange(zs, b * 18, b * 18 + 18);
                assertArrayEquals(TorchScriptFixtures.classGeneratorReference(zb, classes[b]),
                        Arrays.copyOfRange(out, b * 16, b * 16 + 16), TOL64, "images of sample " + b);
                double[] wb = Arrays.copyOfRange(w, b * 16, b * 16 + 16);
                assertArrayEquals(TorchScriptFixtures.classGeneratorVjp(zb, classes[b], wb),
                        Arrays.copyOfRange(grad, b * 18, b * 18 + 18), TOL64, "gradient of sample " + b);
            }
        }
    }

    @Test
    void float32RewardWithPromptEmbeddingsMatchesJava() {
        try (TorchScriptReward r = TorchScriptContractTest.embeddingReward()) {
            assertEquals("fixture-reward", r.name());
            NDArray x = ContractChecks.images(manager, new Shape(2, 1, 4, 4), DataType.FLOAT32, SEED + 2);
            double[] xs = ContractChecks.doubles(x);
            NDArray scores = r.score(x, Condition.of(List.of("ankle boot", "contract"), new int[] {9, 0}));
            assertEquals(new Shape(2), scores.getShape());
            assertEquals(DataType.FLOAT32, scores.getDataType());
            double[] s = ContractChecks.doubles(scores);
            assertEquals(TorchScriptFixtures.rewardReference(Arrays.copyOfRange(xs, 0, 16), new double[] {1, 2, 3}),
                    s[0], 1e-5);
            assertEquals(TorchScriptFixtures.rewardReference(Arrays.copyOfRange(xs, 16, 32),
                    new double[] {0.25, -1, 0.5}), s[1], 1e-5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.score(x, Condition.repeat("sandal", 5, 2)));
            assertTrue(e.getMessage().contains("sandal") && e.getMessage().contains("ankle boot"), e.getMessage());
        }
    }

    @Test
    void promptEmbeddingsFromNpyFiles() throws IOException {
        Path emb = tmp.resolve("boot.npy");
        Npy.write(emb, new NpyArray(new long[] {3}, new double[] {0.5, 1.5, -4}, NpyDtype.FLOAT64));
        try (TorchScriptReward r = TorchScriptReward.builder().setModelPath(TorchScriptFixtures.embeddingReward())
                .setImageShape(TorchScriptFixtures.IMAGE).optConditionInput(ConditionInput.PROMPT_EMBEDDING)
                .optPromptEmbeddingFile("ankle boot", emb).build()) {
            NDArray x = ContractChecks.images(manager, new Shape(1, 1, 4, 4), DataType.FLOAT32, SEED + 4);
            double s = ContractChecks.doubles(r.score(x, Condition.repeat("ankle boot", 9, 1)))[0];
            assertEquals(TorchScriptFixtures.rewardReference(ContractChecks.doubles(x), new double[] {0.5, 1.5, -4}),
                    s, 1e-5);
        }
        Path missing = tmp.resolve("missing_embedding.npy");
        IOException e = assertThrows(IOException.class, () -> TorchScriptGenerator.builder()
                .setModelPath(TorchScriptFixtures.classGenerator()).setLatentShape(TorchScriptFixtures.LATENT)
                .setImageShape(TorchScriptFixtures.IMAGE).optConditionInput(ConditionInput.PROMPT_EMBEDDING)
                .optPromptEmbeddingFile("x", missing).build());
        assertTrue(e.getMessage().contains("missing_embedding.npy"), e.getMessage());
    }

    @Test
    void convFeaturesMatchJava() {
        try (TorchScriptFeatureExtractor f = TorchScriptContractTest.convFeatures()) {
            NDArray x = ContractChecks.images(manager, new Shape(3, 1, 4, 4), DataType.FLOAT64, SEED + 3);
            double[] xs = ContractChecks.doubles(x);
            double[] out = ContractChecks.doubles(f.features(x));
            for (int b = 0; b < 3; b++) {
                assertArrayEquals(TorchScriptFixtures.convReference(Arrays.copyOfRange(xs, b * 16, b * 16 + 16)),
                        Arrays.copyOfRange(out, b * 8, b * 8 + 8), TOL64, "features of sample " + b);
            }
        }
    }

    @Test
    void weightsAreFrozenAndOnlyInputsGetGradients() {
        try (TorchScriptGenerator g = TorchScriptContractTest.classGenerator()) {
            NDArray z = ContractChecks.normal(manager, new Shape(1, 2, 3, 3), DataType.FLOAT64, SEED);
            z.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(g.generate(z, Condition.repeat("x", 1, 1)).sum());
            }
            assertTrue(ContractChecks.doubles(z.getGradient())[0] != 0.0);
            assertFalse(g.module().anyParameterRequiresGradient(), "module weights must be frozen");
        }
    }

    @Test
    void inputsOfAnotherTypeThanTheModuleAreRejected() {
        try (TorchScriptReward r = TorchScriptContractTest.embeddingReward()) { // float32 module
            NDArray x = ContractChecks.images(manager, new Shape(1, 1, 4, 4), DataType.FLOAT64, SEED);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.score(x, Condition.repeat("contract", 0, 1)));
            assertTrue(e.getMessage().contains("float32"), e.getMessage());
        }
    }

    @Test
    void missingFileIsAnIoErrorNamingIt() {
        Path missing = tmp.resolve("nope.pt");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TorchScriptReward.builder()
                .setModelPath(missing).setImageShape(new Shape(1, 4, 4)).build());
        assertTrue(e.getMessage().contains("nope.pt"), e.getMessage());
    }

    @Test
    void corruptFilesAreIoErrorsNamingThem() throws IOException {
        Path text = tmp.resolve("garbage.pt");
        Files.writeString(text, "this is not a zip archive", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TorchScriptFeatureExtractor.builder()
                .setModelPath(text).setImageShape(new Shape(1, 4, 4)).setFeatureDim(8).build());
        assertTrue(e.getMessage().contains("garbage.pt"), e.getMessage());

        Path badCode = tmp.resolve("bad_code.pt");
        new TorchScriptArchiveWriter("Broken", "  def forward(self: __torch__.Broken,\n    z: Tensor) -> Tensor:\n"
                + "    return torch.no_such_op(z)\n", DataType.FLOAT64).write(badCode);
        e = assertThrows(IOException.class, () -> TorchScriptGenerator.builder().setModelPath(badCode)
                .setLatentShape(new Shape(4)).setImageShape(new Shape(1, 2, 2)).build());
        assertTrue(e.getMessage().contains("bad_code.pt"), e.getMessage());
    }

    @Test
    void declaredShapesAreChecked() throws IOException {
        // the squash module returns the latent's shape: declaring another image shape is caught at the output
        try (TorchScriptGenerator g = TorchScriptGenerator.builder().setModelPath(TorchScriptFixtures.squash())
                .setLatentShape(new Shape(1, 4, 4)).setImageShape(new Shape(1, 2, 8)).build()) {
            NDArray z = ContractChecks.normal(manager, new Shape(1, 1, 4, 4), DataType.FLOAT32, SEED);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> g.generate(z, Condition.repeat("x", 0, 1)));
            assertTrue(e.getMessage().contains("(1, 1, 2, 8)") || e.getMessage().contains("expected"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> TorchScriptGenerator.builder()
                .setModelPath(TorchScriptFixtures.squash()).setImageShape(new Shape(1, 4, 4)).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptReward.builder()
                .setModelPath(TorchScriptFixtures.embeddingReward()).setImageShape(new Shape(1, 4, 4))
                .optConditionInput(ConditionInput.PROMPT_EMBEDDING).build());
        assertTrue(e.getMessage().contains("optPromptEmbedding"), e.getMessage());
    }
}
