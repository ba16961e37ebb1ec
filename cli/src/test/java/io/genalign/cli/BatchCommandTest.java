package io.genalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.cli.batch.TaskResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code genalign batch} with the local runner: the built-in model over 2 prompts × 2 seeds plus a prompt it does not
 * know (reported as failed, the batch goes on) with 2 worker processes, a resumed run after a task's result was
 * deleted, a refused --out of another job, refine rows equal with 1 worker (in this JVM) and 2 worker processes, the
 * own-model fixture folder over the committed example prompts, and sample.
 */
class BatchCommandTest {
    @TempDir
    Path tmp;

    static Map<String, TaskResult> rows(Path out) throws Exception {
        return Files.readAllLines(out.resolve("results.jsonl")).stream().map(l -> {
            try {
                return TaskResult.fromJson(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toMap(TaskResult::taskId, Function.identity()));
    }

    @Test
    void runsReportsFailuresResumesAndRefusesAnotherJobsFolder() throws Exception {
        Path prompts = tmp.resolve("p.txt");
        Files.writeString(prompts, "# two known classes, a repeat and an unknown prompt\nsneaker\n\ndress\nsneaker\n"
                + "a cat\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("batch", "--prompts", prompts.toString(), "--seeds",
                "2", "--steps", "3", "--workers", "2", "--out", out.toString());
        assertEquals(BatchCommand.EXIT_TASKS_FAILED, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("'sneaker' appears on lines [2, 5]"), r.out());
        assertTrue(r.out().contains("3 prompts x 2 seeds = 6 tasks"), r.out());
        Map<String, TaskResult> rows = rows(out);
        assertEquals(6, rows.size());
        List<TaskResult> failed = rows.values().stream().filter(x -> !x.ok()).toList();
        assertEquals(2, failed.size(), rows.toString());
        for (TaskResult f : failed) {
            assertEquals("a cat", f.prompt());
            assertTrue(f.error().contains("ankle boot"), f.error()); // names the accepted prompts
            assertEquals(2, f.attempts(), "retried once");
        }
        for (TaskResult ok : rows.values().stream().filter(TaskResult::ok).toList()) {
            assertEquals(3, ok.steps());
            assertTrue(Double.isFinite(ok.targetBefore()) && Double.isFinite(ok.targetAfter()));
            assertTrue(ok.ksAfter() > 0 && ok.ksAfter() < 1 && ok.stdAfter() > 0);
            assertEquals(List.of("classifier-b", "classifier-a"), List.copyOf(ok.heldOutAfter().keySet()));
            assertTrue(Files.size(out.resolve(ok.image())) > 0);
        }
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(7, csv.size());
        assertTrue(csv.get(0).contains("held_out_classifier-b_after") && csv.get(0).contains("ks_after"));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("Failed tasks") && html.contains("a cat") && html.contains("Slowest tasks")
                && html.contains(" ± "), html);
        try (var grids = Files.list(out.resolve("grids"))) {
            assertEquals(2, grids.count());
        }

        // resume: one task's result deleted; only it and the failed ones run again, the others are kept as they were
        String sneaker1 = rows.values().stream().filter(x -> x.prompt().equals("sneaker") && x.seedIndex() == 1)
                .findFirst().orElseThrow().taskId();
        String dress0 = rows.values().stream().filter(x -> x.prompt().equals("dress") && x.seedIndex() == 0)
                .findFirst().orElseThrow().taskId();
        Files.delete(out.resolve("tasks").resolve(sneaker1 + ".json"));
        String keptBefore = Files.readString(out.resolve("tasks").resolve(dress0 + ".json"));
        GaussianityCommandTest.Run again = GaussianityCommandTest.run("batch", "--prompts", prompts.toString(),
                "--seeds", "2", "--steps", "3", "--workers", "2", "--out", out.toString());
        assertEquals(BatchCommand.EXIT_TASKS_FAILED, again.code(), again.err() + again.out());
        assertTrue(again.out().contains("3 done earlier, 3 to run"), again.out());
        assertTrue(again.out().contains(sneaker1) && !again.out().contains(dress0), again.out());
        assertEquals(keptBefore, Files.readString(out.resolve("tasks").resolve(dress0 + ".json")));
        Map<String, TaskResult> rows2 = rows(out);
        assertEquals(6, rows2.size());
        assertEquals(same(rows.get(sneaker1)), same(rows2.get(sneaker1)), "a rerun task gives the same row");

        // other options in the same folder: refused, nothing changed
        GaussianityCommandTest.Run other = GaussianityCommandTest.run("batch", "--prompts", prompts.toString(),
                "--seeds", "2", "--steps", "4", "--out", out.toString());
        assertEquals(2, other.code(), other.err() + other.out());
        assertTrue(other.err().contains("other models or options"), other.err());
        assertEquals(keptBefore, Files.readString(out.resolve("tasks").resolve(dress0 + ".json")));
    }

    /** A row without its wall time. */
    static Map<String, Object> same(TaskResult r) {
        Map<String, Object> m = r.toMap();
        m.remove("wall_s");
        return m;
    }

    @Test
    void ownModelFolderOverTheCommittedExamplePrompts() throws Exception {
        Path root = repoRoot();
        Path out = tmp.resolve("t2i");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("batch", "--model",
                root.resolve("examples/tiny-t2i").toString(), "--prompts",
                root.resolve("examples/prompts/tiny-t2i.txt").toString(), "--seeds", "1", "--steps", "2", "--workers", "1", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        Map<String, TaskResult> rows = rows(out);
        assertEquals(3, rows.size());
        for (TaskResult x : rows.values()) {
            assertTrue(x.ok(), x.toString());
            assertEquals("tiny-t2i", x.model());
            assertFalse(x.heldOutAfter().isEmpty(), x.toString());
        }
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
    }

    @Test
    void sampleRunsWithoutSteps() throws Exception {
        Path prompts = tmp.resolve("s.txt");
        Files.writeString(prompts, "bag\n");
        Path out = tmp.resolve("s");
        GaussianityCommandTest.Run r = GaussianityCommandTest.run("batch", "--method", "sample", "--prompts",
                prompts.toString(), "--seeds", "2", "--workers", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        Map<String, TaskResult> rows = rows(out);
        assertEquals(2, rows.size());
        for (TaskResult x : rows.values()) {
            assertEquals(0, x.steps());
            assertEquals(x.targetBefore(), x.targetAfter());
        }
    }

    @Test
    void refineRowsDoNotDependOnTheNumberOfWorkers() throws Exception {
        Path prompts = tmp.resolve("r.txt");
        Files.writeString(prompts, "sneaker\n");
        String[] common = {"batch", "--method", "refine", "--prompts", prompts.toString(), "--seeds", "2", "--steps",
                "2", "--particles", "4"};
        GaussianityCommandTest.Run one = GaussianityCommandTest.run(concat(common, "--workers", "1", "--out",
                tmp.resolve("r1").toString()));
        assertEquals(0, one.code(), one.err() + one.out());
        GaussianityCommandTest.Run two = GaussianityCommandTest.run(concat(common, "--workers", "2", "--out",
                tmp.resolve("r2").toString()));
        assertEquals(0, two.code(), two.err() + two.out());
        Map<String, TaskResult> a = rows(tmp.resolve("r1"));
        Map<String, TaskResult> b = rows(tmp.resolve("r2"));
        assertEquals(2, a.size());
        for (String id : a.keySet()) {
            assertEquals(same(a.get(id)), same(b.get(id)));
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static Path repoRoot() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tiny-t2i/genalign-model.json"))) {
                return p;
            }
        }
        throw new IllegalStateException("examples/tiny-t2i not found above the working directory");
    }
}
