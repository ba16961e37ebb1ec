package io.genalign.cli.batch;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a batch on this machine with a pool of workers taking tasks from one queue; each worker owns one
 * {@link TaskExecutor} (its own model set, opened once on its first task). A failing task is retried once, then
 * recorded as failed.
 *
 * <p>With one worker the tasks run in this JVM. With several, each worker is a separate JVM ({@link BatchWorker},
 * started with this JVM's class path and flags; its log goes to {@code OUT/logs/worker-N.log}): DJL 0.35's PyTorch
 * engine lets only one thread per process collect gradients (see {@link TaskExecutor#GRADIENTS}), so worker threads
 * would run align and refine one at a time; worker processes run them in parallel. A worker process that dies
 * (e.g. killed for memory) costs the task it was running, which is recorded as failed with the exit code, and is
 * replaced by a fresh one for the remaining tasks.
 */
public final class LocalBatchRunner implements BatchRunner {
    /** Attempts per task (one retry). */
    public static final int ATTEMPTS = 2;

    private final int workers;
    private final boolean processes;
    private final Map<String, Object> stats = new LinkedHashMap<>();

    /** {@code workers} workers: processes when more than one. */
    public LocalBatchRunner(int workers) {
        this(workers, workers > 1);
    }

    /** {@code workers} workers, as processes or as threads of this JVM. */
    public LocalBatchRunner(int workers, boolean processes) {
        if (workers < 1 || workers > 256) {
            throw new IllegalArgumentException("--workers must be in 1..256, got " + workers);
        }
        this.workers = workers;
        this.processes = processes;
    }

    /** Workers sized to the cores. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String describe() {
        return "local (" + workers + " worker" + (processes ? " process" + (workers == 1 ? "" : "es")
                : workers == 1 ? "" : "s") + ")";
    }

    @Override
    public List<TaskResult> run(BatchJob job, List<BatchTask> pending, Consumer<TaskResult> progress)
            throws Exception {
        ConcurrentLinkedQueue<BatchTask> queue = new ConcurrentLinkedQueue<>(pending);
        List<TaskResult> rows = Collections.synchronizedList(new ArrayList<>());
        List<Double> loads = Collections.synchronizedList(new ArrayList<>());
        int n = Math.max(1, Math.min(workers, pending.size()));
        Consumer<TaskResult> report = r -> {
            rows.add(r);
            synchronized (progress) {
                progress.accept(r);
            }
        };
        Path jobFile = null;
        if (processes) {
            jobFile = Files.createTempFile("genalign-batch-job-", ".ser");
            BatchWorker.writeJob(job, jobFile);
        }
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "genalign-batch-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                int id = w;
                Path jf = jobFile;
                futures.add(pool.submit(() -> {
                    if (jf == null) {
                        inThisJvm(job, queue, report, loads);
                    } else {
                        inProcess(job, jf, id, queue, report, loads);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception c ? c : e;
                }
            }
        } finally {
            pool.shutdownNow();
            if (jobFile != null) {
                Files.deleteIfExists(jobFile);
            }
        }
        stats.put("runner", "local");
        stats.put("workers", n);
        stats.put("worker_processes", processes);
        stats.put("model_load_seconds", new ArrayList<>(loads));
        return new ArrayList<>(rows);
    }

    private static void inThisJvm(BatchJob job, ConcurrentLinkedQueue<BatchTask> queue, Consumer<TaskResult> report,
                                  List<Double> loads) throws IOException {
        try (TaskExecutor ex = new TaskExecutor(job)) {
            BatchTask t;
            while ((t = queue.poll()) != null && !Thread.currentThread().isInterrupted()) {
                report.accept(ex.runAndRecord(t, ATTEMPTS));
            }
            loads.add(ex.loadSeconds());
        }
    }

    /** Drives worker processes for slot {@code id} until the queue is empty (a fresh one after a crash). */
    private static void inProcess(BatchJob job, Path jobFile, int id, ConcurrentLinkedQueue<BatchTask> queue,
                                  Consumer<TaskResult> report, List<Double> loads) throws Exception {
        Path log = job.outDir().resolve("logs").resolve("worker-" + id + ".log");
        Files.createDirectories(log.getParent());
        while (!queue.isEmpty() && !Thread.currentThread().isInterrupted()) {
            Process p = new ProcessBuilder(command(jobFile)).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(),
                    StandardCharsets.UTF_8));
                 BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                         StandardCharsets.UTF_8))) {
                boolean alive = true;
                BatchTask t;
                while (alive && (t = queue.poll()) != null) {
                    TaskResult row = null;
                    try {
                        w.write(BatchWorker.encode(t));
                        w.newLine();
                        w.flush();
                        String line;
                        while ((line = r.readLine()) != null) {
                            if (line.startsWith(BatchWorker.ROW)) {
                                row = TaskResult.fromJson(line.substring(BatchWorker.ROW.length()));
                                break;
                            }
                        }
                    } catch (IOException e) {
                        // the process is gone: handled below
                    }
                    if (row == null) {
                        alive = false;
                        int code = p.waitFor();
                        row = TaskResult.failed(job, t, job.model(), new IllegalStateException("the worker process "
                                + "died (exit code " + code + ") while running this task; see " + log), 1, 0);
                        TaskExecutor.record(job, row);
                    }
                    report.accept(row);
                }
                if (alive) {
                    w.newLine(); // ends the worker
                    w.flush();
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith(BatchWorker.LOAD)) {
                            loads.add(Double.parseDouble(line.substring(BatchWorker.LOAD.length())));
                        }
                    }
                    p.waitFor();
                }
            } finally {
                if (p.isAlive()) {
                    p.destroy();
                }
            }
        }
    }

    /** java, this JVM's flags (no agents), its class path, the worker class. */
    static List<String> command(Path jobFile) {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) {
                c.add(a);
            }
        }
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(BatchWorker.class.getName());
        c.add(jobFile.toString());
        c.add(Integer.toString(ATTEMPTS));
        return c;
    }

    @Override
    public Map<String, Object> stats() {
        return stats;
    }
}
