package io.genalign.cli.batch;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a batch's pending tasks: {@link LocalBatchRunner} (a worker pool in this JVM) or the Spark runner of the
 * {@code spark} module ({@code io.genalign.spark.SparkBatchRunner}, loaded by name so that the CLI does not carry
 * Spark). Both run every task through {@link TaskExecutor}, which writes each task's result file; the command then
 * gathers the files into the tables and the report ({@link BatchReport}).
 */
public interface BatchRunner extends AutoCloseable {
    /** What runs the tasks, for messages ({@code local (2 workers)}, {@code spark local[2]}). */
    String describe();

    /**
     * Runs {@code pending}; every task ends with its result file written (ok or failed), and its row is passed to
     * {@code progress} (on the driver, as results arrive) and returned.
     */
    List<TaskResult> run(BatchJob job, List<BatchTask> pending, Consumer<TaskResult> progress) throws Exception;

    /**
     * Writes extra tables of all rows (Spark: {@code results.parquet}); returns the names written, relative to the
     * output folder.
     */
    default List<String> writeTables(BatchJob job, List<TaskResult> rows) throws Exception {
        return List.of();
    }

    /** Figures of the last run (model-loading seconds, workers), recorded in {@code run.json}. */
    default Map<String, Object> stats() {
        return Map.of();
    }

    @Override
    default void close() {}
}
