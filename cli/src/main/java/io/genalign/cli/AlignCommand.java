package io.genalign.cli;

import io.genalign.api.Alignment;
import io.genalign.cli.options.ModelOption;
import io.genalign.cli.options.RunOptions;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.Rewards;
import io.genalign.core.noise.NoiseAlignmentOptions;
import io.genalign.core.noise.RegularizerScaling;
import io.genalign.core.noise.StepRecord;
import io.genalign.core.noise.StopReason;
import io.genalign.core.noise.UpdateMode;
import io.genalign.core.noise.UpdateRule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code genalign align}: test-time noise alignment of a model set's one-step generator (the built-in zoo or a
 * user's model folder). Optimises the initial noise of several seeds at once for a weighted sum of rewards, kept
 * Gaussian by a regularizer, and writes a report folder: image grids before and after, per-step metrics (CSV, JSON),
 * plots, latents (.npy), provenance and an index.html. A thin shell over {@link Alignment}.
 */
@Command(name = "align", mixinStandardHelpOptions = true,
        description = {"Optimise a generator's initial noise for rewards, with a Gaussianity regularizer,",
                "and write a report folder (index.html, grids, metrics, plots, provenance)."})
public final class AlignCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run;

    @Option(names = "--prompt", description = "What to draw: a class name for class models (builtin: a Fashion-MNIST "
            + "class, e.g. \"ankle boot\"), any text for text models (default: the model's default prompt).")
    String prompt;

    @Option(names = "--reward", paramLabel = "NAME[=WEIGHT]",
            description = "Target reward(s) to maximise: the model's rewards (builtin: classifier-a, classifier-b), "
                    + "realism (when the model has a discriminator) or contrast (default: the model's; builtin: "
                    + "realism=1).")
    List<String> rewards = new ArrayList<>();

    @Option(names = "--held-out", paramLabel = "NAME",
            description = "Held-out reward(s), evaluated every step, never optimised (default: the model's; builtin: "
                    + "classifier-b, classifier-a).")
    List<String> heldOut = new ArrayList<>();

    @Option(names = "--regularizer", description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = RegularizerNames.class)
    String regularizer = Alignment.DEFAULT_REGULARIZER;

    @Option(names = "--reg-weight", description = "Regularizer weight lambda (default: see --scaling).")
    Double regWeight;

    @Option(names = "--scaling", description = "RAW or MATCH_REWARD_NORM (default: ${DEFAULT-VALUE}).")
    RegularizerScaling scaling = NoiseAlignmentOptions.DEFAULT_SCALING;

    @Option(names = "--steps", description = "Optimisation steps (default: ${DEFAULT-VALUE}).")
    int steps = NoiseAlignmentOptions.DEFAULT_STEPS;

    @Option(names = "--seeds", description = "Number of seeds optimised together (default: ${DEFAULT-VALUE}).")
    int seeds = Alignment.DEFAULT_SEEDS;

    @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr = NoiseAlignmentOptions.DEFAULT_LEARNING_RATE;

    @Option(names = "--optimizer", description = "SGD_NESTEROV or ADAM (default: ${DEFAULT-VALUE}).")
    UpdateRule rule = NoiseAlignmentOptions.DEFAULT_RULE;

    @Option(names = "--clip", description = "Per-seed gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
    double clip = NoiseAlignmentOptions.DEFAULT_GRAD_CLIP;

    @Option(names = "--update", paramLabel = "MODE", converter = UpdateModes.class,
            description = "How the latents stay noise-like: regularized (the gradient step with the regularizer) or "
                    + "preconditioned (the gradient and the iterate projected onto the white-Gaussian-noise set, "
                    + "docs/preconditioning.md; with any --regularizer, none included) (default: regularized).")
    UpdateMode update = NoiseAlignmentOptions.DEFAULT_UPDATE_MODE;

    @Option(names = "--patience", description = "Stop when no seed improved for this many steps, 0 = off "
            + "(default: ${DEFAULT-VALUE}).")
    int patience = NoiseAlignmentOptions.DEFAULT_PATIENCE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        requireFinite(lr, "--lr");
        requireFinite(clip, "--clip");
        if (regWeight != null) {
            requireFinite(regWeight, "--reg-weight");
        }
        NoiseAlignmentOptions options = NoiseAlignmentOptions.builder().optSteps(steps).optLearningRate(lr).optRule(rule)
                .optGradClip(clip).optPatience(patience).optScaling(scaling).optUpdateMode(update)
                .optRegWeight(regWeight != null ? regWeight : NoiseAlignmentOptions.DEFAULT_REG_WEIGHT).build();
        PrintWriter o = spec.commandLine().getOut();
        try (ModelSet set = model.open()) {
            Alignment a = Alignment.of(set).prompt(prompt).seeds(seeds).seed(run.seed).regularizer(regularizer)
                    .options(options).overwrite(run.overwrite)
                    .provenanceCommand("align", spec.commandLine().getParseResult().originalArgs());
            if (!rewards.isEmpty()) {
                a.rewards(Rewards.parseTerms(set, rewards, "--reward"));
            }
            for (String h : heldOut) {
                a.heldOut(h);
            }
            Regularizers.create(regularizer, run.seed); // an unknown name fails before any model loads
            String shown = a.resolvedPrompt();
            Path dir = run.outOr("align", shown + "-" + regularizer
                    + (update == UpdateMode.PRECONDITIONED ? "-preconditioned" : ""));
            boolean terminal = System.console() != null;
            Alignment.Run r;
            try (ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("align " + shown)
                    .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).build() : null) {
                r = a.listener(s -> {
                    if (bar != null) {
                        bar.stepTo(s.step() + 1);
                        bar.setExtraMessage(String.format(Locale.ROOT, "target %.3f", StepRecord.mean(s.target())));
                    }
                }).run(dir);
            }
            if (r.stopReason() == StopReason.DIVERGED) {
                o.println("WARNING: " + r.message() + " (from --lr " + lr + "); the report shows the iterates before it.");
            }
            o.printf(Locale.ROOT, "aligned %d seeds of '%s' (model %s) for %s with %s: mean target %.4f -> %.4f (%s)%n",
                    seeds, shown, set.name(), r.targets(), regularizer, r.initialTarget(), r.bestTarget(),
                    r.message());
            o.println("report: " + r.index());
            o.flush();
        }
        return 0;
    }

    /** File-name form of a prompt or label (see {@link RunOptions#slug}). */
    static String slug(String s) {
        return RunOptions.slug(s);
    }

    /** Refuses a non-finite value of {@code flag}, naming the flag. */
    static void requireFinite(double v, String flag) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(flag + " must be finite, got " + v);
        }
    }

    /** --update's values, in any case: regularized, preconditioned. */
    static final class UpdateModes implements CommandLine.ITypeConverter<UpdateMode> {
        @Override
        public UpdateMode convert(String value) {
            try {
                return UpdateMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--update must be regularized or preconditioned, got '"
                        + value + "'");
            }
        }
    }

    /** The regularizer names for --help. */
    static final class RegularizerNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        RegularizerNames() {
            super(Regularizers.names());
        }
    }
}
