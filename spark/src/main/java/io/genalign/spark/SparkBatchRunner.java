package io.genalign.spark;

import io.genalign.cli.batch.BatchJob;
import io.genalign.cli.batch.BatchRunner;
import io.genalign.cli.batch.BatchTask;
import io.genalign.cli.batch.TaskExecutor;
import io.genalign.cli.batch.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a batch on Apache Spark: the pending tasks become an RDD of as many partitions as the master has task slots;
 * each partition opens the model set once ({@code mapPartitions}) and runs its tasks through the same
 * {@link TaskExecutor} as the local runner, which writes each task's result file under {@code OUT/tasks/} (on a
 * cluster OUT must be a filesystem every executor and the driver see).
 *
 * <p>Failures follow Spark's policy: a failing task fails its Spark task attempt (so Spark retries the partition;
 * tasks finished by an earlier attempt are taken from their result files, not run again) until the last attempt
 * allowed ({@code spark.task.maxFailures}; for a local master {@code local[N,F]} gives F, {@code local[N]} gives 1),
 * which records the task as failed with its error and goes on: no task is dropped and the job is not aborted.
 *
 * <p>Offline: with a local master the driver binds to 127.0.0.1 only; the UI, the event log and the console progress
 * bar are off.
 */
public final class SparkBatchRunner implements BatchRunner {
    private final String master;
    private SparkSession spark;
    private final Map<String, Object> stats = new LinkedHashMap<>();

    public SparkBatchRunner(String master) {
        this.master = master;
    }

    /** The configuration of a batch's Spark session (settings already given, e.g. by spark-submit, are kept). */
    static SparkConf conf(String master) {
        SparkConf c = new SparkConf(true).setAppName("genalign batch");
        if (master != null && !master.isBlank()) {
            c.setMaster(master);
        }
        c.setIfMissing("spark.ui.enabled", "false");
        c.setIfMissing("spark.eventLog.enabled", "false");
        c.setIfMissing("spark.ui.showConsoleProgress", "false");
        c.setIfMissing("spark.sql.shuffle.partitions", "4");
        if (isLocal(c.get("spark.master", "local"))) {
            org.apache.spark.util.Utils.setCustomHostname("127.0.0.1"); // no look-up of this machine's name
            c.set("spark.driver.bindAddress", "127.0.0.1");
            c.set("spark.driver.host", "127.0.0.1");
        }
        return c;
    }

    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /** Attempts Spark allows a task: F of local[N,F], 1 for other local masters, else spark.task.maxFailures. */
    static int maxAttempts(SparkConf c) {
        String m = c.get("spark.master", "local");
        Matcher x = Pattern.compile("local\\[(?:\\*|\\d+),(\\d+)]").matcher(m);
        if (x.matches()) {
            return Math.max(1, Integer.parseInt(x.group(1)));
        }
        if (isLocal(m)) {
            return 1;
        }
        return Math.max(1, c.getInt("spark.task.maxFailures", 4));
    }

    private SparkSession session() {
        if (spark == null) {
            spark = SparkSession.builder().config(conf(master)).getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }

    @Override
    public String describe() {
        return "spark " + (master != null ? master : "(master from spark-submit)");
    }

    @Override
    public List<TaskResult> run(BatchJob job, List<BatchTask> pending, Consumer<TaskResult> progress)
            throws Exception {
        SparkSession s = session();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(s.sparkContext());
        int slices = Math.max(1, Math.min(pending.size(), jsc.defaultParallelism()));
        int attempts = maxAttempts(jsc.getConf());
        List<String> lines = jsc.parallelize(pending, slices).mapPartitions(new Partition(job, attempts)).collect();
        List<TaskResult> rows = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith(Partition.LOAD)) {
                loads.add(Double.parseDouble(l.substring(Partition.LOAD.length())));
            } else {
                TaskResult r = TaskResult.fromJson(l);
                rows.add(r);
                progress.accept(r);
            }
        }
        stats.put("runner", "spark");
        stats.put("master", jsc.getConf().get("spark.master"));
        stats.put("partitions", slices);
        stats.put("max_attempts", attempts);
        stats.put("model_load_seconds", loads);
        return rows;
    }

    /** One partition: the model set opened once, its tasks run one after another. */
    static final class Partition implements FlatMapFunction<Iterator<BatchTask>, String> {
        private static final long serialVersionUID = 1L;
        static final String LOAD = "#load ";
        private final BatchJob job;
        private final int maxAttempts;

        Partition(BatchJob job, int maxAttempts) {
            this.job = job;
            this.maxAttempts = maxAttempts;
        }

        @Override
        public Iterator<String> call(Iterator<BatchTask> tasks) throws Exception {
            TaskContext ctx = TaskContext.get();
            int attempt = ctx == null ? 0 : ctx.attemptNumber();
            boolean last = attempt + 1 >= maxAttempts;
            List<String> out = new ArrayList<>();
            try (TaskExecutor ex = new TaskExecutor(job)) {
                while (tasks.hasNext()) {
                    BatchTask t = tasks.next();
                    if (attempt > 0) {
                        Optional<TaskResult> done = TaskExecutor.existing(job, t);
                        if (done.isPresent()) { // finished by an earlier attempt of this partition
                            out.add(done.get().toJsonLine());
                            continue;
                        }
                    }
                    TaskResult r;
                    long t0 = System.nanoTime();
                    try {
                        r = ex.attempt(t).withAttempts(attempt + 1);
                    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                        if (!last) {
                            throw new IllegalStateException("genalign task " + t.id() + " failed (attempt "
                                    + (attempt + 1) + " of " + maxAttempts + "): " + TaskResult.describe(e), e);
                        }
                        r = TaskResult.failed(job, t, ex.modelName(), e, attempt + 1, (System.nanoTime() - t0) / 1e9);
                    }
                    try {
                        TaskExecutor.record(job, r);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    out.add(r.toJsonLine());
                }
                out.add(LOAD + ex.loadSeconds());
            }
            return out.iterator();
        }
    }

    @Override
    public List<String> writeTables(BatchJob job, List<TaskResult> rows) {
        List<String> header = TaskResult.csvHeader(job.heldOut());
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            fields.add(DataTypes.createStructField(header.get(i), typeOf(header.get(i)), true));
        }
        StructType schema = DataTypes.createStructType(fields);
        List<Row> data = new ArrayList<>();
        for (TaskResult r : rows) {
            List<Object> v = r.values(job.heldOut());
            Object[] a = new Object[v.size()];
            for (int i = 0; i < a.length; i++) {
                Object o = v.get(i);
                a[i] = o instanceof Double d && !Double.isFinite(d) ? null : o;
            }
            data.add(RowFactory.create(a));
        }
        Dataset<Row> df = session().createDataFrame(data, schema);
        df.coalesce(1).write().mode(SaveMode.Overwrite).parquet(job.outDir().resolve("results.parquet").toString());
        return List.of("results.parquet");
    }

    private static DataType typeOf(String column) {
        switch (column) {
            case "seed_index":
            case "attempts":
            case "steps":
                return DataTypes.IntegerType;
            case "task_seed":
                return DataTypes.LongType;
            case "task_id":
            case "prompt":
            case "method":
            case "model":
            case "status":
            case "error":
            case "stop":
            case "image":
                return DataTypes.StringType;
            default:
                return DataTypes.DoubleType;
        }
    }

    @Override
    public Map<String, Object> stats() {
        return stats;
    }

    @Override
    public void close() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }
}
