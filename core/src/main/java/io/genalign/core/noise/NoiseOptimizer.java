package io.genalign.core.noise;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.genalign.core.gaussianity.GaussianityStats;
import io.genalign.core.gaussianity.InputChecks;
import io.genalign.core.gaussianity.Mpgr;
import io.genalign.core.gaussianity.PermutationMode;
import io.genalign.core.gaussianity.Gradients;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.WhiteNoiseProjection;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.Reward;
import io.genalign.core.optim.AdamW;
import io.genalign.core.optim.SgdNesterov;
import io.genalign.core.runtime.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Test-time noise alignment: optimises a batch of initial latents z (one per seed) of a one-step generator G so
 * that the target T(z) = Σ_i w_i·r_i(G(z)) rises, while a Gaussianity regularizer R keeps z on the Gaussian
 * shell. Each seed is optimised independently; the batch only shares the computation.
 *
 * <p>Per step t, per seed: g_r = ∇_z[−T(z_t)], g_reg = ∇_z R(z_t), combined by {@link RegularizerScaling}
 * into g; g is clipped to norm {@code gradClip} (if &gt; 0) and applied by the {@link UpdateRule}. Held-out
 * rewards are evaluated at every step on the same images and never optimised. The iterate with the highest
 * target is kept per seed (ReNO returns the best, not the last, image). The run stops after {@code steps}
 * steps, when no seed improved for {@code patience} steps, or when a value or gradient becomes NaN or
 * infinite, in which case the best iterate so far is kept and the result says so.
 *
 * <p>Lifecycle: {@link #initialise(NDArray)} → {@link #step()} while {@link #isFinished()} is false →
 * {@link #finalise()}, or {@link #run(NDArray, Consumer)} for all three. An optimizer is used once.
 *
 * <p>With {@link UpdateMode#PRECONDITIONED} the combined gradient is replaced by its projection onto the
 * white-Gaussian-noise set (norm kept) before the clip and the update rule, and the iterate is projected onto the
 * set after every update ({@code docs/preconditioning.md} §4).
 */
public final class NoiseOptimizer implements AutoCloseable {
    private final Generator generator;
    private final Condition condition;
    private final List<WeightedReward> targets;
    private final List<Reward> heldOut;
    private final Regularizer regularizer;
    private final NoiseAlignmentOptions options;
    private final Mpgr naturalTerms = Mpgr.builder().optPermutationMode(PermutationMode.NATURAL).build();
    private final WhiteNoiseProjection projection = WhiteNoiseProjection.create();

    private NDManager owner;
    private NDManager state;
    /** During a step: the manager that receives the arrays that outlive it (see {@link #step()}). */
    private NDManager next;
    private NDArray z;
    /** The update rule's state (Adam's moments or the momentum buffer) lives in {@link #ruleState}. */
    private NDManager ruleState;
    private AdamW adam;
    private SgdNesterov sgd;
    private NDArray bestZ;
    private NDArray bestImages;
    private NDArray initialZ;
    private NDArray initialImages;
    private double[] best;
    private double[] initialTarget;
    private int[] bestStep;
    private int t;
    private int sinceImprovement;
    private boolean finished;
    private StopReason stopReason;
    private String message = "";
    private final List<StepRecord> history = new ArrayList<>();
    private long nanosTotal;
    private long nanosRegularizer;
    private int regularizerRetries;
    private long nanosRecord;
    private long nanosEvaluate;
    private long nanosHeldOut;
    private long nanosCombine;
    private long nanosTrack;
    private long nanosUpdate;
    private long nanosProjection;

    private NoiseOptimizer(Builder b) {
        this.generator = b.generator;
        this.condition = b.condition;
        this.targets = List.copyOf(b.targets);
        this.heldOut = List.copyOf(b.heldOut);
        this.regularizer = b.regularizer;
        this.options = b.options;
    }

    public static Builder builder() {
        return new Builder();
    }

    public NoiseAlignmentOptions options() {
        return options;
    }

    /**
     * Starts from {@code latents} of shape (B, latentShape...), float32 or float64; B must equal the
     * condition's batch size. The latents are copied; the caller keeps ownership.
     */
    public void initialise(NDArray latents) {
        if (owner != null) {
            throw new IllegalStateException("initialise was already called; an optimizer is used once");
        }
        InputChecks.requireLatentBatch(latents, "initial latents");
        Shape expected = new Shape(latents.getShape().get(0)).addAll(generator.latentShape());
        if (!latents.getShape().equals(expected)) {
            throw new IllegalArgumentException("initial latents have shape " + latents.getShape() + ", the generator "
                    + "expects (B, " + generator.latentShape() + "), i.e. " + expected);
        }
        int b = (int) latents.getShape().get(0);
        long perSeed = generator.latentShape().size();
        if (options.updateMode() == UpdateMode.PRECONDITIONED && (perSeed < 4 || perSeed % 2 != 0)) {
            throw new IllegalArgumentException("update mode PRECONDITIONED needs latents of an even size >= 4 per seed "
                    + "(the compact spectrum has N/2 entries), got " + perSeed);
        }
        if (condition.batchSize() != b) {
            throw new IllegalArgumentException("the condition has " + condition.batchSize() + " entries for " + b
                    + " latents");
        }
        owner = latents.getManager();
        state = owner.newSubManager();
        ruleState = owner.newSubManager();
        switch (options.rule()) {
            case ADAM -> adam = AdamW.adam(ruleState, options.beta1(), options.beta2(), options.adamEps(),
                    AdamW.BiasCorrection.MOMENTS);
            case SGD_NESTEROV -> sgd = new SgdNesterov(ruleState, options.momentum());
            default -> throw new IllegalStateException("unknown rule " + options.rule());
        }
        z = keep(latents.stopGradient().duplicate());
        initialZ = keep(z.duplicate());
        best = new double[b];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        bestStep = new int[b];
        Arrays.fill(bestStep, -1);
        bestZ = keep(z.duplicate());
    }

    /** True once the run has stopped for any reason. */
    public boolean isFinished() {
        return finished;
    }

    /** Evaluates the current latents, records them, and (unless the run stops here) updates them once. */
    public StepRecord step() {
        requireRunning();
        // Memory: every array that outlives the step is attached to `next`; intermediates (including those
        // computed from the persistent arrays, which land in their manager) die with the old state manager.
        next = owner.newSubManager();
        long t0 = System.nanoTime();
        try {
            return doStep();
        } finally {
            nanosTotal += System.nanoTime() - t0;
            for (NDArray a : new NDArray[] {z, bestZ, bestImages, initialZ, initialImages}) {
                if (a != null) {
                    a.attach(next);
                }
            }
            state.close();
            state = next;
            next = null;
        }
    }

    /** The regularizer's per-sample values and their gradient at the current latents. */
    private record RegularizerValue(double[] values, NDArray gradient) {}

    private RegularizerValue regularizerAt(NDManager sm) {
        // the regularizer's own value + gradient (closed form for MPGR and the norm, autograd otherwise); z is not
        // modified and the gradient lands in z's manager, so it moves to the step's
        Gradients.ValueAndGradient vg = regularizer.valueAndGradient(z);
        NDArray g = vg.gradient();
        g.attach(sm);
        return new RegularizerValue(vg.perSample(), g);
    }

    /**
     * How many times a step evaluated the regularizer a second time because its value was finite and its gradient
     * was not (at most once per step; a second non-finite gradient stops the run as diverged).
     */
    public int regularizerRetries() {
        return regularizerRetries;
    }

    private StepRecord doStep() {
        int b = best.length;
        try (NDManager sm = state.newSubManager()) {
            Evaluation ev = evaluate(sm, z, true);
            boolean finite = ev.finite;
            NDArray gReg = null;
            double[] regValues = new double[b];
            long r0 = System.nanoTime();
            if (regularizer != null) {
                RegularizerValue rv = regularizerAt(sm);
                if (allFinite(rv.values()) && !isFinite(rv.gradient())) {
                    // a finite value with a non-finite gradient: PRNO used to do this (freed autograd scalars, fixed;
                    // docs/regularizers.md); kept as a safety net for any regularizer: retry once
                    regularizerRetries++;
                    rv = regularizerAt(sm);
                }
                regValues = rv.values();
                gReg = rv.gradient();
                finite &= allFinite(regValues) && isFinite(gReg);
            }
            long r1 = System.nanoTime();
            nanosRegularizer += r1 - r0;
            boolean[] improved = track(ev);
            long r2 = System.nanoTime();
            nanosTrack += r2 - r1;
            double[] gradNorm = new double[b];
            Arrays.fill(gradNorm, Double.NaN);
            if (!finite) {
                history.add(record(ev, regValues, gradNorm, improved));
                stop(StopReason.DIVERGED, "a reward, the regularizer or a gradient became NaN or infinite at step " + t
                        + "; kept each seed's best iterate before it");
                return last();
            }
            NDArray g = ev.gradient;
            if (gReg != null && options.regWeight() > 0) {
                NDArray scaled = gReg;
                if (options.scaling() == RegularizerScaling.MATCH_REWARD_NORM) {
                    NDArray nr = perSeedNorm(g);
                    NDArray ng = perSeedNorm(gReg);
                    NDArray ratio = NDArrays.where(ng.gt(0), nr.div(ng.maximum(tinyValue(ng))), ng.zerosLike());
                    scaled = gReg.mul(broadcast(ratio, gReg));
                }
                // x·1 = x exactly: the default weight 1 costs no multiplication
                g = g.add(options.regWeight() == 1.0 ? scaled : scaled.mul(num(g, options.regWeight())));
            }
            NDArray norm = perSeedNorm(g);
            gradNorm = Tensors.toDoubles(norm);
            if (options.updateMode() == UpdateMode.PRECONDITIONED && allFinite(gradNorm)) {
                long p0 = System.nanoTime();
                g = precondition(g, norm);
                nanosProjection += System.nanoTime() - p0;
            }
            if (!allFinite(gradNorm)) {
                history.add(record(ev, regValues, gradNorm, improved));
                stop(StopReason.DIVERGED, "the combined gradient became NaN or infinite at step " + t
                        + "; kept each seed's best iterate before it");
                return last();
            }
            if (options.gradClip() > 0) {
                NDArray factor = norm.add(tiny(norm)).pow(-1).mul(num(norm, options.gradClip())).minimum(num(norm, 1.0));
                g = g.mul(broadcast(factor, g));
            }
            long r3 = System.nanoTime();
            nanosCombine += r3 - r2;
            history.add(record(ev, regValues, gradNorm, improved));
            long r4 = System.nanoTime();
            update(g);
            if (options.updateMode() == UpdateMode.PRECONDITIONED) {
                long p0 = System.nanoTime();
                z = keep(projection.project(z));
                nanosProjection += System.nanoTime() - p0;
            }
            nanosUpdate += System.nanoTime() - r4;
        }
        t++;
        boolean anyImproved = false;
        for (boolean i : last().improved()) {
            anyImproved |= i;
        }
        sinceImprovement = anyImproved ? 0 : sinceImprovement + 1;
        if (t >= options.steps()) {
            stop(StopReason.COMPLETED, "ran all " + options.steps() + " steps");
        } else if (options.patience() > 0 && sinceImprovement >= options.patience()) {
            stop(StopReason.EARLY_STOP, "no seed improved for " + options.patience() + " steps; stopped at step " + t);
        }
        return last();
    }

    /**
     * Evaluates the last latents (unless the run diverged), picks each seed's best iterate and returns the
     * result; arrays in it belong to the initial latents' manager.
     */
    public AlignmentResult finalise() {
        if (owner == null) {
            throw new IllegalStateException("initialise was not called");
        }
        if (!finished) {
            stop(StopReason.EARLY_STOP, "finalised by the caller after " + t + " steps");
        }
        if (stopReason != StopReason.DIVERGED) {
            try (NDManager sm = state.newSubManager()) {
                Evaluation ev = evaluate(sm, z, false);
                if (ev.finite) {
                    boolean[] improved = track(ev);
                    double[] nan = new double[best.length];
                    Arrays.fill(nan, Double.NaN);
                    double[] reg = regularizer == null ? new double[best.length] : Tensors.toDoubles(regularizer.perSample(
                            z.duplicate()));
                    history.add(record(ev, reg, nan, improved));
                }
            }
        }
        NDArray outZ = bestZ.duplicate();
        NDArray outImages = bestImages.duplicate();
        NDArray outInitZ = initialZ.duplicate();
        NDArray outInitImages = initialImages.duplicate();
        for (NDArray a : new NDArray[] {outZ, outImages, outInitZ, outInitImages}) {
            a.attach(owner);
        }
        return new AlignmentResult(outInitZ, outInitImages, outZ, outImages, initialTarget.clone(), best.clone(),
                bestStep.clone(), t, stopReason, message, List.copyOf(history));
    }

    /** initialise → step* → finalise, calling {@code listener} after every step. */
    public AlignmentResult run(NDArray latents, Consumer<StepRecord> listener) {
        initialise(latents);
        while (!isFinished()) {
            StepRecord r = step();
            if (listener != null) {
                listener.accept(r);
            }
        }
        return finalise();
    }

    /**
     * Wall time spent so far, in seconds: {@code steps} (all of {@link #step()}), {@code regularizer} (its value and
     * gradient) and {@code record} (the per-step Gaussianity statistics of the latents for the report).
     */
    public Map<String, Double> timings() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("steps", nanosTotal / 1e9);
        m.put("regularizer", nanosRegularizer / 1e9);
        m.put("record", nanosRecord / 1e9);
        m.put("evaluate", nanosEvaluate / 1e9);
        m.put("held_out", nanosHeldOut / 1e9);
        m.put("combine", nanosCombine / 1e9);
        m.put("track", nanosTrack / 1e9);
        m.put("update", nanosUpdate / 1e9);
        m.put("projection", nanosProjection / 1e9);
        return m;
    }

    @Override
    public void close() {
        if (state != null) {
            state.close();
        }
        if (ruleState != null) {
            ruleState.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private static final class Evaluation {
        NDArray images;
        NDArray gradient;
        double[] target;
        Map<String, double[]> rewards = new LinkedHashMap<>();
        Map<String, double[]> heldOut = new LinkedHashMap<>();
        boolean finite;
    }

    private Evaluation evaluate(NDManager sm, NDArray latents, boolean withGradient) {
        long e0 = System.nanoTime();
        Evaluation ev = new Evaluation();
        NDArray zl = latents.duplicate();
        zl.attach(sm);
        zl.setRequiresGradient(withGradient);
        int b = best.length;
        double[] target = new double[b];
        if (withGradient) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray images = generator.generate(zl, condition);
                NDArray total = scoreTargets(images, ev, target);
                gc.backward(total.neg());
                ev.images = images.stopGradient();
            }
            ev.gradient = zl.getGradient(); // a fresh handle in sm, never written again: no copy needed
        } else {
            NDArray images = generator.generate(zl, condition);
            scoreTargets(images, ev, target);
            ev.images = images.stopGradient();
        }
        ev.target = target;
        long e1 = System.nanoTime();
        for (Reward r : heldOut) {
            ev.heldOut.put(r.name(), Tensors.toDoubles(r.score(ev.images, condition)));
        }
        long e2 = System.nanoTime();
        ev.finite = allFinite(target) && (ev.gradient == null || isFinite(ev.gradient));
        for (double[] v : ev.heldOut.values()) {
            ev.finite &= allFinite(v);
        }
        nanosEvaluate += e1 - e0 + System.nanoTime() - e2;
        nanosHeldOut += e2 - e1;
        return ev;
    }

    private NDArray scoreTargets(NDArray images, Evaluation ev, double[] target) {
        NDArray total = null;
        for (WeightedReward wr : targets) {
            NDArray s = wr.reward().score(images, condition);
            double[] v = Tensors.toDoubles(s);
            ev.rewards.put(wr.reward().name(), v);
            for (int i = 0; i < v.length; i++) {
                target[i] += wr.weight() * v[i];
            }
            // x·1 = x exactly. Any other weight is an array kept in s's manager, not a Number: DJL's Number
            // overloads free their scalar right after the op, but autograd saved it for the backward pass (a
            // sporadically garbage gradient); see Flat.num in the gaussianity package
            NDArray term = wr.weight() == 1.0 ? s.sum() : s.sum().mul(Tensors.scalar(s, wr.weight()));
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    private boolean[] track(Evaluation ev) {
        int b = best.length;
        boolean[] improved = new boolean[b];
        if (initialTarget == null) {
            initialTarget = ev.target.clone();
            initialImages = keep(ev.images.duplicate());
            bestImages = keep(ev.images.duplicate());
        }
        boolean any = false;
        for (int i = 0; i < b; i++) {
            if (Double.isFinite(ev.target[i]) && ev.target[i] > best[i]) {
                best[i] = ev.target[i];
                bestStep[i] = t;
                improved[i] = true;
                any = true;
            }
        }
        if (any) {
            boolean all = true;
            for (boolean i : improved) {
                all &= i;
            }
            if (all) {
                // every seed improved: the new best iterates are the current ones (copies: z and the images
                // belong to this step's arrays)
                bestZ = keep(z.duplicate());
                bestImages = keep(ev.images.duplicate());
            } else {
                NDArray mask = ev.images.getManager().create(improved);
                // DJL's where does not broadcast its condition: expand the (B) mask to each shape (a view)
                bestZ = keep(NDArrays.where(broadcast(mask, z).broadcast(z.getShape()), z, bestZ));
                bestImages = keep(NDArrays.where(broadcast(mask, ev.images).broadcast(ev.images.getShape()),
                        ev.images, bestImages));
            }
        }
        return improved;
    }

    /**
     * d = P(g)·‖g‖/√N per seed ({@link UpdateMode#PRECONDITIONED}): the white-noise-shaped direction with g's norm
     * (P(g) has norm √N), so the learning rate, the clip and the update rule keep their meaning; a zero gradient
     * gives a zero step.
     */
    private NDArray precondition(NDArray g, NDArray norm) {
        long n = g.getShape().size() / g.getShape().get(0);
        NDArray shaped = projection.project(g);
        return shaped.mul(broadcast(norm.div(num(norm, Math.sqrt(n))), shaped));
    }

    /** One update of z in place by the kit's rule (core.optim): k = t + 1, as the rule is applied once per step. */
    private void update(NDArray g) {
        List<NDArray> zs = List.of(z);
        List<NDArray> gs = List.of(g);
        if (adam != null) {
            adam.step(zs, gs, options.learningRate());
        } else {
            sgd.step(zs, gs, options.learningRate());
        }
    }

    private StepRecord record(Evaluation ev, double[] reg, double[] gradNorm, boolean[] improved) {
        long t0 = System.nanoTime();
        try {
            return recordUntimed(ev, reg, gradNorm, improved);
        } finally {
            nanosRecord += System.nanoTime() - t0;
        }
    }

    private StepRecord recordUntimed(Evaluation ev, double[] reg, double[] gradNorm, boolean[] improved) {
        int b = best.length;
        double[] mean = new double[b];
        double[] std = new double[b];
        double[] ks = new double[b];
        double[][] flat = rows(z);
        for (int i = 0; i < b; i++) {
            GaussianityStats s = GaussianityStats.of(flat[i]);
            mean[i] = s.mean();
            std[i] = s.std();
            ks[i] = s.ks();
        }
        double[] power = naturalTerms.powerNatural(z);
        return new StepRecord(t, ev.target, ev.rewards, ev.heldOut, reg, gradNorm, mean, std, ks, power, improved);
    }

    private StepRecord last() {
        return history.get(history.size() - 1);
    }

    private void stop(StopReason reason, String why) {
        finished = true;
        stopReason = reason;
        message = why;
    }

    private void requireRunning() {
        if (owner == null) {
            throw new IllegalStateException("initialise was not called");
        }
        if (finished) {
            throw new IllegalStateException("the run has stopped (" + stopReason + "): " + message);
        }
    }

    /** Attaches {@code a} to the manager of the arrays that outlive the current step. */
    private NDArray keep(NDArray a) {
        a.attach(next != null ? next : state);
        return a;
    }

    private static double[][] rows(NDArray batch) {
        long b = batch.getShape().get(0);
        double[] all = Tensors.toDoubles(batch);
        int d = (int) (all.length / b);
        double[][] out = new double[(int) b][];
        for (int i = 0; i < b; i++) {
            out[i] = Arrays.copyOfRange(all, i * d, (i + 1) * d);
        }
        return out;
    }

    private static NDArray perSeedNorm(NDArray g) {
        long b = g.getShape().get(0);
        return g.reshape(b, -1).square().sum(new int[] {1}).sqrt();
    }

    /** Reshapes a (B) array to (B, 1, ..., 1) so it broadcasts against {@code like}. */
    private static NDArray broadcast(NDArray perSeed, NDArray like) {
        long[] dims = new long[like.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = like.getShape().get(0);
        return perSeed.reshape(new Shape(dims));
    }

    /** A scalar of {@code like}'s float type (a Java double would promote float32 to float64). */
    private static Number num(NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }

    /** The same value as {@link #tiny(NDArray)}, as a scalar of {@code like}'s type (no array is created). */
    private static Number tinyValue(NDArray like) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) 1e-300 : (Number) 1e-30f;
    }

    private static NDArray tiny(NDArray like) {
        return like.getManager().create(like.getDataType() == DataType.FLOAT64 ? 1e-300 : 1e-30f)
                .toType(like.getDataType(), false);
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when every entry is finite: x·0 is ±0 for finite x and NaN for ±∞ and NaN, so the sum of {@code a·0} is
     * 0 exactly when all entries are finite (two engine ops and one scalar read).
     */
    private static boolean isFinite(NDArray a) {
        try (NDArray zero = a.mul(num(a, 0.0)); NDArray s = zero.sum()) {
            return switch (s.getDataType()) {
                case FLOAT32 -> s.getFloat() == 0.0f;
                case FLOAT64 -> s.getDouble() == 0.0;
                default -> s.toType(DataType.FLOAT64, false).getDouble() == 0.0;
            };
        }
    }

    /** Builder: {@code set} for required parts, {@code opt}/{@code add} for optional ones. */
    public static final class Builder {
        private Generator generator;
        private Condition condition;
        private final List<WeightedReward> targets = new ArrayList<>();
        private final List<Reward> heldOut = new ArrayList<>();
        private Regularizer regularizer;
        private NoiseAlignmentOptions options = NoiseAlignmentOptions.defaults();

        public Builder setGenerator(Generator generator) {
            this.generator = generator;
            return this;
        }

        public Builder setCondition(Condition condition) {
            this.condition = condition;
            return this;
        }

        /** Adds a target reward with its weight; at least one is required. */
        public Builder addTarget(Reward reward, double weight) {
            targets.add(new WeightedReward(reward, weight));
            return this;
        }

        /** Adds a held-out reward: evaluated every step, never optimised. */
        public Builder addHeldOut(Reward reward) {
            heldOut.add(reward);
            return this;
        }

        /** The Gaussianity regularizer (none by default). */
        public Builder optRegularizer(Regularizer regularizer) {
            this.regularizer = regularizer;
            return this;
        }

        public Builder optOptions(NoiseAlignmentOptions options) {
            this.options = options;
            return this;
        }

        public NoiseOptimizer build() {
            if (generator == null) {
                throw new IllegalArgumentException("a generator is required");
            }
            if (condition == null) {
                throw new IllegalArgumentException("a condition is required");
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("at least one target reward is required");
            }
            if (options == null) {
                throw new IllegalArgumentException("options are missing");
            }
            return new NoiseOptimizer(this);
        }
    }
}
