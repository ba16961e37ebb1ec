package io.genalign.cli.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptsFileTest {
    @TempDir
    Path tmp;

    @Test
    void skipsBlankLinesAndCommentsAndReportsRepeats() {
        PromptsFile p = PromptsFile.parse(Path.of("x"), "\uFEFF# header\n a red shoe \r\n\n  # indented comment\n"
                + "un chat noir\na red shoe\n");
        assertEquals(List.of("a red shoe", "un chat noir"), p.prompts());
        assertEquals(Map.of("a red shoe", List.of(2, 6)), p.duplicates());
    }

    @Test
    void refusesAnEmptyOrNonUtf8File() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> PromptsFile.parse(Path.of("x"), "# only\n\n"));
        Path f = tmp.resolve("latin1.txt");
        Files.write(f, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptsFile.read(f));
        assertEquals(f + ": the prompts file is not UTF-8 text", e.getMessage());
    }

    @Test
    void taskSeedsAreStableAndDistinct() {
        BatchTask a = BatchTask.of("sneaker", 0, 0);
        assertEquals(a, BatchTask.of("sneaker", 0, 0));
        assertNotEquals(a.seed(), BatchTask.of("sneaker", 1, 0).seed());
        assertNotEquals(a.seed(), BatchTask.of("sneaker", 0, 1).seed());
        assertNotEquals(a.seed(), BatchTask.of("dress", 0, 0).seed());
        assertEquals("sneaker-07d31623-s0", a.id());
    }
}
