package io.genalign.zoo.preference.toy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.genalign.core.model.Condition;
import io.genalign.core.optim.AdamW;
import io.genalign.core.optim.GradientClipping;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.NoiseSchedule;
import io.genalign.zoo.preference.DiffusionDpoTrainer;
import io.genalign.zoo.preference.DivergenceConfig;
import io.genalign.zoo.preference.DpoOptions;
import io.genalign.zoo.preference.EpsilonModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The 2-D Gaussian-mixture diffusion toy of spec §8 check 4 (preference-fdivergence.md): does the choice of
 * f-divergence decide between mode-seeking and mass-covering when Diffusion-DPO fine-tunes a diffusion model?
 *
 * <p>Per seed: (1) a reference DDPM ({@link ToyEpsilon}, cosine schedule) is trained on the {@link RingMixture};
 * (2) preference pairs are two independent DDIM samples of the reference, the winner drawn by Bradley–Terry,
 * P(a ≻ b) = sigmoid(scale·(r(a) − r(b))); (3) every configuration (divergence and beta_out) is fine-tuned from the
 * same reference on the same pairs by {@link DiffusionDpoTrainer} (the project's trainer and {@code FDpoLoss},
 * same seed, so the same pair order, timesteps and noise); (4) the reference and each policy draw the same DDIM
 * noise, and the samples are summarised by {@link RingMixture#stats}: surviving modes, effective number of modes,
 * off-mode share and mean reward. Everything is seeded and runs on one thread deterministically.
 */
public final class PreferenceToy {
    private PreferenceToy() {}

    /**
     * The configurations compared by default: the divergence experiment's set, plus reverse KL at beta_out 0.5, 2 and 4
     * (the reverse KL's own strength curve, against which the other divergences can be placed).
     */
    public static final List<String> CONFIGS = List.of("reverse-kl", "forward-kl", "js", "js@2", "alpha:0.3",
            "alpha:0.5", "alpha:0.7", "reverse-kl@0.5", "reverse-kl@2", "reverse-kl@4");

    /**
     * The toy's settings.
     *
     * @param surviveShare a mode survives if it holds at least this share of the samples
     */
    public record Options(int modes, double radius, double std, int scheduleSteps, int hidden, int refSteps,
                          int refBatch, float refLr, int pairs, double btScale, int dpoSteps, int pairsPerStep,
                          float dpoLr, float weightDecay, double betaDpo, int samples, int ddimSteps,
                          double surviveShare, List<Long> seeds, List<String> configs) {
        public Options {
            if (modes < 2 || scheduleSteps < 2 || hidden < 1 || refSteps < 1 || refBatch < 1 || pairs < 1
                    || dpoSteps < 1 || pairsPerStep < 1 || samples < 1 || ddimSteps < 1 || ddimSteps > scheduleSteps
                    || seeds.isEmpty() || configs.isEmpty()) {
                throw new IllegalArgumentException("toy sizes must be >= 1 (modes >= 2, DDIM steps <= T), with at "
                        + "least one seed and one configuration");
            }
            if (!(surviveShare > 0 && surviveShare < 1) || !(btScale > 0) || !(refLr > 0)) {
                throw new IllegalArgumentException("survive share must be in (0, 1), scale and learning rate > 0");
            }
            seeds = List.copyOf(seeds);
            configs = List.copyOf(configs);
            for (String c : configs) {
                DivergenceConfig.parse(c);
            }
        }

        /** The documented run: 8 modes, 5 seeds, every configuration. */
        public static Options defaults() {
            return new Options(8, 1.0, 0.08, 100, 128, 6000, 256, 2e-3f, 2000, 4.0, 1000, 64, 3e-4f,
                    DpoOptions.DEFAULT_WEIGHT_DECAY, 100, 4000, 50, 1.0 / 32, List.of(1L, 2L, 3L, 4L, 5L), CONFIGS);
        }

        public RingMixture mixture() {
            return new RingMixture(modes, radius, std);
        }

        public NoiseSchedule schedule() {
            return NoiseSchedule.cosine(scheduleSteps);
        }

        /** As a map, for provenance. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mixture", modes + " Gaussians on a ring of radius " + radius + ", std " + std);
            m.put("reward", "cos(angle): mode 0 favoured");
            m.put("schedule", "cosine, T=" + scheduleSteps);
            m.put("network", "MLP 3x" + hidden + " GELU, 16 sinusoidal time features");
            m.put("reference_training", refSteps + " steps of " + refBatch + " points, Adam lr " + refLr
                    + " cosine-decayed, clip 1.0");
            m.put("pairs", pairs);
            m.put("bradley_terry_scale", btScale);
            m.put("dpo_steps", dpoSteps);
            m.put("pairs_per_step", pairsPerStep);
            m.put("dpo_lr", dpoLr);
            m.put("dpo_weight_decay", weightDecay);
            m.put("beta_dpo", betaDpo);
            m.put("samples", samples);
            m.put("ddim_steps", ddimSteps);
            m.put("survive_share", surviveShare);
            m.put("seeds", seeds);
            m.put("configs", configs);
            return m;
        }
    }

    /**
     * One fine-tuned configuration.
     *
     * @param lossEnd  mean DPO loss over the last 10% of steps
     * @param accEnd   mean implicit accuracy over the last 10% of steps
     * @param sWEnd    mean s_w over the last 10% of steps
     * @param sLEnd    mean s_l over the last 10% of steps
     */
    public record Run(String config, long seed, RingMixture.Stats stats, double lossEnd, double accEnd, double sWEnd,
                      double sLEnd, double cappedShare, double seconds) {}

    /**
     * One seed's reference and runs.
     *
     * @param reference       the reference's samples summarised
     * @param winnerReward    mean reward of the pairs' winners
     * @param loserReward     mean reward of the pairs' losers
     * @param refLoss         the reference's epsilon MSE over the last 10% of its training steps
     */
    public record SeedResult(long seed, RingMixture.Stats reference, double winnerReward, double loserReward,
                             double refLoss, List<Run> runs) {}

    /** The whole outcome; {@code samples} holds the first seed's points per row ("reference" and configurations). */
    public record Outcome(Options options, List<SeedResult> seeds, Map<String, float[]> samples, double seconds) {}

    /** Runs the toy; {@code log} gets one line per stage. */
    public static Outcome run(Options o, Consumer<String> log) throws IOException {
        long t0 = System.nanoTime();
        List<DivergenceConfig> configs = o.configs().stream().map(DivergenceConfig::parse).toList();
        RingMixture mix = o.mixture();
        NoiseSchedule schedule = o.schedule();
        List<SeedResult> results = new ArrayList<>();
        Map<String, float[]> pictures = new LinkedHashMap<>();
        Path work = Files.createTempDirectory("genalign-preference-toy");
        try {
            for (long seed : o.seeds()) {
                double[] refLoss = new double[1];
                byte[] base = trainReference(mix, schedule, o, seed, refLoss);
                log.accept(String.format(java.util.Locale.ROOT, "seed %d: reference trained (eps MSE %.4f, %.0f s)",
                        seed, refLoss[0], (System.nanoTime() - t0) / 1e9));
                float[] evalNoise = noise(o.samples(), new SplittableRandom(seed * 1_000_003L + 2));
                PreferencePairs.PairSet pairs;
                double[] pairRewards;
                RingMixture.Stats refStats;
                float[] refSamples;
                try (NDManager m = Tensors.newManager()) {
                    EpsilonModel ref = ToyEpsilon.family(base, o.hidden(), schedule).load(m, null, false);
                    float[] ab = sample(ref, schedule, noise(2 * o.pairs(), new SplittableRandom(seed * 1_000_003L + 1)),
                            o.ddimSteps(), m, 2 * o.radius());
                    pairRewards = new double[2];
                    pairs = label(mix, ab, o.btScale(), new SplittableRandom(seed * 1_000_003L + 3), pairRewards);
                    refSamples = sample(ref, schedule, evalNoise, o.ddimSteps(), m, 2 * o.radius());
                    refStats = mix.stats(refSamples, o.surviveShare());
                }
                if (pictures.isEmpty()) {
                    pictures.put("reference", refSamples);
                }
                log.accept(String.format(java.util.Locale.ROOT, "seed %d: reference reward %.4f, %d surviving modes, "
                                + "off-mode %.3f; pairs: winners %.3f, losers %.3f", seed, refStats.meanReward(),
                        refStats.surviving(), refStats.offMode(), pairRewards[0], pairRewards[1]));
                List<Run> runs = new ArrayList<>();
                for (DivergenceConfig c : configs) {
                    long r0 = System.nanoTime();
                    DpoOptions opts = DpoOptions.builder().setDivergence(c.divergence()).optBetaDpo(o.betaDpo())
                            .optBetaOut(c.betaOut()).optLearningRate(o.dpoLr()).optWeightDecay(o.weightDecay())
                            .optWarmupSteps(Math.max(1, o.dpoSteps() / 10)).optSteps(o.dpoSteps())
                            .optPairsPerStep(o.pairsPerStep()).optSeed(seed).optCheckpointEvery(o.dpoSteps()).build();
                    EpsilonModel.Family family = ToyEpsilon.family(base, o.hidden(), schedule);
                    Path dir = work.resolve(c.name().replaceAll("[^A-Za-z0-9.]+", "_") + "-" + seed);
                    DiffusionDpoTrainer.Result tr = DiffusionDpoTrainer.train(family, base, pairs, opts, dir, null);
                    float[] pts;
                    try (NDManager m = Tensors.newManager()) {
                        EpsilonModel policy = family.load(m, tr.policyWeights(), false);
                        pts = sample(policy, schedule, evalNoise, o.ddimSteps(), m, 2 * o.radius());
                    }
                    if (seed == o.seeds().get(0)) {
                        pictures.put(c.name(), pts);
                    }
                    List<DiffusionDpoTrainer.StepMetrics> h = tr.history();
                    int from = h.size() - Math.max(1, h.size() / 10);
                    double loss = 0;
                    double acc = 0;
                    double sw = 0;
                    double sl = 0;
                    double capped = 0;
                    for (int i = from; i < h.size(); i++) {
                        loss += h.get(i).loss();
                        acc += h.get(i).implicitAccuracy();
                        sw += h.get(i).sWMean();
                        sl += h.get(i).sLMean();
                        capped += h.get(i).cappedShare();
                    }
                    int n = h.size() - from;
                    Run run = new Run(c.name(), seed, mix.stats(pts, o.surviveShare()), loss / n, acc / n, sw / n,
                            sl / n, capped / n, (System.nanoTime() - r0) / 1e9);
                    runs.add(run);
                    log.accept(String.format(java.util.Locale.ROOT, "seed %d %s: reward %.4f, %d surviving modes, "
                                    + "effective %.2f, off-mode %.3f; loss %.3f, acc %.2f, s_w %.2f, s_l %.2f (%.0f s)",
                            seed, c.name(), run.stats().meanReward(), run.stats().surviving(),
                            run.stats().effectiveModes(), run.stats().offMode(), run.lossEnd(), run.accEnd(),
                            run.sWEnd(), run.sLEnd(), (System.nanoTime() - t0) / 1e9));
                }
                results.add(new SeedResult(seed, refStats, pairRewards[0], pairRewards[1], refLoss[0], runs));
            }
        } finally {
            deleteTree(work);
        }
        return new Outcome(o, results, pictures, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Trains the reference: epsilon-MSE on fresh mixture samples every step, uniform t, Adam with the learning
     * rate decayed by a cosine from refLr to refLr/20, global gradient norm clipped at 1.
     *
     * @param lossOut receives the mean loss over the last 10% of steps
     * @return the trained weights (DJL parameter bytes)
     */
    public static byte[] trainReference(RingMixture mix, NoiseSchedule schedule, Options o, long seed, double[] lossOut)
            throws IOException {
        try (NDManager m = Tensors.newManager()) {
            Block b = ToyEpsilon.initialised(m, o.hidden(), seed);
            ToyEpsilon.enableGradients(b);
            ToyEpsilon net = new ToyEpsilon(b, schedule.steps());
            AdamW adam = AdamW.adam(m);
            ParameterStore ps = new ParameterStore(m, false);
            SplittableRandom rng = new SplittableRandom(seed);
            int tail = Math.max(1, o.refSteps() / 10);
            double tailLoss = 0;
            Condition cond = Condition.repeat("", 0, o.refBatch());
            for (int step = 0; step < o.refSteps(); step++) {
                try (NDManager sm = m.newSubManager()) {
                    NDArray x0 = sm.create(mix.sample(o.refBatch(), rng), new Shape(o.refBatch(), 2));
                    NDArray eps = sm.create(noise(o.refBatch(), rng), new Shape(o.refBatch(), 2));
                    int[] t = new int[o.refBatch()];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = rng.nextInt(schedule.steps());
                    }
                    NDArray xt = schedule.noisy(x0, eps, t);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = Diffusion.perSampleMse(net.predict(ps, xt, t, cond, true), eps).mean();
                        if (step >= o.refSteps() - tail) {
                            tailLoss += loss.getFloat();
                        }
                        gc.backward(loss);
                    }
                    GradientClipping.clipGlobalNorm(net.parameters(), 1.0);
                    double c = 0.5 * (1 + Math.cos(Math.PI * step / o.refSteps()));
                    adam.step(net.parameters(), (float) (o.refLr() * (0.05 + 0.95 * c)));
                }
            }
            lossOut[0] = tailLoss / tail;
            return ToyEpsilon.bytes(b);
        }
    }

    /** n standard normal 2-D points (interleaved) from {@code rng}. */
    public static float[] noise(int n, SplittableRandom rng) {
        float[] v = new float[2 * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) RingMixture.gaussian(rng);
        }
        return v;
    }

    /** The DDIM timesteps, T−1 down to 0, evenly spaced (rounded). */
    static int[] timesteps(int t, int steps) {
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = steps == 1 ? t - 1 : (int) Math.round((t - 1) * (1.0 - (double) i / (steps - 1)));
        }
        return out;
    }

    /**
     * Deterministic DDIM (eta = 0) from {@code noise}: per step x0 = (x − sqrt(1 − abar) eps)/sqrt(abar) clipped to
     * [−clip, clip] (the first steps' x0 estimates are divided by sqrt(abar) ≈ 5e-4), then
     * x ← sqrt(abar') x0 + sqrt(1 − abar') eps with eps recomputed from the clipped x0. Returns x0 of the last step.
     */
    public static float[] sample(EpsilonModel net, NoiseSchedule schedule, float[] noise, int steps, NDManager manager,
                                 double clip) {
        int n = noise.length / 2;
        int[] ts = timesteps(schedule.steps(), steps);
        ParameterStore ps = new ParameterStore(manager, false);
        Condition cond = Condition.repeat("", 0, n);
        float[] x = noise.clone();
        for (int i = 0; i < ts.length; i++) {
            try (NDManager sm = manager.newSubManager()) {
                NDArray xa = sm.create(x, new Shape(n, 2));
                int[] tt = new int[n];
                Arrays.fill(tt, ts[i]);
                NDArray eps = net.predict(ps, xa, tt, cond, false);
                double ab = schedule.alphaBar(ts[i]);
                double abn = i + 1 < ts.length ? schedule.alphaBar(ts[i + 1]) : 1.0;
                NDArray x0 = xa.sub(eps.mul((float) Math.sqrt(1 - ab))).div((float) Math.sqrt(ab))
                        .clip(-clip, clip);
                NDArray e = xa.sub(x0.mul((float) Math.sqrt(ab))).div((float) Math.sqrt(1 - ab));
                x = (i + 1 < ts.length ? x0.mul((float) Math.sqrt(abn)).add(e.mul((float) Math.sqrt(1 - abn))) : x0)
                        .toFloatArray();
            }
        }
        return x;
    }

    /**
     * Pairs of consecutive points (a = point 2i, b = point 2i + 1), the winner drawn by Bradley–Terry with
     * P(a ≻ b) = sigmoid(scale·(r(a) − r(b))).
     *
     * @param rewardsOut receives the mean reward of the winners and of the losers
     */
    static PreferencePairs.PairSet label(RingMixture mix, float[] points, double scale, SplittableRandom rng,
                                         double[] rewardsOut) {
        int n = points.length / 4;
        List<PreferencePairs.Pair> pairs = new ArrayList<>(n);
        double rw = 0;
        double rl = 0;
        for (int i = 0; i < n; i++) {
            float[] a = {points[4 * i], points[4 * i + 1]};
            float[] b = {points[4 * i + 2], points[4 * i + 3]};
            double ra = mix.reward(a[0], a[1]);
            double rb = mix.reward(b[0], b[1]);
            double pa = 1.0 / (1.0 + Math.exp(-scale * (ra - rb)));
            boolean aWins = rng.nextDouble() < pa;
            pairs.add(new PreferencePairs.Pair(i + 2, "", 0, aWins ? a : b, aWins ? b : a));
            rw += aWins ? ra : rb;
            rl += aWins ? rb : ra;
        }
        rewardsOut[0] = rw / n;
        rewardsOut[1] = rl / n;
        return new PreferencePairs.PairSet(Path.of("."), new Shape(2), pairs, List.of());
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
