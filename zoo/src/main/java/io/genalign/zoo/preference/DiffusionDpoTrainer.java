package io.genalign.zoo.preference;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genalign.core.preference.FDpoLoss;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.DiffusionUNet;
import io.genalign.zoo.diffusion.NoiseSchedule;
import io.genalign.zoo.train.CheckpointStore;
import io.genalign.zoo.train.WorkFolder;
import io.genalign.zoo.train.ZooTrainer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Fine-tunes the zoo's diffusion model on preference pairs with Diffusion-DPO generalised to an f-divergence
 * ({@link FDpoLoss}).
 *
 * <p>Each step draws {@code pairsPerStep} pairs (a seeded shuffle per epoch), one timestep t ~ U{0..T−1} and one
 * noise eps per pair, <b>shared by the winner and the loser</b>, and forms x_t of both. The trainable policy and
 * the frozen reference (a second UNet loaded from the same weights, parameters frozen, run without recording
 * gradients) predict the noise on the batch [winners; losers]; e = mean_{C,H,W}(eps_hat − eps)² per image,
 * Delta_w = e_theta^w − e_ref^w, Delta_l likewise, and the loss is {@link FDpoLoss} on (Delta_w, Delta_l). Then
 * the global gradient norm is clipped and AdamW ({@link AdamW}) updates the policy with the warm-up schedule.
 *
 * <p>Lifecycle in {@code workDir}: if {@code checkpoints/} holds a complete checkpoint ({@link CheckpointStore}:
 * a new folder per checkpoint, a manifest with checksums written last, one rename), the policy, AdamW's moments,
 * the step and the history are restored and training continues; pair order, timesteps and noise depend only on
 * the seed and the step, so a resumed run follows the uninterrupted one bit for bit. A checkpoint made with other
 * settings ({@link #fingerprint}) or beyond the steps asked for is refused. Every {@code checkpointEvery} steps a
 * checkpoint is written; at the end {@code policy.params}.
 */
public final class DiffusionDpoTrainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Called after every step. */
    public interface Listener {
        void onStep(StepMetrics metrics, int total);
    }

    /**
     * What one step measured. sW and sL are the per-pair log-ratio estimates s = −kappa·Delta.
     *
     * @param implicitAccuracy share of pairs with margin M &gt; 0
     * @param gradNorm         global gradient norm before clipping
     * @param cappedShare      share of log-ratios held at the exponent cap
     */
    public record StepMetrics(int step, double loss, double implicitAccuracy, double marginMean, double gradNorm,
                              double learningRate, double cappedShare, double mseWinner, double mseLoser,
                              double refMseWinner, double refMseLoser, double[] sW, double[] sL) {
        public double sWMean() {
            return Arrays.stream(sW).average().orElse(Double.NaN);
        }

        public double sLMean() {
            return Arrays.stream(sL).average().orElse(Double.NaN);
        }
    }

    /** The outcome: the fine-tuned weights, the full history (including steps before a resume). */
    public record Result(Path policyWeights, List<StepMetrics> history, boolean resumed, int resumedAt,
                         double seconds) {}

    private DiffusionDpoTrainer() {}

    /** What the user can do when a checkpoint is refused. */
    public static final String TODO = "use a new --out, or --overwrite to start again";

    /**
     * The settings that change a training result, as option → value: every DPO option but the number of steps (a
     * run resumed with more steps continues the same trajectory) and the checkpoint interval, the sha256 of the base
     * weights and a digest of the pairs (order, classes, prompts and pixels).
     */
    public static Map<String, Object> fingerprint(byte[] baseWeights, PreferencePairs.PairSet pairs, DpoOptions o) {
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("--divergence", o.divergence().label());
        fp.put("--beta", o.betaDpo());
        fp.put("--beta-out", o.betaOut());
        fp.put("--lr", o.learningRate());
        fp.put("--weight-decay", o.weightDecay());
        fp.put("--warmup", o.warmupSteps());
        fp.put("--clip", o.gradClip());
        fp.put("--batch", o.pairsPerStep());
        fp.put("--seed", o.seed());
        fp.put("base weights", sha256(baseWeights).substring(0, 16));
        fp.put("pairs", pairsDigest(pairs));
        return fp;
    }

    /** A digest of the pairs' order, classes, prompts and pixels (hex, 16 characters). */
    public static String pairsDigest(PreferencePairs.PairSet pairs) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            for (PreferencePairs.Pair p : pairs.pairs()) {
                md.update(b.clear().putInt(p.classId()).array(), 0, 4);
                md.update(p.prompt().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                for (float[] img : new float[][] {p.winner(), p.loser()}) {
                    java.nio.ByteBuffer fb = java.nio.ByteBuffer.allocate(img.length * 4);
                    fb.asFloatBuffer().put(img);
                    md.update(fb.array());
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Trains.
     *
     * @param baseWeights the starting weights (e.g. {@code Zoo.diffusionWeights()})
     * @param pairs       the preference pairs; their class ids must be 0..9
     */
    public static Result train(byte[] baseWeights, PreferencePairs.PairSet pairs, DpoOptions o, Path workDir,
                               Listener listener) throws IOException {
        if (pairs.size() == 0) {
            throw new IllegalArgumentException("no preference pairs to train on");
        }
        for (PreferencePairs.Pair p : pairs.pairs()) {
            if (p.classId() >= DiffusionUNet.NULL_CLASS) {
                throw new IllegalArgumentException("pair at line " + p.line() + " has class " + p.classId()
                        + "; the diffusion model knows classes 0..9");
            }
        }
        Map<String, String> fp = WorkFolder.normalise(fingerprint(baseWeights, pairs, o));
        CheckpointStore store = new CheckpointStore(workDir.resolve("checkpoints"));
        Optional<CheckpointStore.Checkpoint> latest = store.latest();
        if (latest.isPresent()) {
            String diff = WorkFolder.difference("dpo", "dpo", latest.get().meta().get("fingerprint"), fp);
            if (diff != null) {
                throw new WorkFolder.RefusedException(store.dir() + " holds a checkpoint made with other settings ("
                        + diff + "); " + TODO);
            }
            if (latest.get().step() > o.steps()) {
                throw new WorkFolder.RefusedException(store.dir() + " holds a checkpoint at step "
                        + latest.get().step() + ", beyond the " + o.steps() + " steps asked for (--steps); " + TODO);
            }
        }
        EngineBootstrap.start(o.seed());
        long t0 = System.nanoTime();
        FDpoLoss loss = o.loss();
        NoiseSchedule schedule = Diffusion.schedule();
        try (NDManager manager = Tensors.newManager()) {
            Block policy = load(manager, baseWeights, true);
            Block reference = load(manager, baseWeights, false);
            AdamW adam = new AdamW(manager, o.weightDecay());
            List<StepMetrics> history = new ArrayList<>();
            int start = 0;
            boolean resumed = false;
            if (latest.isPresent()) {
                CheckpointStore.Checkpoint c = latest.get();
                start = c.step();
                ZooTrainer.load(policy, manager, c.file("policy.params"));
                enableGradients(policy);
                adam.decode(Files.readAllBytes(c.file("adamw.bin")));
                history = readHistory(c.file("history.json"), start);
                resumed = true;
            }
            ParameterStore ps = new ParameterStore(manager, false);
            for (int step = start; step < o.steps(); step++) {
                StepMetrics sm = step(manager, ps, policy, reference, adam, loss, schedule, pairs, o, step);
                history.add(sm);
                if (listener != null) {
                    listener.onStep(sm, o.steps());
                }
                if ((step + 1) % o.checkpointEvery() == 0 || step + 1 == o.steps()) {
                    Map<String, CheckpointStore.FileWriter> files = new LinkedHashMap<>();
                    files.put("policy.params", f -> ZooTrainer.save(policy, f));
                    byte[] adamState = adam.encode();
                    files.put("adamw.bin", f -> Files.write(f, adamState));
                    byte[] hist = JSON.writeValueAsBytes(history);
                    files.put("history.json", f -> Files.write(f, hist));
                    store.save(step + 1, files, Map.of("fingerprint", fp));
                }
            }
            Path out = workDir.resolve("policy.params");
            ZooTrainer.save(policy, out);
            return new Result(out, history, resumed, start, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** One step; package-private for tests. */
    static StepMetrics step(NDManager manager, ParameterStore ps, Block policy, Block reference, AdamW adam,
                            FDpoLoss loss, NoiseSchedule schedule, PreferencePairs.PairSet pairs, DpoOptions o,
                            int step) {
        int p = o.pairsPerStep();
        try (NDManager sm = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed((int) (o.seed() * 7919 + step));
            int[] idx = pairIndices(pairs.size(), p, o.seed(), step);
            SplittableRandom rng = new SplittableRandom(o.seed() * 31 + step);
            int[] t = new int[p];
            int[] classes = new int[2 * p];
            for (int i = 0; i < p; i++) {
                t[i] = rng.nextInt(schedule.steps());
                classes[i] = pairs.pairs().get(idx[i]).classId();
                classes[p + i] = classes[i];
            }
            NDArray w = pairs.images(sm, idx, true);
            NDArray l = pairs.images(sm, idx, false);
            NDArray eps = sm.randomNormal(w.getShape());
            Batch b = batch(schedule, w, l, eps, t, classes);
            NDArray refMse = Diffusion.perSampleMse(Diffusion.predict(ps, reference, b.x, b.t, b.cond, false)
                    .stopGradient(), b.eps);
            FDpoLoss.Result r;
            NDArray mse;
            double lossValue;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                mse = Diffusion.perSampleMse(Diffusion.predict(ps, policy, b.x, b.t, b.cond, true), b.eps);
                NDArray delta = mse.sub(refMse);
                r = loss.compute(delta.get("0:" + p), delta.get(p + ":"));
                NDArray mean = r.meanLoss();
                lossValue = mean.toType(DataType.FLOAT64, false).getDouble();
                gc.backward(mean);
            }
            double norm = AdamW.clipGradients(policy.getParameters(), o.gradClip());
            float lr = o.learningRateAt(step + 1);
            adam.step(policy.getParameters(), lr);
            double[] e = mse.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] er = refMse.toType(DataType.FLOAT64, false).toDoubleArray();
            double[] sW = r.sW().stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double[] sL = r.sL().stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            double marginMean = r.margin().stopGradient().toType(DataType.FLOAT64, false).mean().getDouble();
            return new StepMetrics(step + 1, lossValue, r.implicitAccuracy(), marginMean, norm, lr, r.cappedShare(),
                    mean(e, 0, p), mean(e, p, 2 * p), mean(er, 0, p), mean(er, p, 2 * p), sW, sL);
        }
    }

    /** The network inputs of one step: [winners; losers] at the shared timesteps and noise. */
    record Batch(NDArray x, int[] t, NDArray cond, NDArray eps) {}

    /** Builds [x_t^w; x_t^l] with the same t and eps for both halves (package-private for tests). */
    static Batch batch(NoiseSchedule schedule, NDArray w, NDArray l, NDArray eps, int[] t, int[] classes) {
        int p = t.length;
        int[] tt = Arrays.copyOf(t, 2 * p);
        System.arraycopy(t, 0, tt, p, p);
        NDArray x = schedule.noisy(w, eps, t).concat(schedule.noisy(l, eps, t), 0);
        NDArray cond = Diffusion.conditions(w.getManager(), classes, w.getDataType());
        return new Batch(x, tt, cond, eps.concat(eps, 0));
    }

    /** The pairs of a step: a seeded shuffle of all pairs per epoch, cycled. */
    static int[] pairIndices(int n, int count, long seed, int step) {
        int[] out = new int[count];
        int[] order = null;
        int orderEpoch = -1;
        for (int i = 0; i < count; i++) {
            long pos = (long) step * count + i;
            int epoch = (int) (pos / n);
            if (epoch != orderEpoch) {
                order = ZooTrainer.shuffled(n, seed * 1_000_003L + epoch);
                orderEpoch = epoch;
            }
            out[i] = order[(int) (pos % n)];
        }
        return out;
    }

    /** A UNet from weight bytes; trainable (gradients on) or frozen. */
    static Block load(NDManager manager, byte[] weights, boolean trainable) throws IOException {
        Block b = Diffusion.newUNet();
        b.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(1));
        try {
            b.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(weights)));
        } catch (MalformedModelException e) {
            throw new IOException("the base weights are not the zoo diffusion model's: " + e.getMessage(), e);
        }
        if (trainable) {
            enableGradients(b);
        } else {
            b.freezeParameters(true);
        }
        return b;
    }

    private static void enableGradients(Block b) {
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    private static List<StepMetrics> readHistory(Path file, int steps) throws IOException {
        StepMetrics[] all = JSON.readValue(file.toFile(), StepMetrics[].class);
        return new ArrayList<>(Arrays.asList(all).subList(0, Math.min(steps, all.length)));
    }

    /** Summary numbers of a history window, for reports. */
    public static Map<String, Double> summary(List<StepMetrics> h, int from, int to) {
        Map<String, Double> m = new LinkedHashMap<>();
        double loss = 0;
        double acc = 0;
        for (int i = from; i < to; i++) {
            loss += h.get(i).loss();
            acc += h.get(i).implicitAccuracy();
        }
        m.put("loss", loss / (to - from));
        m.put("implicit_accuracy", acc / (to - from));
        return m;
    }
}
