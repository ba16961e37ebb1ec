package io.genalign.cli;

import io.genalign.cli.support.LossCurves;
import io.genalign.cli.support.Provenance;
import io.genalign.cli.support.TextTable;
import io.genalign.zoo.ModelManifest;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooInstall;
import io.genalign.zoo.ZooModels;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.train.TrainOptions;
import io.genalign.zoo.train.ZooTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code genalign zoo}: the built-in models. */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = "The built-in models: list them, or retrain one.",
        subcommands = {ZooCommand.ListCommand.class, ZooCommand.TrainCommand.class})
public final class ZooCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code genalign zoo list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the built-in models and their figures.")
    public static final class ListCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            TextTable t = new TextTable(List.of("model", "parameters", "steps", "train time"));
            StringBuilder figures = new StringBuilder("\nMeasured figures (from each model's manifest):\n");
            for (ModelManifest m : Zoo.list()) {
                t.add(List.of(m.name(), String.valueOf(m.parameters()), String.valueOf(m.steps()),
                        String.format(Locale.ROOT, "%.0f s", m.wallSeconds())));
                figures.append("  ").append(m.name()).append('\n');
                for (Map.Entry<String, Object> e : m.quality().entrySet()) {
                    Object v = e.getValue();
                    figures.append("    ").append(e.getKey()).append(" = ").append(v instanceof Double d
                            ? String.format(Locale.ROOT, "%.4g", d) : String.valueOf(v)).append('\n');
                }
            }
            out.print(t.render());
            out.print(figures);
            out.println("Weights ship inside genalign; retrain any of them from its seed with: genalign zoo train MODEL");
            out.flush();
            return 0;
        }
    }

    /** {@code genalign zoo train MODEL}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Retrain a built-in model from its seed (resumable: rerun the same command after an "
                    + "interruption to continue from the last checkpoint).",
                    "Writes checkpoints, losses.csv, loss-curve.png, the weights and provenance.json into the work "
                    + "folder; with --install-to it also measures the model's figures and writes its manifest."})
    public static final class TrainCommand implements Callable<Integer> {
        @Parameters(paramLabel = "MODEL",
                description = "One of: classifier-a, classifier-b, feature-net, gan, diffusion.")
        String model;

        @Option(names = "--work", paramLabel = "DIR", description = "Work folder (default: runs/zoo/MODEL). It records "
                + "the options that change the result: a rerun with other options, a folder genalign did not make, "
                + "or a checkpoint beyond --steps is refused.")
        Path work;

        @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST folder (default: Debian's "
                + "/usr/share/datasets/fashion-mnist).")
        Path data;

        @Option(names = "--steps", description = "Override the number of steps (default: the shipped model's).")
        Integer steps;

        @Option(names = "--lr", paramLabel = "RATE", description = "Override Adam's learning rate (default: the "
                + "shipped model's), e.g. a lower rate to train a model further with --init-from.")
        Float lr;

        @Option(names = "--overwrite", description = "Start the work folder again if it holds work made with other "
                + "options or a checkpoint beyond --steps (only a folder genalign made is ever emptied).")
        boolean overwrite;

        @Option(names = "--init-from", paramLabel = "FILE|shipped", description = "Start from these weights instead "
                + "of the seeded initialisation (a .params file of this model, or shipped: the weights inside "
                + "genalign), e.g. to train the shipped model further. Not for the gan (two networks).")
        String initFrom;

        @Option(names = "--install-to", paramLabel = "DIR", description = "Also install the result into this "
                + "resource folder (e.g. zoo/src/main/resources) to rebuild the zoo.")
        Path installTo;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /**
         * The weights of {@code --init-from}: {@code shipped} or a file outside the work folder (which a run with
         * {@code --overwrite} may empty), read whole before training starts.
         */
        static ZooTrainer.InitialWeights initialWeights(String model, String initFrom, Path work) throws IOException {
            if ("shipped".equals(initFrom)) {
                return new ZooTrainer.InitialWeights(Zoo.shippedWeights(model), Path.of("shipped"));
            }
            Zoo.shippedWeights(model); // refuses the gan with the same message
            Path file = Path.of(initFrom);
            if (file.toAbsolutePath().normalize().startsWith(work.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--init-from " + initFrom + " lies inside the work folder " + work
                        + ", which training writes; copy it elsewhere first");
            }
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException("--init-from " + initFrom + " is a folder; give a .params file");
            }
            return new ZooTrainer.InitialWeights(Files.readAllBytes(file), file);
        }

        @Override
        public Integer call() throws Exception {
            ZooModels.require(model);
            Path dir = work != null ? work : Path.of("runs", "zoo", model);
            Provenance prov = Provenance.start("zoo train", spec.commandLine().getParseResult().originalArgs());
            TrainOptions o = TrainOptions.defaults(model);
            if (steps != null) {
                if (steps < 1) {
                    throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
                }
                o = o.withSteps(steps).withCheckpointEvery(Math.min(o.checkpointEvery(), steps));
            }
            if (lr != null) {
                o = o.withLearningRate(lr);
            }
            ZooTrainer.InitialWeights init = initFrom == null ? null : initialWeights(model, initFrom, dir);
            FashionMnist fm = FashionMnist.load(data);
            prov.config("model", model).config("options", o)
                    .config("init_from", init == null ? null : initFrom + " (sha256 " + init.sha256() + ")").config("work", dir.toString()).seed("train", o.seed());
            ZooTrainer.Result r;
            boolean terminal = System.console() != null;
            try (ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("train " + model)
                    .setInitialMax(o.steps()).setStyle(ProgressBarStyle.ASCII).build() : null) {
                r = ZooTrainer.train(model, dir, o, fm, (step, total, losses) -> {
                    if (bar != null) {
                        bar.stepTo(step);
                        bar.setExtraMessage(losses.toString());
                    }
                }, overwrite, LossCurves::write, init);
            }
            prov.timing("train", r.wallSeconds()).result("weights", r.weights().toString()).result("resumed", r.resumed());
            PrintWriter out = spec.commandLine().getOut();
            out.println("trained " + model + " in " + dir + (r.resumed() ? " (resumed from a checkpoint)" : ""));
            if (installTo != null) {
                ModelManifest mf = ZooInstall.install(model, dir, installTo, fm);
                out.println("installed into " + installTo + ": " + mf.quality());
                prov.result("quality", mf.quality());
            }
            prov.write(dir.resolve("provenance.json"));
            out.flush();
            return 0;
        }
    }

}
