package io.genalign.cli;

import io.genalign.api.Alignment;
import io.genalign.api.Models;
import io.genalign.cli.batch.BatchJob;
import io.genalign.cli.batch.BatchReport;
import io.genalign.cli.batch.BatchRunner;
import io.genalign.cli.batch.BatchTask;
import io.genalign.cli.batch.LocalBatchRunner;
import io.genalign.cli.batch.PromptsFile;
import io.genalign.cli.batch.TaskExecutor;
import io.genalign.cli.batch.TaskResult;
import io.genalign.cli.options.ModelOption;
import io.genalign.cli.options.RunOptions;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.BadInputException;
import io.genalign.cli.support.Provenance;
import io.genalign.core.flow.FlowDefaults;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.Rewards;
import io.genalign.core.noise.NoiseAlignmentOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code genalign batch}: one method (align, refine or sample) over every prompt of a prompts file × N seeds, in
 * this JVM with a worker pool or on Apache Spark ({@code --spark-master}, from the {@code spark} module). Each task's
 * result is written on its own as it finishes ({@code OUT/tasks/ID.json}); a rerun skips the tasks whose results are
 * there with the same fingerprint. Then the rows are gathered into {@code results.csv}, {@code results.jsonl}
 * ({@code results.parquet} with Spark), grids and {@code index.html}. Exit code 0 when every task succeeded, 3 when
 * some failed (they are listed in the report with their errors), 2 for bad input.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Run align, refine or sample over a prompts file x seeds, locally or on Spark; resumable;",
                "writes one row per task (CSV, JSON lines, Parquet with Spark) and an index.html."})
public final class BatchCommand implements Callable<Integer> {
    /** Exit code when some tasks failed. */
    public static final int EXIT_TASKS_FAILED = 3;
    /** The Spark runner's class, in the spark module. */
    public static final String SPARK_RUNNER = "io.genalign.spark.SparkBatchRunner";

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run;

    @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompts file: UTF-8, one "
            + "prompt a line; blank lines and # comments are skipped; repeats run once.")
    Path prompts;

    @Option(names = "--seeds", description = "Seeds per prompt (default: ${DEFAULT-VALUE}).")
    int seeds = 2;

    @Option(names = "--method", description = "align, refine or sample (default: ${DEFAULT-VALUE}).")
    String method = "align";

    @Option(names = "--steps", description = "Steps per task (default: align " + NoiseAlignmentOptions.DEFAULT_STEPS
            + ", refine " + FlowDefaults.STEPS + ").")
    Integer steps;

    @Option(names = "--reward", paramLabel = "NAME[=WEIGHT]", description = "Target reward(s) (default: the model's).")
    List<String> rewards = new ArrayList<>();

    @Option(names = "--held-out", paramLabel = "NAME", description = "Held-out reward(s), measured, never optimised "
            + "(default: the model's, as in align).")
    List<String> heldOut = new ArrayList<>();

    @Option(names = "--regularizer", description = "align: the regularizer (default: ${DEFAULT-VALUE}).")
    String regularizer = Alignment.DEFAULT_REGULARIZER;

    @Option(names = "--lr", description = "align: learning rate (default: ${DEFAULT-VALUE}).")
    double lr = NoiseAlignmentOptions.DEFAULT_LEARNING_RATE;

    @Option(names = "--refine-method", description = "refine: gmi, krr, kde, stein, ddls, dot or dgflow "
            + "(default: ${DEFAULT-VALUE}).")
    String refineMethod = "gmi";

    @Option(names = "--particles", description = "refine: particles per task, 2..1024 (default: ${DEFAULT-VALUE}).")
    int particles = 8;

    @Option(names = "--workers", description = "Local runner: worker threads, each with its own models "
            + "(default: the number of cores).")
    Integer workers;

    @Option(names = "--spark-master", paramLabel = "URL", description = "Run on Apache Spark at this master, e.g. "
            + "local[2] or spark://host:7077 (needs the spark module: ./genalign builds it on first use).")
    String sparkMaster;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Provenance prov = Provenance.start("batch", spec.commandLine().getParseResult().originalArgs());
        if (seeds < 1 || seeds > 100_000) {
            throw new IllegalArgumentException("--seeds must be in 1..100000, got " + seeds);
        }
        if (!BatchJob.METHODS.contains(method)) {
            throw new IllegalArgumentException("--method must be one of " + String.join(", ", BatchJob.METHODS)
                    + ", got '" + method + "'");
        }
        int nSteps = steps != null ? steps : "align".equals(method) ? NoiseAlignmentOptions.DEFAULT_STEPS
                : "refine".equals(method) ? FlowDefaults.STEPS : 0;
        if (nSteps < 0 || ("align".equals(method) && nSteps < 1)) {
            throw new IllegalArgumentException("--steps must be " + ("align".equals(method) ? ">= 1" : ">= 0")
                    + ", got " + nSteps);
        }
        AlignCommand.requireFinite(lr, "--lr");
        if ("refine".equals(method)) {
            BatchRefine.check(refineMethod);
            if (particles < 2 || particles > 1024) {
                throw new IllegalArgumentException("--particles must be in 2..1024, got " + particles);
            }
        }
        if ("align".equals(method)) {
            Regularizers.create(regularizer, 0);
        }
        if (workers != null && sparkMaster != null) {
            throw new IllegalArgumentException("--workers applies to the local runner; with --spark-master the "
                    + "master sets the parallelism (e.g. local[4])");
        }
        PromptsFile pf = PromptsFile.read(prompts);
        int nWorkers = workers != null ? workers : LocalBatchRunner.defaultWorkers();
        int cores = Runtime.getRuntime().availableProcessors();
        int slots = sparkMaster != null ? localSlots(sparkMaster, cores) : nWorkers;
        int threads = slots > 0 ? Math.max(1, cores / slots) : 0;
        TaskExecutor.configureThreads(threads); // before the driver's first model starts the engine

        String modelSpec = model.isBuiltin() ? Models.BUILTIN : Path.of(model.model).toAbsolutePath().normalize()
                .toString();
        Path out = run.outOr("batch", stem(prompts) + "-" + method).toAbsolutePath().normalize();
        BatchJob job;
        Map<String, Object> description;
        try (ModelSet set = Models.open(modelSpec)) {
            LinkedHashMap<String, Double> targets = new LinkedHashMap<>(rewards.isEmpty() ? set.defaultTargets()
                    : Rewards.parseTerms(set, rewards, "--reward"));
            ArrayList<String> held = new ArrayList<>();
            if (!heldOut.isEmpty()) {
                Rewards.parseTerms(set, heldOut, "--held-out");
                held.addAll(heldOut);
            } else {
                List<String> available = Rewards.names(set);
                for (String n : set.defaultHeldOut()) {
                    if (!targets.containsKey(n) && available.contains(n)
                            && held.size() < Alignment.MAX_DEFAULT_HELD_OUT) {
                        held.add(n);
                    }
                }
            }
            String refine = "refine".equals(method) ? BatchRefine.check(refineMethod) : "";
            description = BatchJob.describe(set.provenance(), method, nSteps, targets, held, regularizer, lr, refine,
                    particles, run.seed, TaskExecutor.alignOptions(new BatchJob(modelSpec, "align", Math.max(1, nSteps),
                            targets, held, regularizer, lr, refine, particles, seeds, run.seed, out.toString(), "",
                            threads)).toMap());
            String fingerprint = BatchTask.hex(new ObjectMapper().writeValueAsString(description));
            job = new BatchJob(modelSpec, method, nSteps, targets, held, regularizer, lr, refine, particles, seeds,
                    run.seed, out.toString(), fingerprint, threads);
        }
        checkOutFolder(out, job);
        List<BatchTask> tasks = BatchTask.all(pf.prompts(), seeds, run.seed);
        List<BatchTask> pending = new ArrayList<>();
        for (BatchTask t : tasks) {
            if (run.overwrite || TaskExecutor.existing(job, t).isEmpty()) {
                pending.add(t);
            }
        }
        Map<String, Object> jobJson = new LinkedHashMap<>(description);
        jobJson.put("fingerprint", job.fingerprint());
        jobJson.put("prompts_file", prompts.toAbsolutePath().toString());
        jobJson.put("prompts", pf.prompts());
        jobJson.put("seeds", seeds);
        AtomicFiles.writeString(out.resolve("job.json"), pretty(jobJson));

        for (Map.Entry<String, List<Integer>> d : pf.duplicates().entrySet()) {
            o.println("note: prompt '" + d.getKey() + "' appears on lines " + d.getValue() + " of " + prompts
                    + "; it runs once");
        }
        o.printf(Locale.ROOT, "batch: %d prompts x %d seeds = %d tasks (%s, model %s); %d done earlier, %d to run%n",
                pf.prompts().size(), seeds, tasks.size(), method, job.model(), tasks.size() - pending.size(),
                pending.size());
        o.flush();

        AtomicInteger done = new AtomicInteger();
        Thread hook = new Thread(() -> {
            System.err.println("genalign batch: interrupted after " + done.get() + " of " + pending.size()
                    + " tasks; their results are in " + out.resolve("tasks") + "; rerun the same command to resume");
            System.err.flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        Map<String, Object> stats;
        List<String> tables = new ArrayList<>();
        String runnerName;
        List<TaskResult> rows;
        try (BatchRunner runner = sparkMaster != null ? sparkRunner(sparkMaster) : new LocalBatchRunner(nWorkers)) {
            runnerName = runner.describe();
            o.println("runner: " + runnerName + (threads > 0 ? ", " + threads + " intra-op thread(s) each" : ""));
            o.flush();
            if (!pending.isEmpty()) {
                runner.run(job, pending, r -> {
                    int k = done.incrementAndGet();
                    o.printf(Locale.ROOT, "[%d/%d] %s%n", k, pending.size(), r);
                    o.flush();
                });
            }
            rows = gather(job, tasks);
            tables.addAll(BatchReport.writeTables(job, rows));
            tables.addAll(runner.writeTables(job, rows));
            stats = new LinkedHashMap<>(runner.stats());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        String command = "genalign " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        BatchReport.writeReport(job, pf.prompts(), rows, tables, runnerName, command);
        prov.config("job", jobJson).timing("run", wall).result("runner", runnerName).result("stats", stats)
                .result("tasks", tasks.size()).result("ran", pending.size())
                .result("ok", rows.stream().filter(TaskResult::ok).count())
                .result("failed", rows.stream().filter(r -> !r.ok()).count());
        prov.write(out.resolve("run.json"));
        long failed = rows.stream().filter(r -> !r.ok()).count();
        o.printf(Locale.ROOT, "batch: %d ok, %d failed, %d missing, in %.1fs (%s)%n", rows.size() - failed, failed,
                tasks.size() - rows.size(), wall, runnerName);
        o.println("results: " + out.resolve("results.csv") + (tables.contains("results.parquet") ? ", "
                + out.resolve("results.parquet") : ""));
        o.println("report: " + out.resolve("index.html"));
        o.flush();
        return failed > 0 || rows.size() < tasks.size() ? EXIT_TASKS_FAILED : 0;
    }

    /** Every task's recorded row (ok or failed) with the job's fingerprint, in task order. */
    static List<TaskResult> gather(BatchJob job, List<BatchTask> tasks) {
        Map<String, TaskResult> byId = new LinkedHashMap<>();
        for (BatchTask t : tasks) {
            Path f = job.resultFile(t);
            if (Files.isRegularFile(f)) {
                try {
                    TaskResult r = TaskResult.read(f);
                    if (job.taskFingerprint(t).equals(r.fingerprint())) {
                        byId.put(t.id(), r);
                    }
                } catch (IOException | RuntimeException e) {
                    // unreadable: counted as missing
                }
            }
        }
        return BatchReport.ordered(tasks, byId);
    }

    /** Refuses an output folder that holds something else than this batch, unless --overwrite. */
    private void checkOutFolder(Path out, BatchJob job) throws IOException {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new BadInputException(out + " exists and is not a folder");
        }
        Path jobFile = out.resolve("job.json");
        if (Files.isRegularFile(jobFile)) {
            String previous = "";
            try {
                previous = new ObjectMapper().readTree(jobFile.toFile()).path("fingerprint").asText("");
            } catch (IOException e) {
                // unreadable: treated as another job
            }
            if (!previous.equals(job.fingerprint()) && !run.overwrite) {
                throw new BadInputException(out + " holds a batch with other models or options; use another --out, "
                        + "or --overwrite to run every task again there");
            }
            return;
        }
        try (var s = Files.list(out)) {
            if (s.findAny().isPresent() && !run.overwrite) {
                throw new BadInputException(out + " already exists and is not a batch folder (no job.json); use "
                        + "another --out, or --overwrite");
            }
        }
    }

    /** Task slots of a local Spark master (local, local[N], local[N,F], local[*]); 0 for a cluster. */
    static int localSlots(String master, int cores) {
        Matcher m = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?").matcher(master.trim());
        if (!m.matches()) {
            return 0;
        }
        if (m.group(1) == null) {
            return 1;
        }
        return "*".equals(m.group(1)) ? cores : Math.max(1, Integer.parseInt(m.group(1)));
    }

    /** The Spark runner from the spark module, or a one-line error saying how to get it. */
    static BatchRunner sparkRunner(String master) {
        try {
            Class<?> c = Class.forName(SPARK_RUNNER);
            return (BatchRunner) c.getConstructor(String.class).newInstance(master);
        } catch (ClassNotFoundException e) {
            throw new BadInputException("--spark-master needs the spark module, which is not on the class path: run "
                    + "through ./genalign (it builds spark/ on first use of --spark-master) or add "
                    + "spark/target/genalign-spark.jar and spark/target/lib/* to the class path");
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the Spark runner: " + e, e);
        }
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String pretty(Map<String, Object> m) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
    }
}
