package io.genalign.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code genalign experiment}: the papers' comparisons on the built-in models. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run one of the papers' comparisons (built-in models by default, or --model DIR) and write its results.",
        subcommands = {DivergenceExperiment.class, PreconditioningExperiment.class, RefineExperiment.class,
                RegularizerExperiment.class, PreferenceToyExperiment.class})
public final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
