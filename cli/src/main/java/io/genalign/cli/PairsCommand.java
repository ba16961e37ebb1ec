package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.genalign.api.Judges;
import io.genalign.api.Models;
import io.genalign.cli.options.ModelOption;
import io.genalign.cli.options.RunOptions;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Generator;
import io.genalign.core.model.ModelSet;
import io.genalign.core.model.PromptKind;
import io.genalign.core.preference.PairMaker;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code genalign pairs}: preference pairs from a model set's sampler, labelled by a judge made of rewards, written
 * in the documented pair-folder format ({@link PreferencePairs}), with a preview and provenance.
 */
@Command(name = "pairs", mixinStandardHelpOptions = true,
        description = {"Generate preference pairs from a model and label the winner with a judge made of rewards.",
                "Writes OUT/pairs.csv, OUT/images/*.png (the format users can also fill themselves), "
                        + "preview.png and provenance.json."})
public final class PairsCommand implements Callable<Integer> {
    /** Default pairs per prompt. */
    public static final int DEFAULT_PER_PROMPT = 10;

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run;

    @Option(names = "--sampler", description = "diffusion (the model's diffusion sampler; builtin default) or "
            + "generator (its one-step generator; default for model folders).")
    String sampler;

    @Option(names = "--base", paramLabel = "FILE", description = "builtin only: diffusion weights to sample from "
            + "instead of the zoo's (e.g. a DPO run's policy.params).")
    Path base;

    @Option(names = "--prompt", description = "Prompt(s), repeatable (default: every class of a class model, else the "
            + "model's default prompt).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--per-prompt", description = "Pairs per prompt (default: ${DEFAULT-VALUE}).")
    int perPrompt = DEFAULT_PER_PROMPT;

    @Option(names = "--judge", paramLabel = "NAME[=WEIGHT]", description = "Judge terms: the model's rewards, realism, "
            + "contrast (default: the model's; builtin: realism=1 contrast=1).")
    List<String> judge = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (perPrompt < 1 || perPrompt > 10_000) {
            throw new IllegalArgumentException("--per-prompt must be in 1..10000, got " + perPrompt);
        }
        if (base != null && !model.isBuiltin()) {
            throw new IllegalArgumentException("--base applies to --model builtin only");
        }
        try (ModelSet set = base != null ? Models.builtinDiffusion(base) : model.open()) {
            List<Condition> conditions = conditions(set, prompts);
            // model folders default to their one-step generator even when they have a diffusion section
            String kind = sampler != null ? sampler : model.isBuiltin() || base != null ? "diffusion" : "generator";
            if (base != null && !"diffusion".equals(kind)) {
                throw new IllegalArgumentException("--base applies to --sampler diffusion only");
            }
            Generator g;
            switch (kind) {
                case "diffusion":
                    g = set.diffusionSampler().orElseThrow(() -> new IllegalArgumentException("model '" + set.name()
                            + "' has no diffusion sampler: use --sampler generator"));
                    break;
                case "generator":
                    g = set.generator();
                    break;
                default:
                    throw new IllegalArgumentException("unknown --sampler '" + kind + "': expected diffusion or "
                            + "generator");
            }
            PreferenceJudge j = Judges.of(set, judge, "--judge");
            Path dir = run.outOr("pairs", set.name());
            RunFolder folder = RunFolder.create(dir, run.overwrite);
            Provenance prov = Provenance.start("pairs", spec.commandLine().getParseResult().originalArgs());
            EngineBootstrap.start(run.seed);
            long t0 = System.nanoTime();
            PairMaker.Made made;
            try (NDManager m = Tensors.newManager()) {
                made = PairMaker.make(m, g, j, conditions, perPrompt, run.seed);
                PreferencePairs.write(folder.partial(), made.pairs());
                List<NDArray> preview = new ArrayList<>();
                for (PreferencePairs.NewPair p : made.pairs().subList(0, Math.min(made.pairs().size(), 16))) {
                    boolean aWins = p.winner() == PreferencePairs.Winner.A;
                    preview.add((aWins ? p.imageA() : p.imageB()).expandDims(0));
                    preview.add((aWins ? p.imageB() : p.imageA()).expandDims(0));
                }
                long h = set.imageShape().get(1);
                ImageGrids.write(folder.file("preview.png"), NDArrays.concat(new NDList(preview.toArray(
                        new NDArray[0])), 0), 2, (int) Math.max(1, Math.min(4, 112 / h)));
            }
            List<String> shown = new ArrayList<>();
            conditions.forEach(c -> shown.add(c.prompts().get(0)));
            prov.config("model", set.provenance()).config("sampler", kind).config("judge", j.describe())
                    .config("per_prompt", perPrompt).config("prompts", shown).seed("noise", run.seed)
                    .timing("generate_and_judge", (System.nanoTime() - t0) / 1e9)
                    .result("pairs", made.pairs().size()).result("ties_given_to_a", made.ties());
            prov.write(folder.file("provenance.json"));
            folder.commit();
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "wrote %d pairs (%d ties) from model %s (%s) judged by %s to %s%n",
                    made.pairs().size(), made.ties(), set.name(), kind, j.describe(), folder.target());
            o.println("preview (left: winner, right: loser): " + folder.target().resolve("preview.png"));
            o.flush();
        }
        return 0;
    }

    /** One single-entry condition per prompt (every class of a class model when none is given). */
    static List<Condition> conditions(ModelSet set, List<String> prompts) {
        List<String> p = new ArrayList<>(prompts);
        if (p.isEmpty()) {
            p.addAll(set.promptKind() == PromptKind.CLASS ? set.knownPrompts() : List.of(set.defaultPrompt()));
        }
        List<Condition> c = new ArrayList<>();
        for (String q : p) {
            c.add(set.condition(q, 1));
        }
        return c;
    }
}
