package io.genalign.core.model.folder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Padding, truncation and errors of the tokenizer over a WordLevel tokenizer.json written by the test. */
class HuggingFacePromptTokenizerTest {
    @TempDir
    Path tmp;

    private Path tokenizerFile() throws IOException {
        Path f = tmp.resolve("tokenizer.json");
        Files.writeString(f, FolderFixtures.tokenizerJson(), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void padsWithZeroAndTruncatesToMaxLength() throws IOException {
        try (HuggingFacePromptTokenizer t = HuggingFacePromptTokenizer.load("clip", tokenizerFile(), "tokenizer.json",
                4, 0)) {
            assertEquals("clip", t.name());
            assertEquals(4, t.maxLength());
            long[][] ids = t.encode(List.of("a cat", "A Photo of a red dog", "zebra", "", "red"));
            assertEquals(5, ids.length);
            assertArrayEquals(new long[] {2, 5, 0, 0}, ids[0]);
            assertArrayEquals(new long[] {2, 3, 4, 2}, ids[1]); // lowercased, cut after 4
            assertArrayEquals(new long[] {1, 0, 0, 0}, ids[2]); // unknown word
            assertArrayEquals(new long[] {0, 0, 0, 0}, ids[3]); // empty prompt: all padding
            assertArrayEquals(new long[] {7, 0, 0, 0}, ids[4]);
            for (String p : List.of("a cat", "A Photo of a red dog", "zebra", "")) {
                assertArrayEquals(FolderFixtures.tokens(p, 4), t.encode(List.of(p))[0], p);
            }
            assertEquals(0, t.encode(List.of()).length);
        }
    }

    @Test
    void padIdAndLengthOne() throws IOException {
        try (HuggingFacePromptTokenizer t = HuggingFacePromptTokenizer.load("clip", tokenizerFile(), "tokenizer.json",
                6, 9)) {
            assertArrayEquals(new long[] {5, 6, 9, 9, 9, 9}, t.encode(List.of("cat dog"))[0]);
        }
        try (HuggingFacePromptTokenizer t = HuggingFacePromptTokenizer.load("clip", tokenizerFile(), "tokenizer.json",
                1, 0)) {
            assertArrayEquals(new long[] {6}, t.encode(List.of("dog cat"))[0]);
        }
    }

    @Test
    void theFilesOwnPaddingIsReplacedAndSpecialTokensSurviveTruncation() throws IOException {
        String base = FolderFixtures.tokenizerJson();
        Path padded = tmp.resolve("padded.json");
        Files.writeString(padded, base.replace("\"padding\":null", "\"padding\":{\"strategy\":{\"Fixed\":8},"
                + "\"direction\":\"Right\",\"pad_to_multiple_of\":null,\"pad_id\":7,\"pad_type_id\":0,"
                + "\"pad_token\":\"red\"}"));
        try (HuggingFacePromptTokenizer t = HuggingFacePromptTokenizer.load("p", padded, "padded.json", 4, 0)) {
            assertArrayEquals(new long[] {2, 5, 0, 0}, t.encode(List.of("a cat"))[0]);
        }
        Path special = tmp.resolve("special.json");
        String template = "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\","
                + "\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":"
                + "\"[SEP]\",\"type_id\":0}}],\"pair\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],\"special_tokens\":{\"[CLS]\":{\"id\":"
                + "\"[CLS]\",\"ids\":[8],\"tokens\":[\"[CLS]\"]},\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[9],"
                + "\"tokens\":[\"[SEP]\"]}}}";
        Files.writeString(special, base.replace("\"post_processor\":null", "\"post_processor\":" + template)
                .replace("\"red\": 7", "\"red\": 7, \"[CLS]\": 8, \"[SEP]\": 9"));
        try (HuggingFacePromptTokenizer t = HuggingFacePromptTokenizer.load("s", special, "special.json", 4, 0)) {
            assertArrayEquals(new long[] {8, 2, 3, 9}, t.encode(List.of("a photo of a red dog"))[0]);
            assertArrayEquals(new long[] {8, 5, 9, 0}, t.encode(List.of("cat"))[0]);
        }
    }

    @Test
    void missingOrCorruptFileIsOneLineNamingIt() throws IOException {
        ModelFolderException e = assertThrows(ModelFolderException.class, () -> HuggingFacePromptTokenizer.load(
                "clip", tmp.resolve("none.json"), "tok/none.json", 4, 0));
        assertTrue(e.getMessage().startsWith("tok/none.json: "), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        Path corrupt = tmp.resolve("corrupt.json");
        Files.writeString(corrupt, "{\"model\": {\"type\": \"NoSuchModel\"}}");
        e = assertThrows(ModelFolderException.class, () -> HuggingFacePromptTokenizer.load("clip", corrupt,
                "corrupt.json", 4, 0));
        assertTrue(e.getMessage().startsWith("corrupt.json: not a HuggingFace tokenizer file"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        Files.writeString(corrupt, "not json at all");
        e = assertThrows(ModelFolderException.class, () -> HuggingFacePromptTokenizer.load("clip", corrupt,
                "corrupt.json", 4, 0));
        assertTrue(e.getMessage().startsWith("corrupt.json: not a HuggingFace tokenizer file"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> HuggingFacePromptTokenizer.load("clip", tokenizerFile(),
                "tokenizer.json", 0, 0));
    }
}
