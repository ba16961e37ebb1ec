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
import io.genalign.core.model.Condition;
import io.genalign.core.optim.AdamW;
import io.genalign.core.optim.GradientClipping;
import io.genalign.core.preference.FDpoLoss;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.data.Permutation;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.DiffusionUNet;
import io.genalign.zoo.diffusion.NoiseSchedule;
import io.genalign.zoo.train.CheckpointStore;
import io.genalign.zoo.train.WorkFolder;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Fine-tunes a diffusion model's epsilon network on preference pairs with Diffusion-DPO generalised to an
 * f-divergence ({@link FDpoLoss}): the zoo's UNet ({@link BuiltinEpsilon}) or a model folder's TorchScript network
 * ({@link FolderEpsilon}), both through {@link EpsilonModel} and the same step.
 *
 * <p>Each step draws {@code pairsPerStep} pairs (a seeded shuffle per epoch), one timestep t ~ U{0..T−1} and one
 * noise eps per pair, <b>shared by the winner and the loser</b>, and forms x_t of both. The trainable policy and
 * the frozen reference (a second UNet loaded from the same weights, parameters frozen, run without recording
 * gradients) predict the noise on the batch [winners; losers]; e = mean_{C,H,W}(eps_hat − eps)² per image,
 * Delta_w = e_theta^w − e_ref^w, Delta_l likewise, and the loss is {@link FDpoLoss} on (Delta_w, Delta_l). Then
 * the global gradient norm is clipped and AdamW ({@link AdamW}, core's optimizer kit) updates the policy with the warm-up schedule.
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

        /**
         * Called once at the end with the fine-tuned policy in memory (after its weights were saved), e.g. to
         * record its outputs; the policy is closed afterwards.
         */
        default void onEnd(EpsilonModel policy) throws IOException {}
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
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(8);
            for (PreferencePairs.Pair p : pairs.pairs()) {
                md.update(b.clear().putInt(p.classId()).array(), 0, 4);
                md.update(p.prompt().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                for (float[] img : new float[][] {p.winner(), p.loser()}) {
                    ByteBuffer fb = ByteBuffer.allocate(img.length * 4);
                    fb.asFloatBuffer().put(img);
                    md.update(fb.array());
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Trains the built-in UNet.
     *
     * @param baseWeights the starting weights (e.g. {@code Zoo.diffusionWeights()})
     * @param pairs       the preference pairs; their class ids must be 0..9
     */
    public static Result train(byte[] baseWeights, PreferencePairs.PairSet pairs, DpoOptions o, Path workDir,
                               Listener listener) throws IOException {
        return train(BuiltinEpsilon.family(baseWeights), baseWeights, pairs, o, workDir, listener);
    }

    /**
     * Trains any {@link EpsilonModel}: the built-in UNet or a model folder's TorchScript network.
     *
     * @param family    loads the policy (trainable) and the reference (frozen), saves the weights
     * @param baseBytes the base weights' bytes, for the fingerprint
     * @param pairs     the preference pairs; each must pass {@link EpsilonModel.Family#problem}
     */
    public static Result train(EpsilonModel.Family family, byte[] baseBytes, PreferencePairs.PairSet pairs,
                               DpoOptions o, Path workDir, Listener listener) throws IOException {
        if (pairs.size() == 0) {
            throw new IllegalArgumentException("no preference pairs to train on");
        }
        for (PreferencePairs.Pair p : pairs.pairs()) {
            String problem = family.problem(p);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        Map<String, String> fp = WorkFolder.normalise(fingerprint(baseBytes, pairs, o));
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
        NoiseSchedule schedule = family.schedule();
        String weights = family.weightsFileName();
        try (NDManager manager = Tensors.newManager()) {
            int start = 0;
            boolean resumed = false;
            List<StepMetrics> history = new ArrayList<>();
            AdamW adam = new AdamW(manager, o.weightDecay());
            Path from = null;
            if (latest.isPresent()) {
                CheckpointStore.Checkpoint c = latest.get();
                start = c.step();
                from = c.file(weights);
                adam.decode(Files.readAllBytes(c.file("adamw.bin")));
                history = readHistory(c.file("history.json"), start);
                resumed = true;
            }
            try (EpsilonModel policy = family.load(manager, from, true);
                 EpsilonModel reference = family.load(manager, null, false)) {
                ParameterStore ps = new ParameterStore(manager, false);
                for (int step = start; step < o.steps(); step++) {
                    StepMetrics sm = step(manager, ps, policy, reference, adam, loss, schedule, pairs, o, step);
                    history.add(sm);
                    if (listener != null) {
                        listener.onStep(sm, o.steps());
                    }
                    if ((step + 1) % o.checkpointEvery() == 0 || step + 1 == o.steps()) {
                        Map<String, CheckpointStore.FileWriter> files = new LinkedHashMap<>();
                        files.put(weights, f -> family.save(policy, f));
                        byte[] adamState = adam.encode();
                        files.put("adamw.bin", f -> Files.write(f, adamState));
                        byte[] hist = JSON.writeValueAsBytes(history);
                        files.put("history.json", f -> Files.write(f, hist));
                        store.save(step + 1, files, Map.of("fingerprint", fp));
                    }
                }
                Path out = workDir.resolve(weights);
                family.save(policy, out);
                if (listener != null) {
                    listener.onEnd(policy);
                }
                return new Result(out, history, resumed, start, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** One step of the built-in UNet (blocks); package-private for tests. */
    static StepMetrics step(NDManager manager, ParameterStore ps, Block policy, Block reference, AdamW adam,
                            FDpoLoss loss, NoiseSchedule schedule, PreferencePairs.PairSet pairs, DpoOptions o,
                            int step) {
        return step(manager, ps, new BuiltinEpsilon(policy), new BuiltinEpsilon(reference), adam, loss, schedule,
                pairs, o, step);
    }

    /** One step; package-private for tests. */
    static StepMetrics step(NDManager manager, ParameterStore ps, EpsilonModel policy, EpsilonModel reference,
                            AdamW adam, FDpoLoss loss, NoiseSchedule schedule, PreferencePairs.PairSet pairs,
                            DpoOptions o, int step) {
        int p = o.pairsPerStep();
        try (NDManager sm = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed((int) (o.seed() * 7919 + step));
            int[] idx = pairIndices(pairs.size(), p, o.seed(), step);
            SplittableRandom rng = new SplittableRandom(o.seed() * 31 + step);
            int[] t = new int[p];
            int[] classes = new int[2 * p];
            List<String> prompts = new ArrayList<>(2 * p);
            for (int i = 0; i < p; i++) {
                t[i] = rng.nextInt(schedule.steps());
                classes[i] = pairs.pairs().get(idx[i]).classId();
                classes[p + i] = classes[i];
                prompts.add(pairs.pairs().get(idx[i]).prompt());
            }
            prompts.addAll(new ArrayList<>(prompts));
            Condition cond = Condition.of(prompts, classes);
            NDArray w = pairs.images(sm, idx, true);
            NDArray l = pairs.images(sm, idx, false);
            NDArray eps = sm.randomNormal(w.getShape());
            Batch b = batch(schedule, w, l, eps, t);
            NDArray refMse = Diffusion.perSampleMse(reference.predict(ps, b.x, b.t, cond, false).stopGradient(),
                    b.eps);
            FDpoLoss.Result r;
            NDArray mse;
            double lossValue;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                mse = Diffusion.perSampleMse(policy.predict(ps, b.x, b.t, cond, true), b.eps);
                NDArray delta = mse.sub(refMse);
                r = loss.compute(delta.get("0:" + p), delta.get(p + ":"));
                NDArray mean = r.meanLoss();
                lossValue = mean.toType(DataType.FLOAT64, false).getDouble();
                gc.backward(mean);
            }
            double norm = GradientClipping.clipGlobalNorm(policy.parameters(), o.gradClip());
            float lr = o.learningRateAt(step + 1);
            adam.step(policy.parameters(), lr);
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
    record Batch(NDArray x, int[] t, NDArray eps) {}

    /** Builds [x_t^w; x_t^l] with the same t and eps for both halves (package-private for tests). */
    static Batch batch(NoiseSchedule schedule, NDArray w, NDArray l, NDArray eps, int[] t) {
        int p = t.length;
        int[] tt = Arrays.copyOf(t, 2 * p);
        System.arraycopy(t, 0, tt, p, p);
        NDArray x = schedule.noisy(w, eps, t).concat(schedule.noisy(l, eps, t), 0);
        return new Batch(x, tt, eps.concat(eps, 0));
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
                order = Permutation.shuffled(n, seed * 1_000_003L + epoch);
                orderEpoch = epoch;
            }
            out[i] = order[(int) (pos % n)];
        }
        return out;
    }

    /** A UNet from weight bytes; trainable (gradients on) or frozen. */
    static Block load(NDManager manager, byte[] weights, boolean trainable) throws IOException {
        return BuiltinEpsilon.loadBlock(manager, weights, trainable);
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
