package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.model.Generator;
import io.genalign.core.preference.PreferenceJudge;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.Prompts;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.preference.PairMaker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code genalign pairs}: preference pairs from a built-in model, labelled by a judge made of rewards, written
 * in the documented pair-folder format ({@link PreferencePairs}), with a preview and provenance.
 */
@Command(name = "pairs", mixinStandardHelpOptions = true,
        description = {"Generate preference pairs from a built-in model and label the winner with a judge made of "
                + "rewards.", "Writes OUT/pairs.csv, OUT/images/*.png (the format users can also fill themselves), "
                + "preview.png and provenance.json."})
public final class PairsCommand implements Callable<Integer> {
    /** Default pairs per prompt. */
    public static final int DEFAULT_PER_PROMPT = 10;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "New pair folder.")
    Path out;

    @Option(names = "--model", description = "diffusion or gan (default: ${DEFAULT-VALUE}).")
    String model = "diffusion";

    @Option(names = "--base", paramLabel = "FILE", description = "Diffusion weights to sample from instead of the "
            + "zoo's (e.g. a DPO run's policy.params).")
    Path base;

    @Option(names = "--prompt", description = "Fashion-MNIST class name(s) (default: all ten).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--per-prompt", description = "Pairs per prompt (default: ${DEFAULT-VALUE}).")
    int perPrompt = DEFAULT_PER_PROMPT;

    @Option(names = "--judge", paramLabel = "NAME[=WEIGHT]", description = "Judge terms: classifier-a, classifier-b, "
            + "realism, contrast (default: realism=1 contrast=1).")
    List<String> judge = new ArrayList<>();

    @Option(names = "--seed", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--overwrite", description = "Replace an existing folder.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (perPrompt < 1 || perPrompt > 10_000) {
            throw new IllegalArgumentException("--per-prompt must be in 1..10000, got " + perPrompt);
        }
        int[] classes = classes(prompts);
        RunFolder folder = RunFolder.create(out, overwrite);
        Provenance prov = Provenance.start("pairs", spec.commandLine().getParseResult().originalArgs());
        EngineBootstrap.start(seed);
        long t0 = System.nanoTime();
        PairMaker.Made made;
        String judgeText;
        try (NDManager m = Tensors.newManager()) {
            PreferenceJudge j = BuiltinModels.judge(judge, m);
            judgeText = j.describe();
            try (Generator g = generator(m)) {
                made = PairMaker.make(m, g, j, classes, perPrompt, seed);
            }
            PreferencePairs.write(folder.partial(), made.pairs());
            List<NDArray> preview = new ArrayList<>();
            for (PreferencePairs.NewPair p : made.pairs().subList(0, Math.min(made.pairs().size(), 16))) {
                boolean aWins = p.winner() == PreferencePairs.Winner.A;
                preview.add((aWins ? p.imageA() : p.imageB()).expandDims(0));
                preview.add((aWins ? p.imageB() : p.imageA()).expandDims(0));
            }
            ImageGrids.write(folder.file("preview.png"), NDArrays.concat(new NDList(preview.toArray(new NDArray[0])), 0),
                    2, 4);
        }
        prov.config("model", model).config("base", base == null ? "zoo" : base.toString()).config("judge", judgeText)
                .config("per_prompt", perPrompt).config("classes", classes).seed("noise", seed)
                .timing("generate_and_judge", (System.nanoTime() - t0) / 1e9)
                .result("pairs", made.pairs().size()).result("ties_given_to_a", made.ties());
        prov.write(folder.file("provenance.json"));
        folder.commit();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %d pairs (%d ties) judged by %s to %s%n", made.pairs().size(), made.ties(),
                judgeText, folder.target());
        o.println("preview (left: winner, right: loser): " + folder.target().resolve("preview.png"));
        o.flush();
        return 0;
    }

    private Generator generator(NDManager m) throws IOException {
        switch (model) {
            case "diffusion":
                return BuiltinModels.diffusion(m, base);
            case "gan":
                if (base != null) {
                    throw new IllegalArgumentException("--base applies to --model diffusion only");
                }
                return Zoo.generator(m);
            default:
                throw new IllegalArgumentException("unknown --model '" + model + "': expected diffusion or gan");
        }
    }

    /** Class ids of prompts (all ten when empty). */
    static int[] classes(List<String> prompts) {
        if (prompts.isEmpty()) {
            int[] all = new int[Prompts.classNames().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] c = new int[prompts.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = Prompts.classOf(prompts.get(i));
        }
        return c;
    }
}
