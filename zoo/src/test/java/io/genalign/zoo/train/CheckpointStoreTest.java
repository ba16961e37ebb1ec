package io.genalign.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints become visible in one step; a crash at any point leaves the previous one in use (issue 12, item 4). */
class CheckpointStoreTest {
    @TempDir
    Path tmp;

    @AfterEach
    void noHook() {
        CheckpointStore.setCrashHookForTests(null);
    }

    static Map<String, CheckpointStore.FileWriter> files(int step) {
        Map<String, CheckpointStore.FileWriter> m = new LinkedHashMap<>();
        for (String name : List.of("weights.params", "optimizer.bin", "state.json")) {
            m.put(name, f -> Files.writeString(f, name + " at step " + step));
        }
        return m;
    }

    @Test
    void aCrashBetweenAnyTwoFilesLeavesThePreviousCheckpoint() throws Exception {
        for (int k = 1; k <= 4; k++) { // after file 1, 2, 3 and after the manifest (before the rename)
            Path dir = tmp.resolve("k" + k);
            CheckpointStore store = new CheckpointStore(dir);
            store.save(1, files(1), Map.of("fingerprint", Map.of("--lr", "0.1")));
            int crashAt = k;
            CheckpointStore.setCrashHookForTests((step, written) -> {
                if (step == 2 && written == crashAt) {
                    throw new IOException("simulated crash after file " + written);
                }
            });
            assertThrows(IOException.class, () -> store.save(2, files(2), Map.of()));
            CheckpointStore.setCrashHookForTests(null);
            CheckpointStore.Checkpoint c = store.latest().orElseThrow();
            assertEquals(1, c.step(), "crash after file " + k);
            assertEquals("state.json at step 1", Files.readString(c.file("state.json")));
            assertEquals(Map.of("--lr", "0.1"), c.meta().get("fingerprint"));
            // the next save clears the leftovers
            store.save(2, files(2), Map.of());
            try (var s = Files.list(dir)) {
                assertEquals(List.of("step-00000002"), s.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    /** A write that fails (say, a full disk) removes its half checkpoint; the previous one stays. */
    @Test
    void aFailedWriteLeavesNoHalfCheckpoint() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("s"));
        store.save(1, files(1), Map.of());
        Map<String, CheckpointStore.FileWriter> failing = new LinkedHashMap<>(files(2));
        failing.put("big.bin", f -> {
            throw new IOException("No space left on device");
        });
        assertThrows(IOException.class, () -> store.save(2, failing, Map.of()));
        try (var s = Files.list(tmp.resolve("s"))) {
            assertEquals(List.of("step-00000001"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(1, store.latest().orElseThrow().step());
    }

    @Test
    void aDamagedOrIncompleteCheckpointIsNotUsed() throws Exception {
        CheckpointStore store = new CheckpointStore(tmp.resolve("store"));
        store.save(1, files(1), Map.of());
        Path one = store.latest().orElseThrow().dir();
        Path keep = tmp.resolve("keep");
        copy(one, keep);
        store.save(2, files(2), Map.of());
        copy(keep, one); // step 1 back beside step 2
        Path two = store.latest().orElseThrow().dir();
        assertEquals(2, store.latest().orElseThrow().step());
        Files.writeString(two.resolve("optimizer.bin"), "torn write");
        assertEquals(1, store.latest().orElseThrow().step(), "a file that does not match the manifest");
        Files.delete(one.resolve(CheckpointStore.MANIFEST));
        assertFalse(store.latest().isPresent(), "no manifest, no checkpoint");
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void workFolderRefusesForeignFoldersAndOtherOptionsAndProtectsUserFiles() throws Exception {
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        WorkFolder.RefusedException e = assertThrows(WorkFolder.RefusedException.class, () -> WorkFolder.open(
                foreign, "zoo train gan", Map.of("seed", 1), true, "use a new --work"));
        assertTrue(e.getMessage().contains("not made by genalign"), e.getMessage());
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));

        Path w = tmp.resolve("w");
        WorkFolder wf = WorkFolder.open(w, "dpo", Map.of("--lr", 0.001, "--divergence", "reverse-kl"), false, "TODO");
        wf.writeOutput("losses.csv", f -> Files.writeString(f, "step,loss\n1,0.5\n"));
        wf.writeOutput("losses.csv", f -> Files.writeString(f, "step,loss\n1,0.4\n")); // its own: replaced
        WorkFolder.RefusedException diff = assertThrows(WorkFolder.RefusedException.class, () -> WorkFolder.open(w,
                "dpo", Map.of("--lr", 0.01, "--divergence", "forward-kl"), false, "use a new --out, or --overwrite"));
        assertTrue(diff.getMessage().contains("--lr 0.001 there, 0.01 now")
                && diff.getMessage().contains("--divergence reverse-kl there, forward-kl now")
                && diff.getMessage().endsWith("use a new --out, or --overwrite"), diff.getMessage());
        WorkFolder same = WorkFolder.open(w, "dpo", Map.of("--divergence", "reverse-kl", "--lr", 0.001), false, "");
        assertFalse(same.restarted());
        Files.writeString(w.resolve("losses.csv"), "my edited table");
        assertThrows(WorkFolder.RefusedException.class, () -> same.writeOutput("losses.csv", f -> Files.writeString(f,
                "x")));
        assertEquals("my edited table", Files.readString(w.resolve("losses.csv")));
        WorkFolder again = WorkFolder.open(w, "dpo", Map.of("--lr", 0.01), true, "");
        assertTrue(again.restarted());
        assertFalse(Files.exists(w.resolve("losses.csv")));
    }
}
