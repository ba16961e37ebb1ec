package io.genalign.cli.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.runtime.EngineBootstrap;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A worker process of the local runner ({@link LocalBatchRunner} with several workers): one JVM with its own engine
 * and model set, opened once, that runs the tasks its parent sends one by one. Protocol, one line each, UTF-8:
 * the parent writes a task as JSON on stdin (an empty line or the end of stdin ends the worker); the worker answers
 * {@code @@row JSON} (the recorded row; the result file is written before) and, before it exits,
 * {@code @@load SECONDS}. Anything else the worker prints goes to stderr.
 */
public final class BatchWorker {
    static final String ROW = "@@row ";
    static final String LOAD = "@@load ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchWorker() {}

    /** {@code BatchWorker JOB_FILE ATTEMPTS}: the job as written by {@link #writeJob}. */
    public static void main(String[] args) throws Exception {
        EngineBootstrap.ensureOffline();
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stdout carries the protocol only
        BatchJob job = readJob(Path.of(args[0]));
        int attempts = Integer.parseInt(args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (TaskExecutor ex = new TaskExecutor(job)) {
            String line;
            while ((line = in.readLine()) != null && !line.isBlank()) {
                TaskResult r = ex.runAndRecord(decode(line), attempts);
                protocol.println(ROW + r.toJsonLine());
            }
            protocol.println(LOAD + ex.loadSeconds());
        }
        protocol.flush();
        System.exit(0);
    }

    /** A task as one line of JSON. */
    static String encode(BatchTask t) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("prompt", t.prompt());
        m.put("seed_index", t.seedIndex());
        m.put("seed", t.seed());
        return JSON.writeValueAsString(m);
    }

    static BatchTask decode(String line) throws IOException {
        Map<?, ?> m = JSON.readValue(line, Map.class);
        return new BatchTask((String) m.get("id"), (String) m.get("prompt"), ((Number) m.get("seed_index")).intValue(),
                ((Number) m.get("seed")).longValue());
    }

    static void writeJob(BatchJob job, Path file) throws IOException {
        try (ObjectOutputStream o = new ObjectOutputStream(Files.newOutputStream(file))) {
            o.writeObject(job);
        }
    }

    static BatchJob readJob(Path file) throws IOException, ClassNotFoundException {
        try (ObjectInputStream i = new ObjectInputStream(Files.newInputStream(file))) {
            return (BatchJob) i.readObject();
        }
    }
}
