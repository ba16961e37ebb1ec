package io.genalign.zoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints that become visible in one step, shared by zoo training and DPO.
 *
 * <p>{@link #save} writes every file of a checkpoint into a new hidden folder {@code .step-NNNNNNNN.partial-PID},
 * then a {@code manifest.json} with each file's size and sha256 (last), then renames the folder to
 * {@code step-NNNNNNNN} in one step, and only then removes older checkpoints. {@link #latest()} returns the newest
 * checkpoint whose manifest is present and whose files match it, so a crash (even kill -9) at any point of a
 * write leaves the previous checkpoint in use and the next run resumes from it exactly.
 *
 * <p>{@code meta} is stored in the manifest (e.g. the fingerprint of the options that made the checkpoint).
 */
public final class CheckpointStore {
    /** The manifest of a checkpoint, written last. */
    public static final String MANIFEST = "manifest.json";
    private static final Pattern STEP = Pattern.compile("^step-(\\d{8,})$");
    private static final Pattern LEFTOVER = Pattern.compile("^\\.step-\\d{8,}\\.(partial|old)-\\d+$");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static volatile CrashHook crashHook;

    /** Writes one file of a checkpoint. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path file) throws IOException;
    }

    /**
     * A test hook called during {@link #save}: after the k-th file of the checkpoint at {@code step} is written
     * (k = 1..n for the files, n + 1 after the manifest, n + 2 after the rename). Throwing simulates a crash there.
     */
    @FunctionalInterface
    public interface CrashHook {
        void after(int step, int filesWritten) throws IOException;
    }

    /** A complete, verified checkpoint. */
    public record Checkpoint(int step, Path dir, Map<String, Object> meta) {
        /** A file of the checkpoint. */
        public Path file(String name) {
            return dir.resolve(name);
        }
    }

    private final Path dir;

    /** A store in {@code dir} (created on the first save). */
    public CheckpointStore(Path dir) {
        this.dir = dir;
    }

    /** The folder holding the checkpoints. */
    public Path dir() {
        return dir;
    }

    /** Installs (or with null removes) the crash hook; for tests only. */
    public static void setCrashHookForTests(CrashHook hook) {
        crashHook = hook;
    }

    /**
     * Saves the checkpoint of {@code step}: the files (in order) and the manifest, then one rename; older
     * checkpoints are removed afterwards.
     */
    public Checkpoint save(int step, Map<String, FileWriter> files, Map<String, Object> meta) throws IOException {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + name(step) + ".partial-" + ProcessHandle.current().pid());
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        try {
            return write(step, files, meta, tmp);
        } catch (SimulatedCrash e) {
            throw e.io; // a simulated kill: leave everything as a kill would
        } catch (IOException | RuntimeException e) {
            try {
                deleteRecursively(tmp); // e.g. a full disk: do not leave the half checkpoint behind
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The crash hook's exception, carried past the clean-up. */
    private static final class SimulatedCrash extends RuntimeException {
        final IOException io;

        SimulatedCrash(IOException io) {
            super(io);
            this.io = io;
        }
    }

    private Checkpoint write(int step, Map<String, FileWriter> files, Map<String, Object> meta, Path tmp)
            throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, FileWriter> e : files.entrySet()) {
            String name = e.getKey();
            if (name.contains("/") || name.contains("\\") || name.startsWith(".") || name.equals(MANIFEST)) {
                throw new IllegalArgumentException("bad checkpoint file name '" + name + "'");
            }
            Path f = tmp.resolve(name);
            e.getValue().write(f);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("size", Files.size(f));
            info.put("sha256", sha256(f));
            entries.put(name, info);
            hook(step, ++k);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("step", step);
        manifest.put("files", entries);
        manifest.put("meta", meta == null ? Map.of() : meta);
        Path mf = tmp.resolve(MANIFEST);
        JSON.writeValue(mf.toFile(), manifest);
        hook(step, ++k);
        Path target = dir.resolve(name(step));
        if (Files.exists(target)) {
            // an earlier save of the same step (e.g. a resumed run's last step): replace it as a whole
            Path old = dir.resolve("." + name(step) + ".old-" + ProcessHandle.current().pid());
            deleteRecursively(old);
            Files.move(target, old);
            move(tmp, target);
            deleteRecursively(old);
        } else {
            move(tmp, target);
        }
        hook(step, ++k);
        for (Path p : list()) {
            String n = p.getFileName().toString();
            boolean ours = STEP.matcher(n).matches() || LEFTOVER.matcher(n).matches();
            if (ours && !p.equals(target)) {
                deleteRecursively(p); // older checkpoints, and leftovers of interrupted writes
            }
        }
        return new Checkpoint(step, target, meta == null ? Map.of() : meta);
    }

    /** The newest complete checkpoint (manifest present, files match their sizes and sha256), if any. */
    public Optional<Checkpoint> latest() throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<Path> steps = new ArrayList<>();
        for (Path p : list()) {
            if (STEP.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                steps.add(p);
            }
        }
        steps.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path p : steps) {
            Optional<Checkpoint> c = verify(p);
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    /** Removes every checkpoint. */
    public void clear() throws IOException {
        deleteRecursively(dir);
    }

    private Optional<Checkpoint> verify(Path p) throws IOException {
        Path mf = p.resolve(MANIFEST);
        if (!Files.isRegularFile(mf)) {
            return Optional.empty();
        }
        Map<String, Object> manifest;
        try {
            manifest = JSON.readValue(mf.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            return Optional.empty();
        }
        Object step = manifest.get("step");
        Matcher m = STEP.matcher(p.getFileName().toString());
        if (!(step instanceof Number n) || !m.matches() || Integer.parseInt(m.group(1)) != n.intValue()
                || !(manifest.get("files") instanceof Map<?, ?> files)) {
            return Optional.empty();
        }
        for (Map.Entry<?, ?> e : files.entrySet()) {
            Path f = p.resolve(String.valueOf(e.getKey()));
            if (!(e.getValue() instanceof Map<?, ?> info) || !Files.isRegularFile(f)
                    || !(info.get("size") instanceof Number size) || Files.size(f) != size.longValue()
                    || !sha256(f).equals(info.get("sha256"))) {
                return Optional.empty();
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = manifest.get("meta") instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of();
        return Optional.of(new Checkpoint(n.intValue(), p, meta));
    }

    private List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        return out;
    }

    private static String name(int step) {
        return String.format(Locale.ROOT, "step-%08d", step);
    }

    private static void hook(int step, int k) {
        CrashHook h = crashHook;
        if (h != null) {
            try {
                h.after(step, k);
            } catch (IOException e) {
                throw new SimulatedCrash(e);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** The sha256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a file or a folder tree (not following links). */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
