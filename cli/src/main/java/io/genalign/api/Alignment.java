package io.genalign.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.Rewards;
import io.genalign.core.noise.AlignmentResult;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.NoiseOptimizer;
import io.genalign.core.noise.StepRecord;
import io.genalign.core.noise.StopReason;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.report.AlignmentReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Test-time noise alignment of any {@link ModelSet}, report folder included: what {@code genalign align} does, as
 * a Java call.
 *
 * <pre>{@code
 * try (ModelSet model = Models.open("examples/tiny-t2i")) {
 *     Alignment.Run run = Alignment.of(model).prompt("a red shoe").reward("clip-score").run(Path.of("out"));
 *     System.out.println(run.initialTarget() + " -> " + run.bestTarget());
 * }
 * }</pre>
 *
 * <p>Defaults come from the model set ({@link ModelSet#defaultPrompt()}, {@link ModelSet#defaultTargets()},
 * {@link ModelSet#defaultHeldOut()}) and from {@link NoiseAlignmentOptions}; the regularizer is MPGR. Reward names
 * are the set's plus the model-independent ones ({@link Rewards}). The report folder is written as a whole (an
 * interrupted run leaves no half report and never destroys an earlier one).
 */
public final class Alignment {
    /** Default number of seeds optimised together. */
    public static final int DEFAULT_SEEDS = 4;
    /** Default regularizer. */
    public static final String DEFAULT_REGULARIZER = "mpgr";
    /** How many of the set's default held-out rewards are used when none are named. */
    public static final int MAX_DEFAULT_HELD_OUT = 2;

    private final ModelSet model;
    private String prompt;
    private final Map<String, Double> targets = new LinkedHashMap<>();
    private final List<String> heldOut = new ArrayList<>();
    private String regularizer = DEFAULT_REGULARIZER;
    private NoiseAlignmentOptions options = NoiseAlignmentOptions.builder().build();
    private int seeds = DEFAULT_SEEDS;
    private long seed;
    private boolean overwrite;
    private Consumer<StepRecord> listener;
    private String command = "api:align";
    private List<String> args = List.of();

    private Alignment(ModelSet model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** An alignment of {@code model}'s generator (the set stays open; the caller closes it). */
    public static Alignment of(ModelSet model) {
        return new Alignment(model);
    }

    /** The prompt (default: the set's default prompt). */
    public Alignment prompt(String prompt) {
        this.prompt = prompt;
        return this;
    }

    /** Adds a target reward with weight 1. */
    public Alignment reward(String name) {
        return reward(name, 1.0);
    }

    /** Adds a target reward; the weight must be finite and non-zero. */
    public Alignment reward(String name, double weight) {
        targets.putAll(Rewards.parseTerms(model, List.of(name + "=" + weight), "reward"));
        return this;
    }

    /** Sets every target reward at once ({@code name → weight}, already checked). */
    public Alignment rewards(Map<String, Double> weighted) {
        targets.clear();
        targets.putAll(weighted);
        return this;
    }

    /** Adds a held-out reward (evaluated every step, never optimised). */
    public Alignment heldOut(String name) {
        Rewards.parseTerms(model, List.of(name), "held-out");
        heldOut.add(name);
        return this;
    }

    /** The regularizer by name (see {@link Regularizers#names()}; {@code none} for none). */
    public Alignment regularizer(String name) {
        this.regularizer = name;
        return this;
    }

    public Alignment options(NoiseAlignmentOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    /** Number of seeds optimised together, 1..256. */
    public Alignment seeds(int seeds) {
        if (seeds < 1 || seeds > 256) {
            throw new IllegalArgumentException("seeds must be in 1..256, got " + seeds);
        }
        this.seeds = seeds;
        return this;
    }

    /** Base seed of the initial noise and of the regularizer's permutations. */
    public Alignment seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Whether an earlier report folder made by genalign may be replaced. */
    public Alignment overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    /** Called after every step (e.g. a progress bar). */
    public Alignment listener(Consumer<StepRecord> listener) {
        this.listener = listener;
        return this;
    }

    /** The command name and arguments recorded in provenance (the CLI passes its own). */
    public Alignment provenanceCommand(String command, List<String> args) {
        this.command = command;
        this.args = List.copyOf(args);
        return this;
    }

    /** The prompt in use (the set's default when none was given), in canonical form. */
    public String resolvedPrompt() {
        return model.canonicalPrompt(prompt != null ? prompt : model.defaultPrompt());
    }

    /** Target rewards in use (the set's defaults when none were given). */
    public Map<String, Double> resolvedTargets() {
        return targets.isEmpty() ? model.defaultTargets() : targets;
    }

    /** Held-out rewards in use (the first two of the set's defaults that are not targets, when none were given). */
    public List<String> resolvedHeldOut() {
        if (!heldOut.isEmpty()) {
            return heldOut;
        }
        List<String> h = new ArrayList<>();
        List<String> available = Rewards.names(model);
        for (String name : model.defaultHeldOut()) {
            if (!resolvedTargets().containsKey(name) && available.contains(name) && h.size() < MAX_DEFAULT_HELD_OUT) {
                h.add(name);
            }
        }
        return h;
    }

    /** Runs the alignment and writes the report folder {@code out}. */
    public Run run(Path out) throws IOException {
        String p = prompt != null ? prompt : model.defaultPrompt();
        Condition condition = model.condition(p, seeds); // checks the prompt before anything is written
        String shown = model.canonicalPrompt(p);
        Map<String, Double> t = resolvedTargets();
        List<String> held = resolvedHeldOut();
        var reg = Regularizers.create(regularizer, seed);
        EngineBootstrap.start(seed);
        // every model part is loaded (and every bad file reported) before the report folder is created
        Generator g = model.generator();
        NoiseOptimizer.Builder b = NoiseOptimizer.builder().setGenerator(g).setCondition(condition)
                .optRegularizer("none".equals(regularizer) ? null : reg).optOptions(options);
        for (Map.Entry<String, Double> e : t.entrySet()) {
            b.addTarget(Rewards.create(model, e.getKey()), e.getValue());
        }
        for (String h : held) {
            b.addHeldOut(Rewards.create(model, h));
        }
        RunFolder folder = RunFolder.create(out, overwrite);
        Provenance prov = Provenance.start(command, args);
        prov.config("model", model.provenance()).config("prompt", shown).config("targets", t)
                .config("held_out", held).config("regularizer", regularizer).config("options", options.toMap())
                .config("seeds", seeds).seed("noise_and_permutations", seed);
        long t0 = System.nanoTime();
        AlignmentResult result;
        try (NDManager m = Tensors.newManager()) {
            NDArray z0 = m.randomNormal(new Shape(seeds).addAll(g.latentShape()));
            try (NoiseOptimizer opt = b.build()) {
                result = opt.run(z0, r -> {
                    if (listener != null) {
                        listener.accept(r);
                    }
                });
                prov.timing("optimise", (System.nanoTime() - t0) / 1e9);
                prov.result("regularizer_retries", opt.regularizerRetries());
                AlignmentReport.write(folder, result, t, regularizer, shown);
            }
            prov.result("stop_reason", result.stopReason().name()).result("message", result.message())
                    .result("steps_run", result.stepsRun()).result("initial_target", result.initialTarget())
                    .result("best_target", result.bestTarget()).result("best_step", result.bestStep());
            prov.write(folder.file("provenance.json"));
            folder.commit();
            return new Run(folder.target(), shown, t, held, result.initialTarget().clone(),
                    result.bestTarget().clone(), result.stepsRun(), result.stopReason(), result.message());
        }
    }

    /**
     * The outcome of {@link #run}: where the report is and the per-seed targets before and at the best iterates.
     */
    public record Run(Path folder, String prompt, Map<String, Double> targets, List<String> heldOut,
                      double[] initialTargets, double[] bestTargets, int stepsRun, StopReason stopReason,
                      String message) {
        /** Mean target over seeds before alignment. */
        public double initialTarget() {
            return StepRecord.mean(initialTargets);
        }

        /** Mean of each seed's best target. */
        public double bestTarget() {
            return StepRecord.mean(bestTargets);
        }

        /** The report's index.html. */
        public Path index() {
            return folder.resolve("index.html");
        }
    }
}
