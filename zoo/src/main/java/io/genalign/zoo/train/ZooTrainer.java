package io.genalign.zoo.train;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.core.preference.StableMath;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.DiffusionUNet;
import io.genalign.zoo.diffusion.NoiseSchedule;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Trains the zoo's models from a seed, resumably.
 *
 * <p>Lifecycle of a run in {@code workDir} (a {@link WorkFolder}: it records the model and the options that
 * change the result, and refuses other ones): if {@code workDir/checkpoints/} holds a complete checkpoint
 * ({@link CheckpointStore}), the parameters and the step counter are restored from it and training continues; data order (a seeded shuffle per epoch) and
 * noise (the engine RNG reseeded from the seed and the step) depend only on the seed and the step, so a resumed
 * run sees the same batches as an uninterrupted one. Adam's moment estimates are not saved by DJL's
 * optimizer, so they restart from zero after a resume (documented difference; the effect is a few noisier
 * steps). Every {@code checkpointEvery} steps a checkpoint is written atomically; at the end the weights
 * ({@code <part>.params}), the per-step losses ({@code losses.csv}) and their plot ({@code loss-curve.png}).
 */
public final class ZooTrainer {
    /** Target of real images in the discriminator's loss (one-sided label smoothing). */
    public static final float REAL_LABEL = 0.9f;
    /** Weight of the mode-seeking term 1 / (ratio + 1e-5) in the generator's loss (MSGAN's default). */
    static final float MODE_SEEKING = 1f;
    /**
     * Weight of the auxiliary classification terms (P2GAN-style label matching): the projection discriminator's
     * class embedding, used as a classifier (softmax of ⟨E_k, φ(x)⟩), is fitted by cross-entropy to the labels of
     * real images, and the generator adds the cross-entropy of its samples against the requested class. Without
     * them the projection discriminator alone left 30% of the samples looking like another class to classifier B
     * (69.8% agreement after 6,000 steps). On from {@link #AUX_START} (a second training phase).
     */
    static final float AUX_CLASSIFIER = 1f;
    /** First step (0-based) of the second phase, in which the auxiliary classification terms are on. */
    public static final int AUX_START = 6000;
    /** Standard deviation of the instance noise added to every image the discriminator sees in training. */
    public static final float INSTANCE_NOISE = 0.1f;
    /** The discriminator's learning rate relative to the generator's. */
    public static final float DISC_LR_FACTOR = 0.5f;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Called after every step with the losses of that step. */
    public interface Listener {
        void onStep(int step, int total, Map<String, Double> losses);
    }

    /** What a run produced. */
    public record Result(String model, Path workDir, int steps, double wallSeconds, Map<String, Path> weights,
                         boolean resumed) {}

    private ZooTrainer() {}

    /** Trains {@code model} in {@code workDir}; see the class comment for resuming. */
    public static Result train(String model, Path workDir, TrainOptions opts, FashionMnist data, Listener listener)
            throws IOException {
        return train(model, workDir, opts, data, listener, false);
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
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(data.train().pixels());
            md.update(data.train().labels());
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Trains {@code model} in the work folder {@code workDir} (see {@link WorkFolder}): a folder genalign did not
     * make is refused, one made with other options too (or, with {@code startAgain}, emptied and begun afresh), as
     * is a checkpoint beyond {@code opts.steps()}. Checkpoints are atomic ({@link CheckpointStore}); the outputs
     * never replace a file genalign did not write.
     */
    public static Result train(String model, Path workDir, TrainOptions opts, FashionMnist data, Listener listener,
                               boolean startAgain) throws IOException {
        ZooModels.require(model);
        Map<String, Object> fp = fingerprint(model, opts, data);
        WorkFolder wf = WorkFolder.open(workDir, "zoo train " + model, fp, startAgain, TODO);
        CheckpointStore store = wf.checkpoints();
        java.util.Optional<CheckpointStore.Checkpoint> latest = store.latest();
        if (latest.isPresent() && latest.get().step() > opts.steps()) {
            if (!startAgain) {
                throw new WorkFolder.RefusedException(workDir + " holds a checkpoint at step " + latest.get().step()
                        + ", beyond the " + opts.steps() + " steps asked for (--steps); " + TODO);
            }
            wf = wf.restart();
            store = wf.checkpoints();
            latest = java.util.Optional.empty();
        }
        EngineBootstrap.start(opts.seed());
        long t0 = System.nanoTime();
        try (NDManager manager = Tensors.newManager()) {
            Map<String, Block> parts = new LinkedHashMap<>();
            int bs = opts.batchSize();
            if (ZooModels.GAN.equals(model)) {
                Block g = Architectures.generator();
                g.initialize(manager, DataType.FLOAT32, new Shape(bs, Architectures.LATENT.get(0) + 10, 7, 7));
                Block d = Architectures.discriminator();
                d.initialize(manager, DataType.FLOAT32, new Shape(bs, 1, 28, 28), new Shape(bs, 10));
                parts.put("generator", g);
                parts.put("discriminator", d);
            } else if (ZooModels.DIFFUSION.equals(model)) {
                Block unet = Diffusion.newUNet();
                unet.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(bs));
                Block ema = Diffusion.newUNet();
                ema.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(bs));
                ema.freezeParameters(true);
                Diffusion.copyParameters(unet, ema);
                parts.put(DIFFUSION_RAW, unet);
                parts.put(ZooModels.DIFFUSION, ema);
            } else {
                Block c = switch (model) {
                    case ZooModels.CLASSIFIER_A -> Architectures.classifierA();
                    case ZooModels.CLASSIFIER_B -> Architectures.classifierB();
                    default -> Architectures.featureNet();
                };
                c.initialize(manager, DataType.FLOAT32, new Shape(bs, 1, 28, 28));
                parts.put(model, c);
            }
            int start = 0;
            List<Map<String, Double>> history = new ArrayList<>();
            boolean resumed = false;
            if (latest.isPresent()) {
                CheckpointStore.Checkpoint c = latest.get();
                start = c.step();
                for (Map.Entry<String, Block> e : parts.entrySet()) {
                    load(e.getValue(), manager, c.file(e.getKey() + ".params"));
                    for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                        if (p.getValue().requiresGradient() && !isEma(model, e.getKey())) { // not BatchNorm's running statistics
                            p.getValue().getArray().setRequiresGradient(true);
                        }
                    }
                }
                history = readHistory(c.file("losses.csv"));
                resumed = true;
            }
            Map<String, Optimizer> optimizers = new LinkedHashMap<>();
            for (String part : parts.keySet()) {
                if (isEma(model, part)) {
                    continue;
                }
                float lr = "discriminator".equals(part) ? opts.learningRate() * DISC_LR_FACTOR : opts.learningRate();
                optimizers.put(part, Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr))
                        .optBeta1(opts.beta1()).build());
            }
            ParameterStore ps = new ParameterStore(manager, false);
            Batches batches = new Batches(data.train(), opts);
            for (int step = start; step < opts.steps(); step++) {
                Map<String, Double> losses;
                try (NDManager sm = manager.newSubManager()) {
                    Engine.getInstance().setRandomSeed((int) (opts.seed() * 7919 + step));
                    Batches.Batch batch = batches.batch(sm, step);
                    if (ZooModels.DIFFUSION.equals(model)) {
                        losses = diffusionStep(sm, ps, parts.get(DIFFUSION_RAW), batch, optimizers.get(DIFFUSION_RAW),
                                step, opts);
                        Diffusion.emaUpdate(parts.get(ZooModels.DIFFUSION), parts.get(DIFFUSION_RAW),
                                Diffusion.EMA_DECAY, step);
                    } else if (ZooModels.GAN.equals(model)) {
                        losses = ganStep(sm, ps, parts.get("generator"), parts.get("discriminator"), batch,
                                optimizers, step, opts);
                    } else {
                        losses = classifierStep(ps, parts.get(model), batch, optimizers.get(model));
                    }
                }
                history.add(losses);
                if (listener != null) {
                    listener.onStep(step + 1, opts.steps(), losses);
                }
                if ((step + 1) % opts.checkpointEvery() == 0 || step + 1 == opts.steps()) {
                    checkpoint(store, parts, step + 1, history, fp);
                }
            }
            Map<String, Path> weights = new LinkedHashMap<>();
            for (String name : List.of("losses.csv", "loss-curve.png", "training.json")) {
                wf.checkReplaceable(name);
            }
            for (Map.Entry<String, Block> e : parts.entrySet()) {
                wf.checkReplaceable(e.getKey() + ".params");
            }
            for (Map.Entry<String, Block> e : parts.entrySet()) {
                Path w = wf.writeOutput(e.getKey() + ".params", f -> save(e.getValue(), f));
                weights.put(e.getKey(), w);
            }
            final List<Map<String, Double>> h = history;
            wf.writeOutput("losses.csv", f -> writeHistory(f, h));
            wf.writeOutput("loss-curve.png", f -> plot(f, model, h));
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
            long params = 0;
            for (Map.Entry<String, Block> e : parts.entrySet()) {
                if (isEma(model, e.getKey())) {
                    continue;
                }
                Block b = e.getValue();
                for (Pair<String, Parameter> p : b.getParameters()) {
                    params += p.getValue().getArray().size();
                }
            }
            info.put("parameters", params);
            wf.writeOutput("training.json", f -> JSON.writeValue(f.toFile(), info));
            return new Result(model, workDir, opts.steps(), (System.nanoTime() - t0) / 1e9, weights, resumed);
        }
    }

    /** The diffusion model's trained (non-averaged) weights; the EMA weights are the part named "diffusion". */
    public static final String DIFFUSION_RAW = "diffusion-raw";

    private static boolean isEma(String model, String part) {
        return ZooModels.DIFFUSION.equals(model) && ZooModels.DIFFUSION.equals(part);
    }

    /**
     * One denoising step: t ~ U{0..T−1}, eps ~ N(0, I), labels replaced by "no class" with probability
     * {@link Diffusion#LABEL_DROPOUT}; loss = mean ||eps_theta(x_t, t, y) − eps||².
     */
    private static Map<String, Double> diffusionStep(NDManager sm, ParameterStore ps, Block unet, Batches.Batch batch,
                                                     Optimizer opt, int step, TrainOptions o) {
        int bs = (int) batch.images().getShape().get(0);
        SplittableRandom rng = new SplittableRandom(o.seed() * 31 + step);
        NoiseSchedule schedule = Diffusion.schedule();
        int[] t = new int[bs];
        int[] y = new int[bs];
        long[] labels = batch.labels().toLongArray();
        for (int i = 0; i < bs; i++) {
            t[i] = rng.nextInt(schedule.steps());
            y[i] = rng.nextDouble() < Diffusion.LABEL_DROPOUT ? DiffusionUNet.NULL_CLASS : (int) labels[i];
        }
        NDArray eps = sm.randomNormal(batch.images().getShape());
        NDArray xt = schedule.noisy(batch.images(), eps, t);
        NDArray cond = Diffusion.conditions(sm, y, DataType.FLOAT32);
        return minimiseOnce(unet, opt,
                () -> Diffusion.perSampleMse(Diffusion.predict(ps, unet, xt, t, cond, true), eps).mean());
    }

    private static Map<String, Double> classifierStep(ParameterStore ps, Block block, Batches.Batch batch,
                                                      Optimizer opt) {
        return minimiseOnce(block, opt, () -> {
            NDArray logits = block.forward(ps, new NDList(batch.images()), true).get(0);
            return crossEntropy(logits, batch.labels().oneHot(Architectures.CLASSES).toType(logits.getDataType(), false));
        });
    }

    /** One optimiser step of {@code block} on the scalar {@code loss} (built inside the gradient collector). */
    private static Map<String, Double> minimiseOnce(Block block, Optimizer opt, java.util.function.Supplier<NDArray> loss) {
        double value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss.get();
            value = l.getFloat();
            gc.backward(l);
        }
        update(block, opt);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", value);
        return m;
    }

    private static Map<String, Double> ganStep(NDManager sm, ParameterStore ps, Block g, Block d, Batches.Batch batch,
                                               Map<String, Optimizer> opts, int step, TrainOptions o) {
        int bs = (int) batch.images().getShape().get(0);
        SplittableRandom rng = new SplittableRandom(o.seed() * 31 + step);
        NDArray yFake = oneHot(sm, randomClasses(rng, bs));
        int half = bs / 2;
        int[] paired = randomClasses(rng, bs);
        System.arraycopy(paired, 0, paired, half, half); // rows i and i + half share a class (mode-seeking pairs)
        NDArray yFake2 = oneHot(sm, paired);
        NDArray yReal = batch.labels().oneHot(10).toType(DataType.FLOAT32, false);
        double lossD;
        boolean aux = step >= AUX_START;
        double ceRealValue = Double.NaN;
        double ceFakeValue = Double.NaN;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray fake = generate(ps, g, sm, yFake, bs, true).stopGradient();
            NDArray real = batch.images().add(sm.randomNormal(batch.images().getShape()).mul(INSTANCE_NOISE));
            fake = fake.add(sm.randomNormal(fake.getShape()).mul(INSTANCE_NOISE));
            NDList outReal = d.forward(ps, new NDList(real, yReal), true);
            NDArray dReal = outReal.get(0);
            NDArray dFake = d.forward(ps, new NDList(fake, yFake), true).get(0);
            // one-sided label smoothing (real target REAL_LABEL) keeps the discriminator from saturating
            NDArray realTerm = StableMath.softplus(dReal.neg()).mul(REAL_LABEL)
                    .add(StableMath.softplus(dReal).mul(1f - REAL_LABEL));
            NDArray l = realTerm.mean().add(StableMath.softplus(dFake).mean());
            if (aux) {
                NDArray ceReal = crossEntropy(classLogits(d, ps, outReal.get(1)), yReal);
                l = l.add(ceReal.mul(AUX_CLASSIFIER));
                ceRealValue = ceReal.getFloat();
            }
            lossD = l.getFloat();
            gc.backward(l);
        }
        update(d, opts.get("discriminator"));
        zero(g);
        double lossG;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray z = sm.randomNormal(new Shape(bs).addAll(Architectures.LATENT));
            NDArray clean = g.forward(ps, new NDList(withClassMaps(z, yFake2)), true).singletonOrThrow();
            NDArray fake = clean.add(sm.randomNormal(clean.getShape()).mul(INSTANCE_NOISE));
            NDList outFake = d.forward(ps, new NDList(fake, yFake2), true);
            NDArray l = StableMath.softplus(outFake.get(0).neg()).mean();
            if (aux) {
                NDArray ceFake = crossEntropy(classLogits(d, ps, outFake.get(1)), yFake2);
                l = l.add(ceFake.mul(AUX_CLASSIFIER));
                ceFakeValue = ceFake.getFloat();
            }
            if (half > 0) {
                l = l.add(modeSeeking(clean, z, half).add(1e-5f).pow(-1).mul(MODE_SEEKING));
            }
            lossG = l.getFloat();
            gc.backward(l);
        }
        update(g, opts.get("generator"));
        zero(d);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("d_loss", lossD);
        m.put("g_loss", lossG);
        if (aux) {
            m.put("ce_real", ceRealValue);
            m.put("ce_fake", ceFakeValue);
        }
        return m;
    }

    private static NDArray classLogits(Block d, ParameterStore ps, NDArray features) {
        return ((io.genalign.zoo.arch.ProjectionDiscriminatorBlock) d).classLogits(ps, features, true);
    }

    /** Mean cross-entropy of class logits (B, K) against one-hot targets (B, K). */
    static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
    }

    /**
     * The mode-seeking ratio of Mao et al. (MSGAN, 2019): mean over pairs (i, i + half) of the same class of
     * mean|G(z_i) − G(z_{i+half})| / mean|z_i − z_{i+half}|. The generator minimises its reciprocal, which
     * penalises mapping different latents to the same image (mode collapse).
     */
    static NDArray modeSeeking(NDArray images, NDArray z, int half) {
        NDArray dImg = images.get(":" + half).sub(images.get(half + ":" + 2 * half)).abs().reshape(half, -1)
                .mean(new int[] {1});
        NDArray dZ = z.get(":" + half).sub(z.get(half + ":" + 2 * half)).abs().reshape(half, -1).mean(new int[] {1});
        return dImg.div(dZ).mean();
    }

    /** G(z, y) for fresh standard-normal latents: the latent and the one-hot maps concatenated on channels. */
    static NDArray generate(ParameterStore ps, Block g, NDManager m, NDArray oneHot, int bs, boolean training) {
        NDArray z = m.randomNormal(new Shape(bs).addAll(Architectures.LATENT));
        return g.forward(ps, new NDList(withClassMaps(z, oneHot)), training).singletonOrThrow();
    }

    /** (B, 16, 7, 7) latents and (B, 10) one-hot classes → (B, 26, 7, 7). */
    public static NDArray withClassMaps(NDArray z, NDArray oneHot) {
        long b = z.getShape().get(0);
        NDArray maps = oneHot.reshape(b, 10, 1, 1).broadcast(b, 10, z.getShape().get(2), z.getShape().get(3));
        return z.concat(maps, 1);
    }

    static int[] randomClasses(SplittableRandom rng, int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = rng.nextInt(10);
        }
        return c;
    }

    static NDArray oneHot(NDManager m, int[] classes) {
        float[] v = new float[classes.length * 10];
        for (int i = 0; i < classes.length; i++) {
            v[i * 10 + classes[i]] = 1f;
        }
        return m.create(v, new Shape(classes.length, 10));
    }

    private static void update(Block block, Optimizer opt) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (!w.hasGradient()) {
                continue;
            }
            try (NDArray grad = w.getGradient()) {
                opt.update(p.getValue().getId(), w, grad);
                grad.subi(grad);
            }
        }
    }

    private static void zero(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.hasGradient()) {
                try (NDArray grad = w.getGradient()) {
                    grad.subi(grad);
                }
            }
        }
    }

    /** A seeded Fisher-Yates permutation of 0..n-1. */
    public static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Saves parameters atomically. */
    public static void save(Block block, Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            block.saveParameters(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loads parameters saved by {@link #save}. */
    public static void load(Block block, NDManager manager, Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "Is a directory");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | java.io.EOFException | java.io.UTFDataFormatException
                 | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new io.genalign.core.io.BadFileException(file, "not a weight file of this model ("
                    + why.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + why.substring(1) + ")", e);
        }
    }

    private static void checkpoint(CheckpointStore store, Map<String, Block> parts, int step,
                                   List<Map<String, Double>> history, Map<String, Object> fingerprint)
            throws IOException {
        Map<String, CheckpointStore.FileWriter> files = new LinkedHashMap<>();
        for (Map.Entry<String, Block> e : parts.entrySet()) {
            files.put(e.getKey() + ".params", f -> save(e.getValue(), f));
        }
        files.put("losses.csv", f -> writeHistory(f, history));
        store.save(step, files, Map.of("fingerprint", WorkFolder.normalise(fingerprint)));
    }

    static void writeHistory(Path file, List<Map<String, Double>> history) throws IOException {
        StringBuilder sb = new StringBuilder("step");
        java.util.Set<String> keys = keys(history);
        for (String k : keys) {
            sb.append(',').append(k);
        }
        sb.append('\n');
        for (int i = 0; i < history.size(); i++) {
            sb.append(i + 1);
            for (String k : keys) {
                sb.append(',').append(history.get(i).getOrDefault(k, Double.NaN)); // NaN: not computed at this step
            }
            sb.append('\n');
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every loss name in the history, in order of first appearance (later phases may add terms). */
    private static java.util.Set<String> keys(List<Map<String, Double>> history) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (Map<String, Double> h : history) {
            keys.addAll(h.keySet());
        }
        return keys;
    }

    static List<Map<String, Double>> readHistory(Path file) throws IOException {
        List<Map<String, Double>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",");
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            Map<String, Double> m = new LinkedHashMap<>();
            for (int k = 1; k < header.length; k++) {
                double v = Double.parseDouble(cells[k]);
                if (!Double.isNaN(v)) {
                    m.put(header[k], v);
                }
            }
            out.add(m);
        }
        return out;
    }

    private static void plot(Path file, String model, List<Map<String, Double>> history) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        XYChart chart = new XYChartBuilder().width(640).height(400).title(model + " training loss").xAxisTitle("step")
                .yAxisTitle("loss").build();
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        int n = history.size();
        int window = Math.max(1, n / 100);
        for (String k : keys(history)) {
            List<Double> steps = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Double v = history.get(i).get(k);
                if (v != null && !v.isNaN()) {
                    steps.add(i + 1.0);
                    values.add(v);
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            double[] x = new double[values.size()];
            double[] y = new double[values.size()];
            double acc = 0;
            for (int i = 0; i < values.size(); i++) {
                acc += values.get(i);
                if (i >= window) {
                    acc -= values.get(i - window);
                }
                x[i] = steps.get(i);
                y[i] = acc / Math.min(i + 1, window);
            }
            chart.addSeries(k + " (moving mean of " + window + ")", x, y).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Seeded minibatches of a contiguous slice of the training set: a fresh shuffle per epoch. */
    static final class Batches {
        private final FashionMnist.Split split;
        private final TrainOptions opts;
        private int[] order;
        private int orderEpoch = -1;

        Batches(FashionMnist.Split split, TrainOptions opts) {
            this.split = split;
            this.opts = opts;
        }

        record Batch(NDArray images, NDArray labels) {}

        Batch batch(NDManager m, int step) {
            int n = opts.trainTo() - opts.trainFrom();
            int bs = opts.batchSize();
            float[] pixels = new float[bs * 784];
            long[] labels = new long[bs];
            for (int i = 0; i < bs; i++) {
                long pos = (long) step * bs + i;
                int epoch = (int) (pos / n);
                if (epoch != orderEpoch) {
                    order = shuffled(n, opts.seed() * 1_000_003L + epoch);
                    orderEpoch = epoch;
                }
                int idx = opts.trainFrom() + order[(int) (pos % n)];
                split.copyImage(idx, pixels, i * 784);
                labels[i] = split.label(idx);
            }
            return new Batch(m.create(pixels, new Shape(bs, 1, 28, 28)), m.create(labels));
        }

        static int[] shuffled(int n, long seed) {
            return ZooTrainer.shuffled(n, seed);
        }
    }
}
