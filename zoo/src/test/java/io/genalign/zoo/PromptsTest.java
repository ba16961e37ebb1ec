package io.genalign.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PromptsTest {
    @Test
    void classNamesAndSynonymsMapToClasses() {
        assertEquals(9, Prompts.classOf("ankle boot"));
        assertEquals(9, Prompts.classOf("  Boot "));
        assertEquals(0, Prompts.classOf("T-Shirt"));
        assertEquals(0, Prompts.classOf("t-shirt/top"));
        assertEquals(7, Prompts.classOf("sneaker"));
        assertEquals(7, Prompts.classOf("trainers"));
        assertEquals(1, Prompts.classOf("pants"));
        assertEquals(8, Prompts.classOf("handbag"));
        assertEquals(2, Prompts.classOf("sweater"));
        for (int c = 0; c < 10; c++) {
            assertEquals(c, Prompts.classOf(Prompts.className(c)));
        }
    }

    @Test
    void unknownPromptListsWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prompts.classOf("a cat"));
        assertTrue(e.getMessage().contains("a cat") && e.getMessage().contains("ankle boot")
                && e.getMessage().contains("sneaker"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prompts.classOf(null));
        assertThrows(IllegalArgumentException.class, () -> Prompts.className(10));
    }
}
