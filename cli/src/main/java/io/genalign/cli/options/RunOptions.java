package io.genalign.cli.options;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --out}, {@code --overwrite} and {@code --seed}, declared once for every command that writes a run. */
public final class RunOptions {
    @Option(names = "--out", paramLabel = "PATH", description = "Where to write (default: a new folder under runs/).")
    public Path out;

    @Option(names = "--overwrite", description = "Replace an earlier result that genalign made at --out.")
    public boolean overwrite;

    @Option(names = "--seed", description = "Base seed of every random draw (default: ${DEFAULT-VALUE}).")
    public long seed = 0;

    /** Options whose {@code --seed} defaults to {@code seed} (commands whose published results used another seed). */
    public static RunOptions withSeed(long seed) {
        RunOptions r = new RunOptions();
        r.seed = seed;
        return r;
    }

    /** {@code --out}, or {@code runs/COMMAND/NAME-TIME} when it was not given. */
    public Path outOr(String command, String name) {
        return out != null ? out : Path.of("runs", command, slug(name) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Lower-case letters and digits with single hyphens, for file names ("ankle boot" → "ankle-boot"). */
    public static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return t.isEmpty() ? "prompt" : t.substring(0, Math.min(60, t.length()));
    }
}
