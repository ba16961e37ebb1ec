package io.genalign.cli.batch;

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
 * Runs a batch in this JVM with a pool of worker threads. Each worker owns one {@link TaskExecutor} (its own model
 * set, opened once on its first task: DJL/libtorch objects are not shared between threads) and takes tasks from a
 * shared queue until it is empty. A failing task is retried once, then recorded as failed.
 */
public final class LocalBatchRunner implements BatchRunner {
    /** Attempts per task (one retry). */
    public static final int ATTEMPTS = 2;

    private final int workers;
    private final Map<String, Object> stats = new LinkedHashMap<>();

    public LocalBatchRunner(int workers) {
        if (workers < 1 || workers > 256) {
            throw new IllegalArgumentException("--workers must be in 1..256, got " + workers);
        }
        this.workers = workers;
    }

    /** Workers sized to the cores. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String describe() {
        return "local (" + workers + " worker" + (workers == 1 ? "" : "s") + ")";
    }

    @Override
    public List<TaskResult> run(BatchJob job, List<BatchTask> pending, Consumer<TaskResult> progress)
            throws Exception {
        ConcurrentLinkedQueue<BatchTask> queue = new ConcurrentLinkedQueue<>(pending);
        List<TaskResult> rows = Collections.synchronizedList(new ArrayList<>());
        List<Double> loads = Collections.synchronizedList(new ArrayList<>());
        int n = Math.max(1, Math.min(workers, pending.size()));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "genalign-batch-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                futures.add(pool.submit(() -> {
                    try (TaskExecutor ex = new TaskExecutor(job)) {
                        BatchTask t;
                        while ((t = queue.poll()) != null && !Thread.currentThread().isInterrupted()) {
                            TaskResult r = ex.runAndRecord(t, ATTEMPTS);
                            rows.add(r);
                            synchronized (progress) {
                                progress.accept(r);
                            }
                        }
                        loads.add(ex.loadSeconds());
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
        }
        stats.put("runner", "local");
        stats.put("workers", n);
        stats.put("model_load_seconds", new ArrayList<>(loads));
        return new ArrayList<>(rows);
    }

    @Override
    public Map<String, Object> stats() {
        return stats;
    }
}
