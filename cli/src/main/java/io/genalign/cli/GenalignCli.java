package io.genalign.cli;

import io.genalign.cli.support.BadInputException;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Versions;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.io.BadFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code genalign} command. Exit codes: 0 success, 2 bad input or usage (the reason is printed on one line),
 * 1 a runtime failure (a full disk, a read-only folder, permission denied: one line with the path and the reason)
 * or an unexpected internal error. Stack traces only with {@code --verbose} (or GENALIGN_VERBOSE=1).
 */
@Command(name = "genalign", mixinStandardHelpOptions = true, versionProvider = GenalignCli.VersionProvider.class,
        description = "Align pretrained generative image models with what people want.",
        subcommands = {AlignCommand.class, DpoCommand.class, ExperimentCommand.class, GaussianityCommand.class, PairsCommand.class,
                RefineCommand.class, SampleCommand.class, ZooCommand.class, CommandLine.HelpCommand.class})
public final class GenalignCli implements Runnable {
    /** Exit code for bad input: missing or corrupt files, invalid values, unknown names. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for an unexpected internal failure. */
    public static final int EXIT_INTERNAL = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, also print the stack trace.")
    boolean verbose;

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
        cl.setExecutionStrategy(GenalignCli::executeWithCleanup);
        return cl;
    }

    /**
     * Runs the chosen subcommand with the run-folder context set (the command's name and arguments for the
     * {@link RunFolder#MARKER marker}, the paths it reads for the overwrite protection, notices to its stderr),
     * and removes uncommitted partial folders however the command ends.
     */
    private static int executeWithCleanup(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        List<Path> inputs = new ArrayList<>();
        for (CommandLine.ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
            leaf = pr;
            for (CommandLine.Model.OptionSpec o : pr.matchedOptions()) {
                if (isOutputOption(o)) {
                    continue;
                }
                Object v = o.getValue();
                if (v instanceof Path p) {
                    inputs.add(p);
                } else if (v instanceof Collection<?> c) {
                    for (Object x : c) {
                        if (x instanceof Path p) {
                            inputs.add(p);
                        }
                    }
                }
            }
            for (CommandLine.Model.PositionalParamSpec p : pr.matchedPositionals()) {
                if (p.getValue() instanceof Path path) {
                    inputs.add(path);
                }
            }
        }
        PrintWriter err = leaf.commandSpec().commandLine().getErr();
        RunFolder.setNotices(s -> {
            err.println("genalign: " + s);
            err.flush();
        });
        RunFolder.beginCommand(leaf.commandSpec().qualifiedName(" "), parsed.originalArgs(), inputs);
        try {
            return new CommandLine.RunLast().execute(parsed);
        } finally {
            RunFolder.discardUncommitted();
        }
    }

    /** Options that name where a command writes (not protected as inputs). */
    private static boolean isOutputOption(CommandLine.Model.OptionSpec o) {
        for (String n : o.names()) {
            if (n.equals("--out") || n.equals("--npy") || n.equals("--work") || n.equals("--install-to")
                    || n.startsWith("--out-")) {
                return true;
            }
        }
        return false;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = verbose(parsed);
        Failure f = classify(e);
        err.println("genalign: " + (f.exitCode() == EXIT_INTERNAL && f.unexpected() ? "internal error: " : "error: ")
                + f.message());
        if (verbose) {
            e.printStackTrace(err);
        } else if (f.unexpected()) {
            err.println("genalign: rerun with --verbose for the stack trace");
        }
        err.flush();
        return f.exitCode();
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        if ("1".equals(System.getenv("GENALIGN_VERBOSE"))) {
            return true;
        }
        if (parsed == null) {
            return false;
        }
        for (String a : parsed.originalArgs()) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the user sees for a failure: one line, the exit code, and whether it is unexpected (a bug, for which
     * the stack trace is offered).
     */
    record Failure(String message, int exitCode, boolean unexpected) {}

    /** Classifies a failure: bad input (2), an environment problem such as a full disk (1), or a bug (1). */
    static Failure classify(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain) {
            if (t instanceof BadInputException || t instanceof BadFileException) {
                return new Failure(message(t), EXIT_BAD_INPUT, false);
            }
        }
        for (Throwable t : chain) {
            Failure f = ioFailure(t);
            if (f != null) {
                return f;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof IllegalArgumentException) {
                return new Failure(message(t), EXIT_BAD_INPUT, false);
            }
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return new Failure(message(e instanceof UncheckedIOException u ? u.getCause() : e), EXIT_INTERNAL, false);
        }
        return new Failure(message(e), EXIT_INTERNAL, true);
    }

    /** An I/O failure as "PATH: reason", or null if {@code t} is not one genalign recognises. */
    private static Failure ioFailure(Throwable t) {
        if (t instanceof AccessDeniedException a) {
            return new Failure(a.getFile() + ": permission denied" + other(a), EXIT_INTERNAL, false);
        }
        if (t instanceof NoSuchFileException n) {
            String reason = n.getReason();
            return new Failure(n.getFile() + ": no such file or folder" + (reason == null ? "" : " (" + reason + ")")
                    + other(n), EXIT_BAD_INPUT, false);
        }
        if (t instanceof NotDirectoryException n) {
            return new Failure(n.getFile() + ": not a folder (a file is in the way)", EXIT_BAD_INPUT, false);
        }
        if (t instanceof FileAlreadyExistsException n) {
            boolean file = n.getFile() != null && java.nio.file.Files.isRegularFile(Path.of(n.getFile()));
            return new Failure(n.getFile() + (file ? ": a file is in the way where a folder is needed"
                    : ": already exists") + other(n), EXIT_BAD_INPUT, false);
        }
        if (t instanceof CharacterCodingException) {
            return new Failure("a file is not UTF-8 text (" + t.getMessage() + ")", EXIT_BAD_INPUT, false);
        }
        if (t instanceof FileSystemException fs) {
            String reason = fs.getReason() == null ? "" : fs.getReason();
            String kind = reasonOf(reason);
            String file = fs.getFile() == null ? "" : fs.getFile() + ": ";
            if (kind != null) {
                return new Failure(file + kind + other(fs), isInputReason(kind) ? EXIT_BAD_INPUT : EXIT_INTERNAL, false);
            }
            return new Failure(file + (reason.isEmpty() ? t.getClass().getSimpleName() : reason.toLowerCase(
                    Locale.ROOT)) + other(fs), EXIT_INTERNAL, false);
        }
        if (t instanceof IOException && t.getMessage() != null) {
            String kind = reasonOf(t.getMessage());
            if (kind != null) {
                return new Failure(t.getMessage().contains(":") && !t.getMessage().startsWith(kind)
                        ? t.getMessage() : kind, isInputReason(kind) ? EXIT_BAD_INPUT : EXIT_INTERNAL, false);
            }
        }
        return null;
    }

    private static String other(FileSystemException e) {
        return e.getOtherFile() == null ? "" : " (" + e.getOtherFile() + ")";
    }

    /** The reasons the operating system gives, in the words genalign prints. */
    private static String reasonOf(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.contains("no space left")) {
            return "no space left on device";
        }
        if (t.contains("read-only file system")) {
            return "read-only file system";
        }
        if (t.contains("permission denied") || t.contains("operation not permitted")) {
            return "permission denied";
        }
        if (t.contains("is a directory")) {
            return "is a folder, expected a file";
        }
        if (t.contains("not a directory")) {
            return "not a folder (a file is in the way)";
        }
        if (t.contains("disk quota exceeded")) {
            return "disk quota exceeded";
        }
        return null;
    }

    private static boolean isInputReason(String kind) {
        return kind.startsWith("is a folder") || kind.startsWith("not a folder");
    }

    static boolean isBadInput(Throwable t) {
        return classify(t).exitCode() == EXIT_BAD_INPUT;
    }

    static String describe(Throwable t) {
        return classify(t).message();
    }

    private static String message(Throwable t) {
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
