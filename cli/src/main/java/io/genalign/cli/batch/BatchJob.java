package io.genalign.cli.batch;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every task of a batch shares, resolved once by the driver and shipped as is to workers and Spark executors
 * (hence {@link Serializable}, plain collections only).
 *
 * @param model         {@code builtin} or the absolute path of a model folder
 * @param method        {@code align}, {@code refine} or {@code sample}
 * @param steps         optimisation / refinement steps (0 for sample)
 * @param targets       target rewards with their weights, resolved against the model set
 * @param heldOut       held-out rewards, resolved against the model set
 * @param regularizer   align: the regularizer's name
 * @param learningRate  align: the learning rate
 * @param refineMethod  refine: the flow or baseline (gmi, krr, ...)
 * @param particles     refine: particles refined together in one task
 * @param seeds         seeds per prompt
 * @param baseSeed      the seed every task seed derives from
 * @param out           the absolute output folder
 * @param fingerprint   SHA-256 of the model's provenance and every option above that changes a result
 * @param threads       intra-op threads each worker's engine should use (0: leave the engine's default)
 */
public record BatchJob(String model, String method, int steps, LinkedHashMap<String, Double> targets,
                       ArrayList<String> heldOut, String regularizer, double learningRate, String refineMethod,
                       int particles, int seeds, long baseSeed, String out, String fingerprint, int threads)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Methods a batch runs. */
    public static final List<String> METHODS = List.of("align", "refine", "sample");

    public BatchJob {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("--method must be one of " + String.join(", ", METHODS) + ", got '"
                    + method + "'");
        }
    }

    /** The output folder. */
    public Path outDir() {
        return Path.of(out);
    }

    /** Where a task's result file is. */
    public Path resultFile(BatchTask t) {
        return outDir().resolve("tasks").resolve(t.id() + ".json");
    }

    /** Where a task's image is (relative to {@link #outDir()}). */
    public String imagePath(BatchTask t) {
        return "images/" + t.id() + ".png";
    }

    /** The fingerprint of one task: the job's plus the task's prompt and seed. */
    public String taskFingerprint(BatchTask t) {
        return BatchTask.hex(fingerprint + "\n" + t.prompt() + "\n" + t.seedIndex() + "\n" + t.seed());
    }

    /** The options that define the job, for the fingerprint and the run's job.json. */
    public static Map<String, Object> describe(Map<String, Object> modelProvenance, String method, int steps,
                                               Map<String, Double> targets, List<String> heldOut, String regularizer,
                                               double learningRate, String refineMethod, int particles, long baseSeed,
                                               Map<String, Object> alignOptions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", 1);
        m.put("model", modelProvenance);
        m.put("method", method);
        m.put("steps", steps);
        m.put("targets", targets);
        m.put("held_out", heldOut);
        if ("align".equals(method)) {
            m.put("regularizer", regularizer);
            m.put("learning_rate", learningRate);
            m.put("align_options", alignOptions);
        }
        if ("refine".equals(method)) {
            m.put("refine_method", refineMethod);
            m.put("particles", particles);
        }
        m.put("base_seed", baseSeed);
        return m;
    }
}
