package io.genalign.core.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.testing.GenalignTestBase;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pair-folder format: round trip, and every bad line reported with its number. */
class PreferencePairsTest extends GenalignTestBase {
    private static final Shape IMAGE = new Shape(1, 28, 28);

    @TempDir
    Path tmp;

    private List<PreferencePairs.NewPair> two() {
        NDArray a = manager.randomUniform(-1, 1, new Shape(1, 28, 28));
        NDArray b = manager.randomUniform(-1, 1, new Shape(1, 28, 28));
        return List.of(new PreferencePairs.NewPair("ankle boot", 9, a, b, PreferencePairs.Winner.B, 0.1, 0.7),
                new PreferencePairs.NewPair("say \"hi\", twice", 3, b, a, PreferencePairs.Winner.A, 2, 1));
    }

    @Test
    void roundTripKeepsPromptsClassesWinnersAndPixelsToEightBits() throws Exception {
        Path dir = tmp.resolve("pairs");
        List<PreferencePairs.NewPair> pairs = two();
        PreferencePairs.write(dir, pairs);
        PreferencePairs.PairSet set = PreferencePairs.read(dir, IMAGE);
        assertEquals(List.of(), set.problems());
        assertEquals(2, set.size());
        assertEquals("ankle boot", set.pairs().get(0).prompt());
        assertEquals("say \"hi\", twice", set.pairs().get(1).prompt());
        assertEquals(9, set.pairs().get(0).classId());
        // pair 0: b won, so the winner's pixels are image b's
        float[] b = pairs.get(0).imageB().toFloatArray();
        float[] w = set.pairs().get(0).winner();
        for (int i = 0; i < b.length; i++) {
            assertEquals(b[i], w[i], 1.0 / 255 + 1e-6, "8-bit quantisation");
        }
        NDArray winners = set.images(manager, new int[] {1, 0}, true);
        assertEquals(new Shape(2, 1, 28, 28), winners.getShape());
        assertArrayEquals(set.pairs().get(1).winner(), winners.get(0).reshape(-1).toFloatArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> PreferencePairs.write(dir, pairs), "refuses to overwrite");
    }

    @Test
    void everyBadLineIsReportedWithItsNumber() throws Exception {
        Path dir = tmp.resolve("bad");
        PreferencePairs.write(dir, two());
        Files.createDirectories(dir.resolve("images"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(10, 10,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("images/small.png").toFile());
        String good = "ankle boot,9,images/00000a.png,images/00000b.png,b";
        Files.writeString(dir.resolve(PreferencePairs.INDEX), String.join("\n",
                PreferencePairs.HEADER,
                good,                                                      // line 2: fine (5 columns)
                "ankle boot,9,images/missing.png,images/00000b.png,a",     // 3: missing image
                "ankle boot,9,images/00000a.png,images/00000b.png,c",      // 4: bad winner
                "ankle boot,x,images/00000a.png,images/00000b.png,a",      // 5: bad class
                "ankle boot,9,images/00000a.png",                          // 6: too few columns
                "ankle boot,9,images/small.png,images/00000b.png,a",       // 7: wrong size
                "\"unterminated,9,images/00000a.png,images/00000b.png,a",  // 8: bad quoting
                "") + "\n");
        PreferencePairs.PairSet set = PreferencePairs.read(dir, IMAGE);
        assertEquals(1, set.size());
        assertEquals(6, set.problems().size(), set.problems().toString());
        String all = String.join("\n", set.problems());
        for (String expected : new String[] {"line 3: image images/missing.png is missing", "line 4: winner",
            "line 5: class", "line 6: expected 5 or 7 columns", "line 7: image images/small.png is 10x10",
            "line 8: unterminated"}) {
            assertTrue(all.contains(expected), "missing '" + expected + "' in:\n" + all);
        }
    }

    @Test
    void missingIndexOrWrongHeaderIsAnError() throws Exception {
        assertThrows(NoSuchFileException.class, () -> PreferencePairs.read(tmp, IMAGE));
        Files.writeString(tmp.resolve(PreferencePairs.INDEX), "a,b,c\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreferencePairs.read(tmp,
                IMAGE));
        assertTrue(e.getMessage().contains(PreferencePairs.HEADER));
    }
}
