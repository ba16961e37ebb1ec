package io.genalign.cli.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result row of one task: what {@code OUT/tasks/ID.json} holds (with the task's fingerprint), one line of
 * {@code results.csv}, {@code results.jsonl} and (Spark) {@code results.parquet}.
 *
 * @param taskId         the task's id
 * @param prompt         the prompt as written in the prompts file
 * @param seedIndex      the seed index
 * @param taskSeed       the derived task seed
 * @param method         align, refine or sample
 * @param model          the model set's name
 * @param status         {@code ok} or {@code failed}
 * @param error          the failure's message (empty when ok)
 * @param attempts       how many attempts ran (retries included)
 * @param steps          steps run
 * @param stop           why the run stopped (align: the optimizer's stop reason; refine: the flow's)
 * @param targetBefore   weighted target reward at the start (mean over the task's images)
 * @param targetAfter    weighted target reward at the end (align: the best iterate)
 * @param heldOutBefore  each held-out reward at the start
 * @param heldOutAfter   each held-out reward at the end
 * @param ksBefore       Kolmogorov–Smirnov distance of the latents' entries to N(0, 1) at the start
 * @param ksAfter        the same at the end
 * @param stdBefore      the latents' standard deviation at the start
 * @param stdAfter       the same at the end
 * @param wallSeconds    the task's wall time (model loading and waiting for another task's gradients excluded)
 * @param image          the task's image, relative to the output folder (before | after)
 * @param fingerprint    the task's fingerprint (model provenance, options, seed)
 */
public record TaskResult(String taskId, String prompt, int seedIndex, long taskSeed, String method, String model,
                         String status, String error, int attempts, int steps, String stop, double targetBefore,
                         double targetAfter, LinkedHashMap<String, Double> heldOutBefore,
                         LinkedHashMap<String, Double> heldOutAfter, double ksBefore, double ksAfter, double stdBefore,
                         double stdAfter, double wallSeconds, String image, String fingerprint) implements Serializable {
    private static final long serialVersionUID = 1L;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    /** Whether the task succeeded. */
    public boolean ok() {
        return "ok".equals(status);
    }

    /** A failed task's row: its error, no measurements. */
    public static TaskResult failed(BatchJob job, BatchTask t, String model, Throwable e, int attempts, double wall) {
        return new TaskResult(t.id(), t.prompt(), t.seedIndex(), t.seed(), job.method(), model, "failed",
                describe(e), attempts, 0, "", Double.NaN, Double.NaN, new LinkedHashMap<>(), new LinkedHashMap<>(),
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, wall, "", job.taskFingerprint(t));
    }

    /** One line naming an error: its message, else its class; the first cause's message is appended. */
    public static String describe(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NullPointerException || e instanceof IllegalStateException
                || e instanceof ClassCastException || e instanceof IndexOutOfBoundsException) {
            m = e.getClass().getSimpleName() + ": " + m;
        }
        Throwable c = e.getCause();
        if (c != null && c != e && c.getMessage() != null && !m.contains(c.getMessage())) {
            m += " (caused by " + c.getMessage() + ")";
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    /** The same row with another attempt count and wall time. */
    public TaskResult withAttempts(int attempts) {
        return new TaskResult(taskId, prompt, seedIndex, taskSeed, method, model, status, error, attempts, steps, stop,
                targetBefore, targetAfter, heldOutBefore, heldOutAfter, ksBefore, ksAfter, stdBefore, stdAfter,
                wallSeconds, image, fingerprint);
    }

    /** The row as a JSON object (NaN written as null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_id", taskId);
        m.put("prompt", prompt);
        m.put("seed_index", seedIndex);
        m.put("task_seed", taskSeed);
        m.put("method", method);
        m.put("model", model);
        m.put("status", status);
        m.put("error", error);
        m.put("attempts", attempts);
        m.put("steps", steps);
        m.put("stop", stop);
        m.put("target_before", num(targetBefore));
        m.put("target_after", num(targetAfter));
        m.put("held_out_before", nums(heldOutBefore));
        m.put("held_out_after", nums(heldOutAfter));
        m.put("ks_before", num(ksBefore));
        m.put("ks_after", num(ksAfter));
        m.put("std_before", num(stdBefore));
        m.put("std_after", num(stdAfter));
        m.put("wall_s", num(wallSeconds));
        m.put("image", image);
        m.put("fingerprint", fingerprint);
        return m;
    }

    /** The row as one line of JSON. */
    public String toJsonLine() {
        try {
            return LINE.writeValueAsString(toMap());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The row as pretty JSON (a task's result file). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a row written by {@link #toJson()} or {@link #toJsonLine()}. */
    @SuppressWarnings("unchecked")
    public static TaskResult fromJson(String json) throws IOException {
        Map<String, Object> m = LINE.readValue(json, Map.class);
        return new TaskResult(str(m, "task_id"), str(m, "prompt"), ((Number) m.get("seed_index")).intValue(),
                ((Number) m.get("task_seed")).longValue(), str(m, "method"), str(m, "model"), str(m, "status"),
                str(m, "error"), ((Number) m.get("attempts")).intValue(), ((Number) m.get("steps")).intValue(),
                str(m, "stop"), dbl(m.get("target_before")), dbl(m.get("target_after")),
                dbls(m.get("held_out_before")), dbls(m.get("held_out_after")), dbl(m.get("ks_before")),
                dbl(m.get("ks_after")), dbl(m.get("std_before")), dbl(m.get("std_after")), dbl(m.get("wall_s")),
                str(m, "image"), str(m, "fingerprint"));
    }

    /** Reads a task's result file. */
    public static TaskResult read(Path file) throws IOException {
        return fromJson(java.nio.file.Files.readString(file));
    }

    /** CSV header for rows whose held-out rewards are {@code heldOut}. */
    public static List<String> csvHeader(List<String> heldOut) {
        List<String> h = new ArrayList<>(List.of("task_id", "prompt", "seed_index", "task_seed", "method", "model",
                "status", "error", "attempts", "steps", "stop", "target_before", "target_after"));
        for (String n : heldOut) {
            h.add("held_out_" + n + "_before");
            h.add("held_out_" + n + "_after");
        }
        h.addAll(List.of("ks_before", "ks_after", "std_before", "std_after", "wall_s", "image"));
        return h;
    }

    /** The row's values in {@link #csvHeader} order (numbers in full precision, NaN empty). */
    public List<Object> values(List<String> heldOut) {
        List<Object> v = new ArrayList<>(List.of(taskId, prompt, seedIndex, taskSeed, method, model, status, error,
                attempts, steps, stop, targetBefore, targetAfter));
        for (String n : heldOut) {
            v.add(heldOutBefore.getOrDefault(n, Double.NaN));
            v.add(heldOutAfter.getOrDefault(n, Double.NaN));
        }
        v.addAll(List.of(ksBefore, ksAfter, stdBefore, stdAfter, wallSeconds, image));
        return v;
    }

    /** One CSV line (RFC 4180 quoting). */
    public String csvLine(List<String> heldOut) {
        StringBuilder b = new StringBuilder();
        for (Object o : values(heldOut)) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(csv(o));
        }
        return b.toString();
    }

    static String csv(Object o) {
        String s;
        if (o instanceof Double d) {
            s = d.isNaN() ? "" : Double.toString(d);
        } else {
            s = String.valueOf(o);
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static Object num(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static Map<String, Object> nums(Map<String, Double> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, num(v)));
        return r;
    }

    private static String str(Map<String, Object> m, String k) {
        Object o = m.get(k);
        return o == null ? "" : o.toString();
    }

    private static double dbl(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static LinkedHashMap<String, Double> dbls(Object o) {
        LinkedHashMap<String, Double> r = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((k, v) -> r.put(k, dbl(v)));
        }
        return r;
    }

    /** A short human-readable summary. */
    @Override
    public String toString() {
        return ok() ? String.format(Locale.ROOT, "%s: target %.4f -> %.4f (%d steps, %.2fs)", taskId, targetBefore,
                targetAfter, steps, wallSeconds) : taskId + ": FAILED after " + attempts + " attempt(s): " + error;
    }
}
