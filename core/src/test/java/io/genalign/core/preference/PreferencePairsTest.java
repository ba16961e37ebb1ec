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

    /**
     * Issue 12, item 6: image paths must resolve inside the folder (no absolute paths, no .., no symbolic links
     * leading out; nothing outside is opened), a == b and duplicates are bad lines, and the caller's class check
     * runs while reading.
     */
    @Test
    void pathsLeadingOutDuplicatesAndSameImagesAreBadLines() throws Exception {
        Path dir = tmp.resolve("p");
        PreferencePairs.write(dir, two());
        Path outside = tmp.resolve("outside.png");
        Files.copy(dir.resolve("images/00000a.png"), outside);
        Files.createSymbolicLink(dir.resolve("images/link.png"), outside);
        Files.createSymbolicLink(dir.resolve("images/inner.png"), dir.resolve("images/00001a.png"));
        Files.copy(dir.resolve("images/00000a.png"), dir.resolve("images/copy-of-a.png"));
        Files.writeString(dir.resolve(PreferencePairs.INDEX), String.join("\n",
                PreferencePairs.HEADER,
                "ankle boot,9,images/00000a.png,images/00000b.png,b",       // 2: fine
                "ankle boot,9,../outside.png,images/00000b.png,a",           // 3: ..
                "ankle boot,9," + outside + ",images/00000b.png,a",           // 4: absolute
                "ankle boot,9,images/link.png,images/00000b.png,a",          // 5: symlink out
                "ankle boot,9,../../../etc/passwd,images/00000b.png,a",      // 6: ..
                "ankle boot,9,images/00000a.png,images/./00000a.png,a",      // 7: a == b
                "ankle boot,9,images/00000b.png,images/00000a.png,a",        // 8: duplicate of 2 (swapped)
                "ankle boot,9,images/00000a.png,images/copy-of-a.png,a",     // 9: identical pixels
                "bag,42,images/00001a.png,images/00001b.png,a",              // 10: class the check refuses
                "bag,8,images/inner.png,images/00001b.png,a",                // 11: fine (a link inside)
                "") + "\n");
        PreferencePairs.PairSet set = PreferencePairs.read(dir, IMAGE,
                (prompt, c) -> c > 9 ? "class " + c + " is outside 0..9" : null);
        String all = String.join("\n", set.problems());
        assertEquals(2, set.size(), all);
        assertEquals(List.of(2, 11), set.pairs().stream().map(PreferencePairs.Pair::line).toList());
        for (String expected : new String[] {"line 3: image path ../outside.png leads out of the pair folder",
            "line 4: image path " + outside + " is absolute", "line 5: image images/link.png is a symbolic link that "
            + "leads out", "line 6: image path ../../../etc/passwd leads out", "line 7: image_a and image_b are the "
            + "same file", "line 8: duplicate of line 2", "line 9: image_a and image_b are identical",
            "line 10: class 42 is outside 0..9"}) {
            assertTrue(all.contains(expected), "missing '" + expected + "' in:\n" + all);
        }
        assertEquals(8, set.problems().size(), all);
    }

    /** Issue 12, item 5: a Latin-1 pairs.csv and a folder named pairs.csv give one line with the path and reason. */
    @Test
    void latin1OrFolderIndexIsABadFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("latin1"));
        Files.write(dir.resolve(PreferencePairs.INDEX), (PreferencePairs.HEADER + "\ncaf\u00e9,1,a.png,b.png,a\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        io.genalign.core.io.BadFileException e = assertThrows(io.genalign.core.io.BadFileException.class,
                () -> PreferencePairs.read(dir, IMAGE));
        assertTrue(e.getMessage().startsWith(dir.resolve(PreferencePairs.INDEX) + ": not UTF-8 text (byte 0xe9 at "
                + "line 2)"), e.getMessage());
        Path folder = Files.createDirectories(tmp.resolve("f").resolve(PreferencePairs.INDEX));
        java.nio.file.FileSystemException f = assertThrows(java.nio.file.FileSystemException.class,
                () -> PreferencePairs.read(folder.getParent(), IMAGE));
        assertEquals(folder.toString(), f.getFile());
    }
}
