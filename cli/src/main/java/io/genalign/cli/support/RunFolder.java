package io.genalign.cli.support;

import io.genalign.core.runtime.Versions;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An output folder written as a whole: files go to a hidden sibling {@code .NAME.partial-PID} and the folder
 * is moved into place by {@link #commit()}, so an interrupted run never leaves a half-written report under the
 * real name and never destroys an earlier one.
 *
 * <p>Safety rules (see docs/reliability.md):
 * <ul>
 *   <li>Every run folder carries a marker {@value #MARKER} (command, arguments, time, genalign version).</li>
 *   <li>An existing non-empty folder is refused unless {@code overwrite} is set; with it, only a folder that
 *       carries the marker is replaced, and only once the new one is complete.</li>
 *   <li>Never used as an output, whatever {@code overwrite} says: the working directory or any folder above it,
 *       the home folder, the file-system root, and any folder the command reads (or one that contains it).</li>
 *   <li>Stale {@code .NAME.partial-PID} / {@code .NAME.old-PID} siblings left by processes that are gone are
 *       removed when a later run targets the same folder (reported through {@link #setNotices}); an
 *       {@code .old-PID} (an earlier result moved aside by a replacement that was killed before the new folder was
 *       in place) is moved back instead when the folder itself is missing.</li>
 *   <li>A partial folder that was not committed is removed when the command ends ({@link #discardUncommitted})
 *       and, for SIGINT/SIGTERM or {@code System.exit}, by a shutdown hook.</li>
 * </ul>
 */
public final class RunFolder {
    /** The marker file every run folder carries. */
    public static final String MARKER = ".genalign-run.json";

    private static final Pattern LEFTOVER = Pattern.compile("^\\.(.+)\\.(partial|old)-(\\d+)$");
    private static final Set<RunFolder> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());
    private static volatile Consumer<String> notices = s -> System.err.println("genalign: " + s);
    private static volatile String currentCommand = "genalign";
    private static volatile List<String> currentArgs = List.of();
    private static final List<Path> CURRENT_INPUTS = Collections.synchronizedList(new ArrayList<>());
    private static volatile boolean hookInstalled;

    private final Path target;
    private final Path partial;
    private final boolean overwrite;
    private boolean committed;
    private boolean keep;

    private RunFolder(Path target, Path partial, boolean overwrite) {
        this.target = target;
        this.partial = partial;
        this.overwrite = overwrite;
    }

    /**
     * Prepares a run folder for {@code target}; throws {@link BadInputException} if it exists and may not be
     * replaced. The folders registered by {@link #beginCommand} as read by the running command are protected.
     */
    public static RunFolder create(Path target, boolean overwrite) throws IOException {
        return create(target, overwrite, new Path[0]);
    }

    /**
     * Like {@link #create(Path, boolean)}, and also refuses to replace {@code inputsNotToReplace} (files or folders
     * the command reads) or a folder that contains one of them.
     */
    public static RunFolder create(Path target, boolean overwrite, Path... inputsNotToReplace) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        refuseProtected(abs, inputsNotToReplace);
        removeStaleLeftovers(abs);
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
            throw new BadInputException(abs + " exists and is not a folder; choose another --out");
        }
        if (Files.isDirectory(abs) && !isEmpty(abs)) {
            if (!overwrite) {
                throw new BadInputException(abs + " already exists; refusing to overwrite an earlier result (choose "
                        + "another --out, or pass --overwrite to replace it)");
            }
            if (!Files.isRegularFile(abs.resolve(MARKER))) {
                throw new BadInputException("refusing to --overwrite " + abs + ": it was not made by genalign (no "
                        + MARKER + " in it); choose another --out or remove it yourself");
            }
        }
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path partial = abs.resolveSibling("." + abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
        deleteRecursively(partial);
        Files.createDirectories(partial);
        RunFolder f = new RunFolder(abs, partial, overwrite);
        installHook();
        OPEN.add(f);
        AtomicFiles.writeString(partial.resolve(MARKER), markerJson());
        return f;
    }

    /** Where a file of the run is written until commit. */
    public Path file(String name) {
        return partial.resolve(name);
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /** Moves the finished folder into place (replacing an old one only if allowed). */
    public void commit() throws IOException {
        if (committed) {
            return;
        }
        Path old = null;
        if (Files.exists(target)) {
            if (!overwrite && !isEmpty(target)) {
                keep = true;
                throw new BadInputException(target + " appeared while the run was writing; the new results stay in "
                        + partial);
            }
            if (!isEmpty(target) && !Files.isRegularFile(target.resolve(MARKER))) {
                keep = true;
                throw new BadInputException(target + " appeared while the run was writing and was not made by "
                        + "genalign; the new results stay in " + partial);
            }
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
            deleteRecursively(old);
            Files.move(target, old);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target);
        }
        committed = true;
        OPEN.remove(this);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    /** The partial folder (where the files are until commit). */
    public Path partial() {
        return partial;
    }

    /** Removes the partial folder if the run was not committed (safe to call more than once). */
    public void discard() {
        OPEN.remove(this);
        if (committed || keep) {
            return;
        }
        try {
            deleteRecursively(partial);
        } catch (IOException e) {
            notices.accept("could not remove the temporary folder " + partial + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ command context (set by GenalignCli)

    /** Where notices (e.g. "removed a stale partial folder") go; GenalignCli points it at the command's stderr. */
    public static void setNotices(Consumer<String> sink) {
        notices = sink == null ? s -> { } : sink;
    }

    /**
     * Records the running command (written into the marker) and the paths it reads (protected from
     * {@code --overwrite}); called by GenalignCli before a command runs.
     */
    public static void beginCommand(String command, List<String> args, List<Path> inputs) {
        currentCommand = command;
        currentArgs = List.copyOf(args);
        CURRENT_INPUTS.clear();
        CURRENT_INPUTS.addAll(inputs);
    }

    /** Removes every partial folder of this process that was not committed; called when a command ends. */
    public static void discardUncommitted() {
        List<RunFolder> open;
        synchronized (OPEN) {
            open = new ArrayList<>(OPEN);
        }
        for (RunFolder f : open) {
            f.discard();
        }
        CURRENT_INPUTS.clear();
    }

    // ------------------------------------------------------------------ rules

    /** Throws if {@code abs} is a folder genalign must never replace. */
    static void refuseProtected(Path abs, Path... inputs) throws IOException {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (cwd.startsWith(abs)) {
            throw new BadInputException("refusing to write the run folder to " + abs + ": it is "
                    + (cwd.equals(abs) ? "the working directory" : "a folder above the working directory")
                    + "; choose a new folder such as runs/NAME for --out");
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isEmpty() && Path.of(home).toAbsolutePath().normalize().startsWith(abs)) {
            throw new BadInputException("refusing to write the run folder to " + abs + ": it is the home folder"
                    + (Path.of(home).toAbsolutePath().normalize().equals(abs) ? "" : " or above it")
                    + "; choose a new folder for --out");
        }
        if (abs.getParent() == null) {
            throw new BadInputException("refusing to write the run folder to the file-system root " + abs);
        }
        List<Path> all = new ArrayList<>(CURRENT_INPUTS);
        if (inputs != null) {
            all.addAll(java.util.Arrays.asList(inputs));
        }
        Path real = realOrSelf(abs);
        for (Path in : all) {
            if (in == null) {
                continue;
            }
            Path i = in.toAbsolutePath().normalize();
            Path ir = realOrSelf(i);
            if (i.startsWith(abs) || ir.startsWith(real)) {
                throw new BadInputException("refusing to write the run folder to " + abs + ": the command reads "
                        + in + (i.equals(abs) || ir.equals(real) ? "" : ", which is inside it")
                        + "; choose another --out");
            }
        }
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /** Removes {@code .NAME.partial-PID} and {@code .NAME.old-PID} siblings of {@code abs} whose process is gone. */
    static void removeStaleLeftovers(Path abs) throws IOException {
        Path parent = abs.getParent();
        String name = abs.getFileName().toString();
        if (!Files.isDirectory(parent)) {
            return;
        }
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "." + escapeGlob(name) + ".*-*")) {
            for (Path p : ds) {
                Matcher m = LEFTOVER.matcher(p.getFileName().toString());
                if (!m.matches() || !m.group(1).equals(name) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(3));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == ProcessHandle.current().pid()) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                stale.add(p);
            }
        }
        for (Path p : stale) {
            String pid = LEFTOVER.matcher(p.getFileName().toString()).replaceAll("$3");
            boolean old = LEFTOVER.matcher(p.getFileName().toString()).replaceAll("$2").equals("old");
            if (old && !Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                // killed while replacing: the earlier result was moved aside and the new one not yet in place
                Files.move(p, abs);
                notices.accept("restored " + abs + " from " + p + ", left by a run that was interrupted while "
                        + "replacing it (process " + pid + " is gone)");
                continue;
            }
            deleteRecursively(p);
            notices.accept("removed " + p + ", left by an interrupted run (process " + pid + " is gone)");
        }
    }

    private static String escapeGlob(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    private static String markerJson() {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"made_by\": \"genalign\",\n");
        sb.append("  \"command\": ").append(jsonString(currentCommand)).append(",\n");
        sb.append("  \"args\": [");
        List<String> args = currentArgs;
        for (int i = 0; i < args.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(jsonString(args.get(i)));
        }
        sb.append("],\n");
        sb.append("  \"time\": ").append(jsonString(Instant.now().toString())).append(",\n");
        sb.append("  \"version\": ").append(jsonString(Versions.genalign())).append(",\n");
        sb.append("  \"pid\": ").append(ProcessHandle.current().pid()).append('\n');
        return sb.append("}\n").toString();
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static synchronized void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(RunFolder::discardUncommitted, "genalign-run-folder-cleanup"));
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
