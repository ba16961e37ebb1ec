package io.genalign.zoo.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.ZooModels;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains the zoo's models from a seed, resumably: the driver around the per-family {@link TrainingRecipe}s.
 *
 * <p>Lifecycle of a run in {@code workDir} (a {@link WorkFolder}: it records the model and the options that
 * change the result, and refuses other ones): if {@code workDir/checkpoints/} holds a complete checkpoint
 * ({@link CheckpointStore}), the parameters and the step counter are restored from it and training continues;
 * data order (a seeded shuffle per epoch, {@link Batches}) and noise (the engine RNG reseeded from the seed and
 * the step) depend only on the seed and the step, so a resumed run sees the same batches as an uninterrupted one,
 * and each trained part's optimizer state (core's Adam, {@link PartOptimizer}) is saved with the checkpoint, so a
 * resumed run gives the same losses and weights as an uninterrupted one (a checkpoint written before the state was
 * saved resumes with fresh moments). Every {@code checkpointEvery} steps a checkpoint is written atomically; at the end the weights ({@code <part>.params}, {@link BlockParameters}), the per-step losses
 * ({@code losses.csv}, {@link LossHistory}) and, when a plotter is given, their plot ({@code loss-curve.png}).
 */
public final class ZooTrainer {
    /** The loss plot's file name in the work folder. */
    public static final String LOSS_CURVE = "loss-curve.png";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Called after every step with the losses of that step. */
    public interface Listener {
        void onStep(int step, int total, Map<String, Double> losses);
    }

    /** What a run produced. */
    public record Result(String model, Path workDir, int steps, double wallSeconds, Map<String, Path> weights,
                         boolean resumed) {}

    private ZooTrainer() {}

    /** Trains {@code model} in {@code workDir} without a loss plot; see the class comment for resuming. */
    public static Result train(String model, Path workDir, TrainOptions opts, FashionMnist data, Listener listener)
            throws IOException {
        return train(model, workDir, opts, data, listener, false, null);
    }

    /** As {@link #train(String, Path, TrainOptions, FashionMnist, Listener, boolean, LossHistory.Plotter)}. */
    public static Result train(String model, Path workDir, TrainOptions opts, FashionMnist data, Listener listener,
                               boolean startAgain) throws IOException {
        return train(model, workDir, opts, data, listener, startAgain, null);
    }

    /** What the user can do when a work folder is refused. */
    public static final String TODO = "use a new --work, or --overwrite to start again";

    /**
     * The options that change a training result, as flag → value: the model, the data (sha256 of the training
     * split), and every setting but the number of steps (a run resumed with more steps continues the same
     * trajectory) and the checkpoint interval.
     */
    public static Map<String, Object> fingerprint(String model, TrainOptions o, FashionMnist data) {
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("model", model);
        fp.put("batch size", o.batchSize());
        fp.put("learning rate", o.learningRate());
        fp.put("beta1", o.beta1());
        fp.put("seed", o.seed());
        fp.put("training images", o.trainFrom() + ".." + o.trainTo());
        fp.put("data (--data)", dataSha256(data));
        return fp;
    }

    private static String dataSha256(FashionMnist data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data.train().pixels());
            md.update(data.train().labels());
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Trains {@code model} in the work folder {@code workDir} (see {@link WorkFolder}): a folder genalign did not
     * make is refused, one made with other options too (or, with {@code startAgain}, emptied and begun afresh), as
     * is a checkpoint beyond {@code opts.steps()}. Checkpoints are atomic ({@link CheckpointStore}); the outputs
     * never replace a file genalign did not write. {@code plotter} (nullable) draws {@value #LOSS_CURVE}.
     */
    public static Result train(String model, Path workDir, TrainOptions opts, FashionMnist data, Listener listener,
                               boolean startAgain, LossHistory.Plotter plotter) throws IOException {
        return train(model, workDir, opts, data, listener, startAgain, plotter, null);
    }

    /**
     * Initial weights for a run that does not start from the recipe's seeded initialisation: the bytes of one weight
     * file, loaded into every part (a model's network and its average alike), and where they came from.
     *
     * @param weights the file's bytes ({@link BlockParameters#save} format)
     * @param source  the file, or {@code shipped}; named in errors
     */
    public record InitialWeights(byte[] weights, Path source) {
        /** The first 16 hex digits of the weights' sha256: what the work folder's fingerprint records. */
        public String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights))
                        .substring(0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * As {@link #train(String, Path, TrainOptions, FashionMnist, Listener, boolean, LossHistory.Plotter)}, starting
     * (at step 0 only; a resumed run continues from its checkpoint) from {@code init} when it is not null: its
     * weights are loaded into every part of the recipe, and the work folder's fingerprint records their sha256, so
     * that a resume with other initial weights is refused.
     */
    public static Result train(String model, Path workDir, TrainOptions opts, FashionMnist data, Listener listener,
                               boolean startAgain, LossHistory.Plotter plotter, InitialWeights init)
            throws IOException {
        TrainingRecipe recipe = TrainingRecipe.forModel(model);
        Map<String, Object> fp = fingerprint(model, opts, data);
        if (init != null) {
            fp.put("initial weights (--init-from)", init.sha256());
        }
        WorkFolder wf = WorkFolder.open(workDir, "zoo train " + model, fp, startAgain, TODO);
        CheckpointStore store = wf.checkpoints();
        Optional<CheckpointStore.Checkpoint> latest = store.latest();
        if (latest.isPresent() && latest.get().step() > opts.steps()) {
            if (!startAgain) {
                throw new WorkFolder.RefusedException(workDir + " holds a checkpoint at step " + latest.get().step()
                        + ", beyond the " + opts.steps() + " steps asked for (--steps); " + TODO);
            }
            wf = wf.restart();
            store = wf.checkpoints();
            latest = Optional.empty();
        }
        EngineBootstrap.start(opts.seed());
        long t0 = System.nanoTime();
        try (NDManager manager = Tensors.newManager(); NDManager optimizerState = manager.newSubManager()) {
            Map<String, Block> parts = recipe.build(manager, opts.batchSize());
            Map<String, PartOptimizer> optimizers = new LinkedHashMap<>();
            for (String part : parts.keySet()) {
                if (recipe.trained(part)) {
                    optimizers.put(part, PartOptimizer.adam(optimizerState, recipe.learningRate(part, opts),
                            opts.beta1()));
                }
            }
            int start = 0;
            List<Map<String, Double>> history = new ArrayList<>();
            boolean resumed = false;
            if (latest.isPresent()) {
                CheckpointStore.Checkpoint c = latest.get();
                start = c.step();
                for (Map.Entry<String, Block> e : parts.entrySet()) {
                    BlockParameters.load(e.getValue(), manager, c.file(e.getKey() + ".params"));
                }
                markTrainable(recipe, parts);
                for (Map.Entry<String, PartOptimizer> e : optimizers.entrySet()) {
                    Path state = c.file(PartOptimizer.stateFile(e.getKey()));
                    if (Files.isRegularFile(state)) {
                        e.getValue().adam().decode(Files.readAllBytes(state));
                    }
                }
                history = LossHistory.read(c.file("losses.csv"));
                resumed = true;
            } else if (init != null) {
                for (Block b : parts.values()) {
                    BlockParameters.load(b, manager, init.weights(), init.source());
                }
                markTrainable(recipe, parts);
            }
            ParameterStore ps = new ParameterStore(manager, false);
            if (opts.trainTo() > data.train().size()) {
                throw new IllegalArgumentException("the Fashion-MNIST folder (--data) has " + data.train().size()
                        + " training images; " + model + " trains on images " + opts.trainFrom() + ".."
                        + opts.trainTo());
            }
            Batches batches = new Batches(data.train(), opts);
            for (int step = start; step < opts.steps(); step++) {
                Map<String, Double> losses = step(manager, recipe, ps, parts, optimizers, batches, step, opts);
                history.add(losses);
                if (listener != null) {
                    listener.onStep(step + 1, opts.steps(), losses);
                }
                if ((step + 1) % opts.checkpointEvery() == 0 || step + 1 == opts.steps()) {
                    checkpoint(store, parts, optimizers, step + 1, history, fp);
                }
            }
            Map<String, Path> weights = new LinkedHashMap<>();
            List<String> outputs = new ArrayList<>(List.of("losses.csv", "training.json"));
            if (plotter != null) {
                outputs.add(1, LOSS_CURVE);
            }
            for (String name : outputs) {
                wf.checkReplaceable(name);
            }
            for (String part : parts.keySet()) {
                wf.checkReplaceable(part + ".params");
            }
            for (Map.Entry<String, Block> e : parts.entrySet()) {
                Path w = wf.writeOutput(e.getKey() + ".params", f -> BlockParameters.save(e.getValue(), f));
                weights.put(e.getKey(), w);
            }
            final List<Map<String, Double>> h = history;
            wf.writeOutput("losses.csv", f -> LossHistory.write(f, h));
            if (plotter != null && !h.isEmpty()) {
                wf.writeOutput(LOSS_CURVE, f -> plotter.plot(f, model, h));
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> info = new LinkedHashMap<>();
            Path infoFile = workDir.resolve("training.json");
            double previous = 0;
            if (resumed && Files.exists(infoFile)) {
                Object w = JSON.readValue(infoFile.toFile(), Map.class).get("wall_seconds");
                previous = w instanceof Number ? ((Number) w).doubleValue() : 0;
            }
            info.put("model", model);
            info.put("options", opts);
            info.put("wall_seconds", previous + wall);
            info.put("resumed", resumed);
            if (init != null) {
                info.put("init_from", init.source().toString());
                info.put("init_sha256", init.sha256());
            }
            long params = 0;
            for (Map.Entry<String, Block> e : parts.entrySet()) {
                if (!recipe.trained(e.getKey())) {
                    continue;
                }
                for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                    params += p.getValue().getArray().size();
                }
            }
            info.put("parameters", params);
            wf.writeOutput("training.json", f -> JSON.writeValue(f.toFile(), info));
            return new Result(model, workDir, opts.steps(), (System.nanoTime() - t0) / 1e9, weights, resumed);
        }
    }

    /**
     * Step {@code step} of {@code recipe}: the engine seed and the batch depend only on the seed and the step; every
     * temporary lives in a sub-manager of {@code manager} closed before returning.
     */
    static Map<String, Double> step(NDManager manager, TrainingRecipe recipe, ParameterStore ps,
                                    Map<String, Block> parts, Map<String, PartOptimizer> optimizers, Batches batches,
                                    int step, TrainOptions opts) {
        try (NDManager sm = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed((int) (opts.seed() * 7919 + step));
            Batches.Batch batch = batches.batch(sm, step);
            return recipe.step(new TrainingRecipe.StepContext(sm, ps, parts, optimizers, batch, step, opts));
        }
    }

    /**
     * After loading weights into {@code parts}: gradients on again for every parameter the optimiser trains (not
     * BatchNorm's running statistics, nor a part the optimiser does not train).
     */
    private static void markTrainable(TrainingRecipe recipe, Map<String, Block> parts) {
        for (Map.Entry<String, Block> e : parts.entrySet()) {
            for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                if (p.getValue().requiresGradient() && recipe.trained(e.getKey())) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
        }
    }

    private static void checkpoint(CheckpointStore store, Map<String, Block> parts,
                                   Map<String, PartOptimizer> optimizers, int step, List<Map<String, Double>> history,
                                   Map<String, Object> fingerprint) throws IOException {
        Map<String, CheckpointStore.FileWriter> files = new LinkedHashMap<>();
        for (Map.Entry<String, Block> e : parts.entrySet()) {
            files.put(e.getKey() + ".params", f -> BlockParameters.save(e.getValue(), f));
        }
        for (Map.Entry<String, PartOptimizer> e : optimizers.entrySet()) {
            files.put(PartOptimizer.stateFile(e.getKey()), f -> Files.write(f, e.getValue().adam().encode()));
        }
        files.put("losses.csv", f -> LossHistory.write(f, history));
        store.save(step, files, Map.of("fingerprint", WorkFolder.normalise(fingerprint)));
    }
}
