package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.train.CheckpointStore;
import io.genalign.zoo.train.WorkFolder;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 through the CLI: outputs that cannot destroy anything, errors people can act on, small checks. */
class ReliabilityCliTest extends GenalignTestBase {
    @TempDir
    Path tmp;

    static GaussianityCommandTest.Run run(String... args) {
        return GaussianityCommandTest.run(args);
    }

    /** One line on stderr, no stack trace. */
    static void oneLine(GaussianityCommandTest.Run r) {
        String err = r.err().strip();
        assertFalse(err.contains("\tat "), err);
        assertEquals(1, err.lines().count(), err);
    }

    /** A small pair folder written by hand: two pairs of classes 9 and 8. */
    Path pairFolder(String name) throws IOException {
        Path dir = tmp.resolve(name);
        NDArray a = manager.randomUniform(-1, 1, new Shape(1, 28, 28));
        NDArray b = manager.randomUniform(-1, 1, new Shape(1, 28, 28));
        PreferencePairs.write(dir, List.of(
                new PreferencePairs.NewPair("ankle boot", 9, a, b, PreferencePairs.Winner.A, 1, 0),
                new PreferencePairs.NewPair("bag", 8, b, a, PreferencePairs.Winner.B, 0, 1)));
        return dir;
    }

    @Test
    void overwriteNeverTakesTheWorkingDirectoryOrAnInputFolder() throws Exception {
        long before;
        try (var s = Files.list(Path.of(""))) {
            before = s.count();
        }
        GaussianityCommandTest.Run r = run("align", "--prompt", "ankle boot", "--out", ".", "--overwrite");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the working directory"), r.err());
        oneLine(r);
        try (var s = Files.list(Path.of(""))) {
            assertEquals(before, s.count(), "nothing touched");
        }

        Path pairs = pairFolder("pairs");
        String csv = Files.readString(pairs.resolve("pairs.csv"));
        GaussianityCommandTest.Run d = run("dpo", "--divergence", "js", "--pairs", pairs.toString(), "--out",
                pairs.toString(), "--overwrite", "--steps", "1");
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().contains("the command reads"), d.err());
        assertEquals(csv, Files.readString(pairs.resolve("pairs.csv")));

        Path mine = Files.createDirectories(tmp.resolve("users-folder"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        GaussianityCommandTest.Run u = run("align", "--prompt", "ankle boot", "--out", mine.toString(), "--overwrite");
        assertEquals(2, u.code(), u.err());
        assertTrue(u.err().contains("not made by genalign"), u.err());
        assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
    }

    @Test
    void badPairFilesAndWeightFilesGiveOneLineWithPathAndReason() throws Exception {
        Path latin1 = Files.createDirectories(tmp.resolve("latin1"));
        Files.write(latin1.resolve("pairs.csv"), (PreferencePairs.HEADER + "\nt-shirt/top,0,caf\u00e9.png,b.png,a\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        GaussianityCommandTest.Run r = run("dpo", "--divergence", "js", "--pairs", latin1.toString(), "--out",
                tmp.resolve("o1").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(latin1.resolve("pairs.csv") + ": not UTF-8 text"), r.err());
        oneLine(r);

        Path folderIndex = Files.createDirectories(tmp.resolve("dirindex").resolve("pairs.csv"));
        r = run("dpo", "--divergence", "js", "--pairs", folderIndex.getParent().toString(), "--out",
                tmp.resolve("o2").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(folderIndex + ": is a folder, expected a file"), r.err());
        oneLine(r);

        Path notWeights = Files.writeString(tmp.resolve("notes.params"), "these are not weights\n");
        r = run("dpo", "--divergence", "js", "--base", notWeights.toString(), "--out", tmp.resolve("o3").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(notWeights + ": not a weight file"), r.err());
        oneLine(r);
        r = run("dpo", "--divergence", "js", "--base", tmp.toString(), "--out", tmp.resolve("o4").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(tmp + ": is a folder"), r.err());
        oneLine(r);

        r = run("sample", "--prompt", "bag", "--weights", notWeights.toString(), "--out",
                tmp.resolve("s.png").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(notWeights + ": not a weight file"), r.err());
        oneLine(r);
        GaussianityCommandTest.Run v = run("sample", "--prompt", "bag", "--weights", notWeights.toString(), "--out",
                tmp.resolve("s.png").toString(), "--verbose");
        assertEquals(2, v.code(), v.err());
        assertTrue(v.err().contains("\tat "), "--verbose prints the stack trace: " + v.err());
    }

    @Test
    void aFileWhereAFolderIsNeededIsOneLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        GaussianityCommandTest.Run r = run("align", "--prompt", "ankle boot", "--out", file.resolve("sub").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(file + ": a file is in the way where a folder is needed"), r.err());
        oneLine(r);
    }

    /** Write failures that cannot be staged as root in a test are classified from the exceptions the JDK throws. */
    @Test
    void writeFailuresNameThePathAndTheReason() throws Exception {
        IOException full = null;
        try (FileOutputStream out = new FileOutputStream("/dev/full")) {
            out.write(new byte[1 << 16]);
            out.flush();
        } catch (IOException e) {
            full = e;
        }
        if (full != null) { // Linux: ENOSPC from /dev/full
            GenalignCli.Failure f = GenalignCli.classify(AtomicFiles.withPath(Path.of("/r/metrics.csv"), full));
            assertEquals("/r/metrics.csv: no space left on device", f.message());
            assertEquals(GenalignCli.EXIT_INTERNAL, f.exitCode());
            assertFalse(f.unexpected());
        }
        GenalignCli.Failure ro = GenalignCli.classify(new FileSystemException("/mnt/ro/run", null,
                "Read-only file system"));
        assertEquals("/mnt/ro/run: read-only file system", ro.message());
        assertEquals(1, ro.exitCode());
        GenalignCli.Failure denied = GenalignCli.classify(new UncheckedIOException(new AccessDeniedException(
                "/etc/x")));
        assertEquals("/etc/x: permission denied", denied.message());
        assertEquals(1, denied.exitCode());
        GenalignCli.Failure missing = GenalignCli.classify(new NoSuchFileException("/data/x.npy"));
        assertEquals("/data/x.npy: no such file or folder", missing.message());
        assertEquals(GenalignCli.EXIT_BAD_INPUT, missing.exitCode());
        GenalignCli.Failure notDir = GenalignCli.classify(new NotDirectoryException("/data/f"));
        assertEquals("/data/f: not a folder (a file is in the way)", notDir.message());
        assertEquals(GenalignCli.EXIT_BAD_INPUT, notDir.exitCode());
        GenalignCli.Failure isDir = GenalignCli.classify(new FileSystemException("/data/d", null, "Is a directory"));
        assertEquals("/data/d: is a folder, expected a file", isDir.message());
        assertEquals(GenalignCli.EXIT_BAD_INPUT, isDir.exitCode());
        GenalignCli.Failure bug = GenalignCli.classify(new NullPointerException("oops"));
        assertTrue(bug.unexpected());
        assertEquals(1, bug.exitCode());
    }

    @Test
    void badPairLinesAreCaughtBeforeAnyModelRunsAndSkipBadPairsSkipsEveryKind() throws Exception {
        Path pairs = pairFolder("p");
        Files.writeString(pairs.resolve("pairs.csv"), Files.readString(pairs.resolve("pairs.csv"))
                + "bag,42,images/00000a.png,images/00000b.png,a\n"        // line 4: class 42
                + "bag,8,../outside.png,images/00000b.png,a\n"            // line 5: out of the folder
                + "ankle boot,9,images/00000a.png,images/00000b.png,b\n"  // line 6: duplicate of line 2
                + "coat,9,images/00001a.png,images/00001a.png,b\n");      // line 7: prompt/class, a == b
        Path out = tmp.resolve("run");
        GaussianityCommandTest.Run r = run("dpo", "--divergence", "js", "--pairs", pairs.toString(), "--out",
                out.toString(), "--steps", "1");
        assertEquals(2, r.code(), r.err());
        for (String s : new String[] {"4 bad line(s)", "line 4: class 42 is outside 0..9", "line 5: image path "
            + "../outside.png leads out", "line 6: duplicate of line 2", "line 7: prompt 'coat' is class 4"}) {
            assertTrue(r.err().contains(s), s + " in " + r.err());
        }
        assertFalse(Files.exists(tmp.resolve("run.work")), "refused before any model or folder was made");

        // --skip-bad-pairs leaves out every kind and says how many and why
        GaussianityCommandTest.Run s = run("dpo", "--divergence", "js", "--pairs", pairs.toString(), "--out",
                out.toString(), "--skip-bad-pairs", "--steps", "1", "--batch", "2", "--eval-per-class", "2",
                "--ddim-steps", "2");
        assertEquals(0, s.code(), s.err() + s.out());
        assertTrue(s.out().contains("--skip-bad-pairs: left out 4 bad line(s)") && s.out().contains("2 bad class or "
                + "prompt") && s.out().contains("1 path outside the folder") && s.out().contains("1 duplicate")
                && s.out().contains("training on 2"), s.out());
        String prov = Files.readString(out.resolve("provenance.json"));
        assertTrue(prov.contains("\"pair_count\" : 2"), prov);
    }

    @Test
    void judgeAndBandwidthErrorsNameTheirFlag() {
        GaussianityCommandTest.Run r = run("dpo", "--divergence", "js", "--judge", "realism=NaN", "--out",
                tmp.resolve("j").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad --judge realism=NaN"), r.err());
        r = run("dpo", "--divergence", "js", "--judge", "contrast=0", "--out", tmp.resolve("j").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad --judge contrast=0"), r.err());
        for (String bw : List.of("1e-300", "1e300", "-1", "wide")) {
            KernelOptions k = new KernelOptions();
            k.bandwidth = bw;
            IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                    () -> k.applyTo(RefineOptions.builder()));
            assertTrue(e.getMessage().startsWith("bad --bandwidth " + bw), e.getMessage());
        }
        KernelOptions ok = new KernelOptions();
        ok.bandwidth = "0.5";
        ok.applyTo(RefineOptions.builder());
        KernelOptions ridge = new KernelOptions();
        ridge.ridge = "-2r";
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> ridge.applyTo(RefineOptions.builder()));
        assertTrue(e.getMessage().startsWith("bad --ridge -2r"), e.getMessage());
    }

    /** Item 5: a command that fails after its run folder was created leaves no .NAME.partial-PID behind. */
    @Test
    void aFailedCommandLeavesNoTemporaryFolder() throws Exception {
        Path pairs = pairFolder("pairs");
        Path out = tmp.resolve("fails");
        Path foreignWork = Files.createDirectories(tmp.resolve("fails.work"));
        Files.writeString(foreignWork.resolve("mine.txt"), "not genalign's");
        List<String> before = names(tmp);
        GaussianityCommandTest.Run r = run("dpo", "--divergence", "js", "--pairs", pairs.toString(), "--out",
                out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(foreignWork + " is not empty and was not made by genalign"), r.err());
        assertEquals(before, names(tmp), "no .fails.partial-PID left behind");
        assertEquals("not genalign's", Files.readString(foreignWork.resolve("mine.txt")));
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /**
     * Issue 12, item 3: a dpo rerun with other options refuses to reuse OUT.work (one line saying what differs and
     * what to do); with --overwrite it starts again and gives the same weights as a fresh run with those options.
     */
    @Test
    void dpoResumesOnlyWithTheSameOptions() throws Exception {
        Path pairs = pairFolder("pairs");
        Path base = tmp.resolve("fresh-unet.params");
        try (NDManager m = manager.newSubManager()) {
            Block u = Diffusion.newUNet();
            u.initialize(m, DataType.FLOAT32, Diffusion.inputShapes(1));
            BlockParameters.save(u, base);
        }
        List<String> common = List.of("--pairs", pairs.toString(), "--base", base.toString(), "--steps", "2",
                "--batch", "2", "--eval-per-class", "2", "--checkpoint-every", "1", "--ddim-steps", "2");
        Path f = tmp.resolve("F");
        GaussianityCommandTest.Run r = run(args(common, "dpo", "--divergence", "reverse-kl", "--out", f.toString()));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(Files.exists(f.resolve(RunFolder.MARKER)));
        assertTrue(Files.exists(tmp.resolve("F.work").resolve(WorkFolder.MARKER)));

        // the report is gone (say, an interrupted rerun), the work folder stays: other flags are refused
        CheckpointStore.deleteRecursively(f);
        r = run(args(common, "dpo", "--divergence", "forward-kl", "--lr", "0.01", "--out", f.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--divergence reverse-kl there, forward-kl now") && r.err().contains(
                "--lr 1.0E-4 there, 0.01 now") && r.err().contains("use a new --out, or --overwrite to start again"),
                r.err());
        oneLine(r);

        r = run(args(common, "dpo", "--divergence", "forward-kl", "--lr", "0.01", "--out", f.toString(),
                "--overwrite"));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("again"), r.out());
        Path g = tmp.resolve("G");
        r = run(args(common, "dpo", "--divergence", "forward-kl", "--lr", "0.01", "--out", g.toString()));
        assertEquals(0, r.code(), r.err() + r.out());
        Assertions.assertArrayEquals(Files.readAllBytes(g.resolve("policy.params")),
                Files.readAllBytes(f.resolve("policy.params")), "the forward-kl weights, not the reverse-kl run's");
        String prov = Files.readString(f.resolve("provenance.json"));
        assertTrue(prov.contains("forward-kl"), prov);
    }

    /** The pairs made in OUT.work are reused only by a rerun that would make the same ones. */
    @Test
    void madePairsAreReusedOnlyWithTheSameJudge() throws Exception {
        Path base = tmp.resolve("fresh-unet.params");
        try (NDManager m = manager.newSubManager()) {
            Block u = Diffusion.newUNet();
            u.initialize(m, DataType.FLOAT32, Diffusion.inputShapes(1));
            BlockParameters.save(u, base);
        }
        List<String> common = List.of("--base", base.toString(), "--per-prompt", "1", "--steps", "1", "--batch", "2",
                "--eval-per-class", "2", "--ddim-steps", "2");
        Path f = tmp.resolve("M");
        GaussianityCommandTest.Run r = run(args(common, "dpo", "--divergence", "js", "--out", f.toString()));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("made 10 pairs"), r.out());
        assertTrue(Files.exists(tmp.resolve("M.work/pairs/pairs.csv")));
        r = run(args(common, "dpo", "--divergence", "js", "--out", f.toString(), "--judge", "contrast=1",
                "--overwrite"));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("started") && r.out().contains("made 10 pairs"), "new pairs for the new judge: "
                + r.out());
        CheckpointStore.deleteRecursively(f);
        r = run(args(common, "dpo", "--divergence", "js", "--out", f.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--judge contrast=1 there, realism=1 contrast=1 now"), r.err());
    }

    static String[] args(List<String> common, String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(common);
        return all.toArray(new String[0]);
    }

    /** Issue 12, item 3 through the CLI: zoo train --work refuses a non-empty folder it did not make. */
    @Test
    void zooTrainRefusesAWorkFolderItDidNotMake() throws Exception {
        Path data = tinyFashionMnist();
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("losses.csv"), "a user's table\n");
        GaussianityCommandTest.Run r = run("zoo", "train", "classifier-b", "--steps", "1", "--work", work.toString(),
                "--data", data.toString(), "--overwrite");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(work + " is not empty and was not made by genalign"), r.err());
        oneLine(r);
        assertEquals("a user's table\n", Files.readString(work.resolve("losses.csv")));
    }

    /**
     * --init-from's bad sources, and a data folder smaller than the model's training slice: one line, exit 2. (The
     * start from shipped weights itself: ZooTrainerSmokeTest.)
     */
    @Test
    void zooTrainInitFromAndDataSizeErrors() throws Exception {
        Path data = tinyFashionMnist();
        Path work = Files.createDirectories(tmp.resolve("init"));
        Path weights = Files.write(work.resolve("classifier-b.params"), new byte[] {1, 2, 3});
        Path other = Files.write(tmp.resolve("other.params"), new byte[] {1, 2, 3});
        for (String[] bad : new String[][] {{"gan", "shipped", "the gan has two networks"},
                {"classifier-b", tmp.resolve("missing.params").toString(), "missing.params"},
                {"classifier-b", weights.toString(), "lies inside the work folder"},
                {"classifier-a", other.toString(), "not a weight file of this model"},
                {"classifier-b", "shipped", "has 16 training images; classifier-b trains on images 10000..60000"}}) {
            Path w = tmp.resolve("bad-" + bad[0] + bad[2].length());
            GaussianityCommandTest.Run r = run("zoo", "train", bad[0], "--steps", "1", "--work",
                    bad[2].contains("inside") ? work.toString() : w.toString(), "--data", data.toString(),
                    "--init-from", bad[1]);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(bad[2]), r.err());
            oneLine(r);
        }
        assertEquals(3, Files.size(weights), "the work folder's file is untouched");
        for (String lr : new String[] {"0", "-1e-3", "NaN", "Infinity"}) {
            GaussianityCommandTest.Run r = run("zoo", "train", "classifier-b", "--steps", "1", "--work",
                    tmp.resolve("lr").toString(), "--data", data.toString(), "--lr", lr);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--lr must be a positive finite number"), r.err());
            oneLine(r);
            assertFalse(Files.exists(tmp.resolve("lr")), "a refused --lr creates no work folder");
        }
    }

    /** A Fashion-MNIST folder of 16 blank training and test images (labels 0..9 cycling). */
    private Path tinyFashionMnist() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("fashion"));
        int n = 16;
        for (String p : new String[] {"train", "t10k"}) {
            idx(data.resolve(p + "-images-idx3-ubyte"), new int[] {n, 28, 28}, new byte[n * 784]);
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (i % 10);
            }
            idx(data.resolve(p + "-labels-idx1-ubyte"), new int[] {n}, labels);
        }
        return data;
    }

    private static void idx(Path file, int[] dims, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        Files.write(file, b.array());
    }
}
