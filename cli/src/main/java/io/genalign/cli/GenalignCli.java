package io.genalign.cli;

import io.genalign.cli.support.BadInputException;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Versions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code genalign} command. Exit codes: 0 success, 2 bad input or usage (the reason is printed), 1 an
 * unexpected internal error (with its stack trace).
 */
@Command(name = "genalign", mixinStandardHelpOptions = true, versionProvider = GenalignCli.VersionProvider.class,
        description = "Align pretrained generative image models with what people want.",
        subcommands = {AlignCommand.class, DpoCommand.class, ExperimentCommand.class, GaussianityCommand.class, PairsCommand.class,
                RefineCommand.class, SampleCommand.class, ZooCommand.class, BatchCommand.class, CommandLine.HelpCommand.class})
public final class GenalignCli implements Runnable {
    /** Exit code for bad input: missing or corrupt files, invalid values, unknown names. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for an unexpected internal failure. */
    public static final int EXIT_INTERNAL = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        EngineBootstrap.ensureOffline();
        System.exit(execute(args));
    }

    /** Runs the CLI with {@code args} and returns the exit code (used by tests). */
    public static int execute(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new GenalignCli());
        cl.setExecutionExceptionHandler(GenalignCli::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable cause = e;
        if (isBadInput(cause)) {
            err.println("genalign: error: " + describe(cause));
            err.flush();
            return EXIT_BAD_INPUT;
        }
        err.println("genalign: internal error: " + describe(cause));
        e.printStackTrace(err);
        err.flush();
        return EXIT_INTERNAL;
    }

    static boolean isBadInput(Throwable t) {
        return t instanceof BadInputException || t instanceof IllegalArgumentException
                || t instanceof NoSuchFileException || t instanceof java.io.FileNotFoundException;
    }

    static String describe(Throwable t) {
        if (t instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        String msg = t.getMessage();
        return msg == null ? t.getClass().getSimpleName() : msg;
    }

    /** Version line: genalign and its stack. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            var v = Versions.all();
            return new String[] {"genalign " + v.get("genalign"),
                    "DJL " + v.get("djl") + ", PyTorch " + v.get("pytorch") + ", Java " + v.get("java")};
        }
    }
}
