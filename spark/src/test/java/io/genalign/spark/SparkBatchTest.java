package io.genalign.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.cli.GenalignCli;
import io.genalign.cli.batch.TaskResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The same batch (built-in model, 2 prompts × 2 seeds and a prompt it does not know) through the local runner and
 * through Spark {@code local[2,2]} (2 slots, 2 attempts per task): identical rows but for the wall time, Parquet
 * written, the unknown prompt's tasks failed after 2 attempts with their error, the batch not aborted.
 */
class SparkBatchTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = new CommandLine(new GenalignCli());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    static List<Map<String, Object>> rows(Path out) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("results.jsonl"))) {
            Map<String, Object> m = TaskResult.fromJson(l).toMap();
            m.remove("wall_s");
            rows.add(m);
        }
        return rows;
    }

    @Test
    void sparkLocalGivesTheLocalRunnersRows() throws Exception {
        Path prompts = tmp.resolve("p.txt");
        Files.writeString(prompts, "sneaker\ndress\na cat\n");
        Path local = tmp.resolve("local");
        Path spark = tmp.resolve("spark");
        String[] common = {"batch", "--prompts", prompts.toString(), "--seeds", "2", "--steps", "3"};
        Run a = run(concat(common, "--workers", "2", "--out", local.toString()));
        assertEquals(3, a.code(), a.err() + a.out());
        Run b = run(concat(common, "--spark-master", "local[2,2]", "--out", spark.toString()));
        assertEquals(3, b.code(), b.err() + b.out());
        assertTrue(b.out().contains("runner: spark local[2,2]"), b.out());
        List<Map<String, Object>> ra = rows(local);
        List<Map<String, Object>> rb = rows(spark);
        assertEquals(6, ra.size());
        assertEquals(ra, rb);
        long failed = rb.stream().filter(m -> m.get("status").equals("failed")).count();
        assertEquals(2, failed);
        for (Map<String, Object> m : rb) {
            if (m.get("status").equals("failed")) {
                assertEquals("a cat", m.get("prompt"));
                assertEquals(2, m.get("attempts"), "Spark's 2 attempts");
                assertTrue(m.get("error").toString().contains("ankle boot"), m.toString());
            }
        }
        assertTrue(Files.isRegularFile(spark.resolve("results.parquet/_SUCCESS")));
        try (var s = Files.list(spark.resolve("results.parquet"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
        }
        assertTrue(Files.readString(spark.resolve("index.html")).contains("results.parquet"));
        String run = Files.readString(spark.resolve("run.json"));
        assertTrue(run.contains("\"partitions\" : 2") && run.contains("model_load_seconds"), run);
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
