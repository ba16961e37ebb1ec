package io.genalign.core.model.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ContractChecks;
import io.genalign.core.model.PromptTokenizer;
import io.genalign.core.testing.GenalignTestBase;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One-line errors of the adapters: libtorch's text reduced, class ids range-checked, token ids checked. */
class TorchScriptErrorsTest extends GenalignTestBase {
    @Test
    void reduceKeepsTheLastErrorLineOfAnInterpreterTraceback() {
        String text = """
                The following operation failed in the TorchScript interpreter.
                Traceback of TorchScript, serialized code (most recent call last):
                  File "code/__torch__.py", line 8, in forward
                    z: Tensor) -> Tensor:
                    h = torch.matmul(torch.flatten(z, 1), self.weight)
                        ~~~~~~~~~~~~ <--- HERE
                RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x12 and 18x16)
                """;
        assertEquals("RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x12 and 18x16)",
                TorchScriptModule.reduceEngineMessage(text));
        assertEquals("forward() is missing value for argument 'c'. Declaration: forward(Tensor z, Tensor c)",
                TorchScriptModule.reduceEngineMessage("""
                        forward() is missing value for argument 'c'. Declaration: forward(Tensor z, Tensor c)
                        Exception raised from checkAndNormalizeInputs at aten/src/ATen/core/function_schema_inl.h:1
                        frame #0: c10::Error::Error(...) + 0x12 (0x7f in libc10.so)
                        RuntimeError: not this one
                        """));
        assertEquals("(no message)", TorchScriptModule.reduceEngineMessage(null));
        assertEquals("(no message)", TorchScriptModule.reduceEngineMessage(" \n "));
        assertEquals("just one line", TorchScriptModule.reduceEngineMessage("just one line"));
    }

    @Test
    void runtimeErrorInsideTheScriptIsOneLineWithTheFullTextAsCause() throws IOException {
        // declared latents (2, 3, 2) flatten to 12 values; the module's weight expects 18
        try (TorchScriptGenerator g = TorchScriptGenerator.builder().setModelPath(TorchScriptFixtures.classGenerator())
                .setLatentShape(new Shape(2, 3, 2)).setImageShape(TorchScriptFixtures.IMAGE)
                .optDataType(DataType.FLOAT64).optConditionInput(ConditionInput.CLASS_INDEX).optNumClasses(10)
                .optLabel("gen.pt").build()) {
            NDArray z = ContractChecks.normal(manager, new Shape(1, 2, 3, 2), DataType.FLOAT64, SEED);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.generate(z, Condition.repeat("x", 1, 1)));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith("gen.pt: "), e.getMessage());
            assertTrue(e.getMessage().contains("cannot be multiplied"), e.getMessage());
            assertTrue(e.getCause().getMessage().contains("\n"), "the cause keeps libtorch's full text");
        }
    }

    @Test
    void missingArgumentIsOneLine() throws IOException {
        try (TorchScriptGenerator g = TorchScriptGenerator.builder().setModelPath(TorchScriptFixtures.classGenerator())
                .setLatentShape(TorchScriptFixtures.LATENT).setImageShape(TorchScriptFixtures.IMAGE)
                .optDataType(DataType.FLOAT64).build()) {
            NDArray z = ContractChecks.normal(manager, new Shape(1, 2, 3, 3), DataType.FLOAT64, SEED);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.generate(z, Condition.repeat("x", 1, 1)));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(TorchScriptFixtures.classGenerator() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("'c'"), e.getMessage());
        }
    }

    @Test
    void classIdsAreRangeChecked() throws IOException {
        try (TorchScriptGenerator g = TorchScriptGenerator.builder().setModelPath(TorchScriptFixtures.classGenerator())
                .setLatentShape(TorchScriptFixtures.LATENT).setImageShape(TorchScriptFixtures.IMAGE)
                .optDataType(DataType.FLOAT64).optConditionInput(ConditionInput.CLASS_INDEX).optNumClasses(10)
                .optLabel("gen.pt").build()) {
            NDArray z = ContractChecks.normal(manager, new Shape(2, 2, 3, 3), DataType.FLOAT64, SEED);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> g.generate(z, Condition.of(List.of("a", "b"), new int[] {3, 10})));
            assertEquals("gen.pt: class id 10 out of range (0..9) for sample 1 (prompt \"b\")", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> g.generate(z, Condition.repeat("t", -1, 2)));
            assertTrue(e.getMessage().startsWith("gen.pt: class id -1 out of range"), e.getMessage());
            assertEquals(new Shape(2, 1, 4, 4), g.generate(z, Condition.of(List.of("a", "b"), new int[] {0, 9}))
                    .getShape());
        }
        assertThrows(IllegalArgumentException.class, () -> TorchScriptGenerator.builder().optNumClasses(0));
    }

    @Test
    void tokensNeedATokenizerOfTheRightLength() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchScriptReward.builder()
                .setModelPath(TorchScriptFixtures.embeddingReward()).setImageShape(TorchScriptFixtures.IMAGE)
                .optConditionInput(ConditionInput.TOKENS).build());
        assertTrue(e.getMessage().contains("optTokenizer"), e.getMessage());

        PromptTokenizer shortRows = new PromptTokenizer() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int maxLength() {
                return 3;
            }

            @Override
            public long padId() {
                return 0;
            }

            @Override
            public long[][] encode(List<String> prompts) {
                return prompts.stream().map(p -> new long[] {1, 2}).toArray(long[][]::new);
            }
        };
        try (TorchScriptReward r = TorchScriptReward.builder().setModelPath(TorchScriptFixtures.embeddingReward())
                .setImageShape(TorchScriptFixtures.IMAGE).optConditionInput(ConditionInput.TOKENS)
                .optTokenizer(shortRows).optLabel("r.pt").build()) {
            NDArray x = ContractChecks.images(manager, new Shape(1, 1, 4, 4), DataType.FLOAT32, SEED);
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> r.score(x, Condition.repeat("p", -1, 1)));
            assertEquals("r.pt: tokenizer broken returned a row of 2 ids, expected 3", s.getMessage());
        }
    }

    @Test
    void discriminatorWithoutFeaturesSaysSo() throws IOException {
        try (TorchScriptDiscriminator d = TorchScriptDiscriminator.builder().setModelPath(TorchScriptFixtures
                .squash()).setImageShape(new Shape(1, 1, 1)).optDataType(DataType.FLOAT64).optLabel("d.pt")
                .build()) {
            NDArray x = ContractChecks.images(manager, new Shape(3, 1, 1, 1), DataType.FLOAT64, SEED);
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> d.logits(x, Condition.repeat("p", 0, 3)));
            assertTrue(s.getMessage().startsWith("d.pt: discriminator returned logits of shape (3, 1, 1, 1)"),
                    s.getMessage());
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, d::featureDim);
            assertTrue(u.getMessage().contains("optFeatures"), u.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> d.features(x));
        }
    }
}
