package io.genalign.cli.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.api.Models;
import io.genalign.cli.BatchRefine;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.ImageGrids;
import io.genalign.core.gaussianity.GaussianityStats;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.Reward;
import io.genalign.core.model.Rewards;
import io.genalign.core.noise.AlignmentResult;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.NoiseOptimizer;
import io.genalign.core.noise.StepRecord;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Runs tasks of one batch on one open {@link ModelSet}: the only place the task logic lives, used alike by the local
 * runner's workers and by Spark's partitions. One executor per thread (model sets are not thread-safe); the set is
 * opened on the first task and kept until {@link #close()}, so a worker or a Spark partition loads the models once.
 *
 * <p>A task: draws its latents in Java from the task's seed ({@link Random#nextGaussian()}, the same on every JVM),
 * runs the method, scores the target and held-out rewards and the latents' Gaussianity before and after, writes its
 * image ({@code OUT/images/ID.png}: before | after) and then its result file ({@code OUT/tasks/ID.json}), each
 * atomically (temporary file and rename), so an interrupted batch leaves only whole results.
 */
public final class TaskExecutor implements AutoCloseable {
    /**
     * DJL 0.35's PyTorch engine allows one gradient collector per process at a time ({@code PtGradientCollector}
     * is process-global: a second one throws "A PtGradientCollector is already collecting"), so tasks that take
     * gradients (align, refine) run one at a time per JVM under this lock; sample tasks run in parallel. Parallel
     * align needs several JVMs: Spark executors, or several local batches on disjoint prompts files.
     */
    public static final Object GRADIENTS = new Object();

    private final BatchJob job;
    private ModelSet set;
    private NDManager manager;
    private final Map<String, Reward> rewards = new HashMap<>();
    private double loadSeconds;

    public TaskExecutor(BatchJob job) {
        this.job = job;
    }

    /** Sets the engine's intra-op threads before it starts (a no-op once started or when the user set them). */
    public static void configureThreads(int threads) {
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** The result of {@code t} already on disk, when it is complete, succeeded and has the task's fingerprint. */
    public static Optional<TaskResult> existing(BatchJob job, BatchTask t) {
        Path f = job.resultFile(t);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            TaskResult r = TaskResult.read(f);
            if (r.ok() && job.taskFingerprint(t).equals(r.fingerprint()) && t.id().equals(r.taskId())
                    && Files.isRegularFile(job.outDir().resolve(r.image()))) {
                return Optional.of(r);
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: run again
        }
        return Optional.empty();
    }

    /** Writes a task's result file atomically. */
    public static void record(BatchJob job, TaskResult r) throws IOException {
        AtomicFiles.writeString(job.outDir().resolve("tasks").resolve(r.taskId() + ".json"), r.toJson());
    }

    /**
     * Runs {@code t} up to {@code maxAttempts} times and records the outcome (a failed row after the last failed
     * attempt); never throws for a failing task.
     */
    public TaskResult runAndRecord(BatchTask t, int maxAttempts) throws IOException {
        TaskResult r = null;
        Throwable last = null;
        long t0 = System.nanoTime();
        for (int a = 1; a <= maxAttempts && r == null; a++) {
            try {
                r = attempt(t).withAttempts(a);
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                last = e;
            }
        }
        if (r == null) {
            r = TaskResult.failed(job, t, modelName(), last, maxAttempts, (System.nanoTime() - t0) / 1e9);
        }
        record(job, r);
        return r;
    }

    /** The set's name, or the job's model spec when it could not be opened. */
    public String modelName() {
        return set != null ? set.name() : job.model();
    }

    /** Seconds spent opening the set and loading its parts on first use (0 before the first task). */
    public double loadSeconds() {
        return loadSeconds;
    }

    /** Opens the model set (once) and loads the parts the method needs. */
    public ModelSet open() {
        if (set == null) {
            long t0 = System.nanoTime();
            configureThreads(job.threads());
            EngineBootstrap.ensureOffline();
            ModelSet s = Models.open(modelOnThisMachine(job.model()));
            try {
                synchronized (GRADIENTS) { // start() reseeds the engine's generator: not while a refine draws from it
                    EngineBootstrap.start(0);
                }
                s.generator();
                for (String n : job.targets().keySet()) {
                    reward(s, n);
                }
                for (String n : job.heldOut()) {
                    reward(s, n);
                }
            } catch (RuntimeException e) {
                rewards.clear();
                s.close();
                throw e;
            }
            set = s;
            manager = Tensors.newManager();
            loadSeconds = (System.nanoTime() - t0) / 1e9;
        }
        return set;
    }

    /**
     * Where the job's model folder is on this machine: the driver's absolute path when it exists here (a shared
     * filesystem), else a folder of the same name in the working directory (what {@code spark-submit --archives
     * model.tgz#NAME} unpacks for each executor), else the driver's path (whose error then names it).
     */
    public static String modelOnThisMachine(String model) {
        if (Models.BUILTIN.equals(model)) {
            return model;
        }
        Path p = Path.of(model);
        if (Files.isDirectory(p) || p.getFileName() == null) {
            return model;
        }
        Path local = Path.of(p.getFileName().toString()).toAbsolutePath();
        return Files.isDirectory(local) ? local.toString() : model;
    }

    private Reward reward(ModelSet s, String name) {
        return rewards.computeIfAbsent(name, n -> Rewards.create(s, n));
    }

    /** One attempt at {@code t}: writes the image, returns the row (not yet recorded); throws if the task fails. */
    public TaskResult attempt(BatchTask t) throws IOException {
        ModelSet s = open();
        long t0 = System.nanoTime();
        s.condition(t.prompt(), 1); // an unknown prompt fails here, naming the accepted ones
        try (NDManager m = manager.newSubManager()) {
            Outcome o;
            long waited = 0;
            if ("sample".equals(job.method())) {
                o = sample(m, s, t);
            } else {
                long w0 = System.nanoTime();
                synchronized (GRADIENTS) { // see GRADIENTS
                    waited = System.nanoTime() - w0; // not the task's time
                    o = "align".equals(job.method()) ? align(m, s, t) : refine(m, s, t);
                }
            }
            String image = job.imagePath(t);
            NDArray both = o.after == null ? o.before : NDArrays.concat(new NDList(o.before, o.after), 0);
            long h = both.getShape().get(2);
            int per = Math.toIntExact(o.before.getShape().get(0));
            ImageGrids.write(job.outDir().resolve(image), both, per, (int) Math.max(1, Math.min(4, 64 / h)));
            double wall = (System.nanoTime() - t0 - waited) / 1e9;
            return new TaskResult(t.id(), t.prompt(), t.seedIndex(), t.seed(), job.method(), s.name(), "ok", "", 1,
                    o.steps, o.stop, o.scoresBefore.target, o.scoresAfter.target, o.scoresBefore.heldOut,
                    o.scoresAfter.heldOut, o.gBefore.ks(), o.gAfter.ks(), o.gBefore.std(), o.gAfter.std(), wall, image,
                    job.taskFingerprint(t));
        }
    }

    private record Scores(double target, LinkedHashMap<String, Double> heldOut) {}

    private record Outcome(NDArray before, NDArray after, Scores scoresBefore, Scores scoresAfter,
                           GaussianityStats gBefore, GaussianityStats gAfter, int steps, String stop) {}

    /** Standard-normal latents of shape (n, latent shape) drawn in Java from {@code seed}. */
    static NDArray latents(NDManager m, Shape latentShape, int n, long seed) {
        Shape shape = new Shape(n).addAll(latentShape);
        float[] v = new float[Math.toIntExact(shape.size())];
        Random r = new Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return m.create(v, shape);
    }

    private Outcome align(NDManager m, ModelSet s, BatchTask t) {
        Generator g = s.generator();
        Condition c = s.condition(t.prompt(), 1);
        NoiseAlignmentOptions options = alignOptions(job);
        NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g).setCondition(c)
                .optRegularizer("none".equals(job.regularizer()) ? null : Regularizers.create(job.regularizer(), t.seed()))
                .optOptions(options);
        job.targets().forEach((n, w) -> b.addTarget(reward(s, n), w));
        for (String h : job.heldOut()) {
            b.addHeldOut(reward(s, h));
        }
        NDArray z0 = latents(m, g.latentShape(), 1, t.seed());
        try (NoiseOptimizer opt = b.build()) {
            AlignmentResult r = opt.run(z0, null);
            StepRecord first = r.history().get(0);
            StepRecord best = first;
            for (StepRecord rec : r.history()) {
                if (rec.step() == r.bestStep()[0]) {
                    best = rec;
                    break;
                }
            }
            NDArray before = r.initialImages().duplicate();
            NDArray after = r.bestImages().duplicate();
            before.attach(m);
            after.attach(m);
            return new Outcome(before, after, scores(first), scores(best), stats(first), stats(best), r.stepsRun(),
                    r.stopReason().name());
        }
    }

    /** The align options of a job (steps and learning rate; every other option at its default). */
    public static NoiseAlignmentOptions alignOptions(BatchJob job) {
        return NoiseAlignmentOptions.builder().optSteps(job.steps()).optLearningRate(job.learningRate()).build();
    }

    private Scores scores(StepRecord r) {
        LinkedHashMap<String, Double> h = new LinkedHashMap<>();
        for (String n : job.heldOut()) {
            h.put(n, r.heldOut().get(n)[0]);
        }
        return new Scores(r.target()[0], h);
    }

    private static GaussianityStats stats(StepRecord r) {
        return new GaussianityStats(r.latentMean()[0], r.latentStd()[0], r.latentKs()[0]);
    }

    private Outcome sample(NDManager m, ModelSet s, BatchTask t) {
        Generator g = s.generator();
        Condition c = s.condition(t.prompt(), 1);
        NDArray z = latents(m, g.latentShape(), 1, t.seed());
        NDArray x = g.generate(z, c).stopGradient();
        Scores sc = score(s, x, c);
        GaussianityStats gs = GaussianityStats.of(Tensors.toDoubles(z));
        return new Outcome(x, null, sc, sc, gs, gs, 0, "SAMPLED");
    }

    private Outcome refine(NDManager m, ModelSet s, BatchTask t) {
        BatchRefine.Outcome o = BatchRefine.run(m, s, job.refineMethod(), job.steps(), t.prompt(), job.particles(),
                t.seed());
        Condition c = s.condition(t.prompt(), job.particles());
        return new Outcome(o.initialImages(), o.finalImages(), score(s, o.initialImages(), c),
                score(s, o.finalImages(), c), GaussianityStats.of(Tensors.toDoubles(o.initialLatents())),
                GaussianityStats.of(Tensors.toDoubles(o.finalLatents())), o.steps(), o.stop());
    }

    /** Mean target (weighted sum) and held-out rewards of images, without gradient. */
    private Scores score(ModelSet s, NDArray images, Condition c) {
        double target = 0;
        for (Map.Entry<String, Double> e : job.targets().entrySet()) {
            target += e.getValue() * mean(reward(s, e.getKey()).score(images, c));
        }
        LinkedHashMap<String, Double> h = new LinkedHashMap<>();
        for (String n : job.heldOut()) {
            h.put(n, mean(reward(s, n).score(images, c)));
        }
        return new Scores(target, h);
    }

    private static double mean(NDArray a) {
        double[] v = Tensors.toDoubles(a);
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return sum / v.length;
    }

    @Override
    public void close() {
        rewards.clear(); // the set's rewards are its parts, released with it
        if (manager != null) {
            manager.close();
            manager = null;
        }
        if (set != null) {
            set.close();
            set = null;
        }
    }
}
