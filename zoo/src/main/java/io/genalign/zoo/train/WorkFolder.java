package io.genalign.zoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.core.runtime.Versions;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A resumable work folder (checkpoints and intermediate results) that knows what made it.
 *
 * <p>The folder carries {@value #MARKER}: the purpose (e.g. {@code "zoo train gan"}), the fingerprint of every
 * option that changes the result (as flag → value), the genalign version and, for each output file genalign wrote,
 * its sha256. {@link #open} refuses a non-empty folder without the marker (genalign did not make it) and a folder
 * whose fingerprint differs from the current one (one line naming the options that differ and what to do); with
 * {@code startAgain} a folder genalign made with other options is emptied and begun afresh.
 * {@link #writeOutput} never replaces a file genalign did not write there (e.g. a user's {@code losses.csv}).
 */
public final class WorkFolder {
    /** The marker file. */
    public static final String MARKER = ".genalign-work.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The refusal: a work folder that is not ours, or was made with other options. */
    public static final class RefusedException extends IllegalArgumentException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final Map<String, Object> marker;
    private final boolean restarted;

    private WorkFolder(Path dir, Map<String, Object> marker, boolean restarted) {
        this.dir = dir;
        this.marker = marker;
        this.restarted = restarted;
    }

    /**
     * Opens (or creates) the work folder {@code dir} for {@code purpose} with the result-changing options
     * {@code fingerprint}.
     *
     * @param startAgain if the folder was made by genalign with another purpose or fingerprint, empty it and start
     *                   again instead of refusing
     * @param todo       what the user can do, for the refusal (e.g. "use a new --out, or --overwrite to start
     *                   again")
     * @throws RefusedException if the folder is not empty and has no marker, or differs and {@code startAgain} is
     *                          false
     */
    public static WorkFolder open(Path dir, String purpose, Map<String, ?> fingerprint, boolean startAgain,
                                  String todo) throws IOException {
        Map<String, String> fp = normalise(fingerprint);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            throw new RefusedException(dir + " exists and is not a folder; " + todo);
        }
        Path markerFile = dir.resolve(MARKER);
        if (Files.isDirectory(dir) && !isEmpty(dir)) {
            if (!Files.isRegularFile(markerFile)) {
                throw new RefusedException(dir + " is not empty and was not made by genalign (no " + MARKER
                        + "); it is left as it is: choose another folder or empty it yourself");
            }
            Map<String, Object> old = JSON.readValue(markerFile.toFile(), new TypeReference<Map<String, Object>>() { });
            String diff = difference(String.valueOf(old.get("purpose")), purpose, old.get("fingerprint"), fp);
            if (diff == null) {
                return new WorkFolder(dir, old, false);
            }
            if (!startAgain) {
                throw new RefusedException(dir + " holds work made with other options (" + diff + "); " + todo);
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    CheckpointStore.deleteRecursively(p);
                }
            }
            return create(dir, purpose, fp, true);
        }
        return create(dir, purpose, fp, false);
    }

    private static WorkFolder create(Path dir, String purpose, Map<String, String> fp, boolean restarted)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("made_by", "genalign");
        m.put("purpose", purpose);
        m.put("fingerprint", fp);
        m.put("version", Versions.genalign());
        m.put("created", Instant.now().toString());
        m.put("outputs", new LinkedHashMap<String, String>());
        WorkFolder w = new WorkFolder(dir, m, restarted);
        w.saveMarker();
        return w;
    }

    /** Empties the folder (it carries the marker, so genalign made it) and begins it afresh. */
    public WorkFolder restart() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                CheckpointStore.deleteRecursively(p);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, String> fp = (Map<String, String>) marker.get("fingerprint");
        return create(dir, String.valueOf(marker.get("purpose")), fp, true);
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** Whether {@link #open} emptied a folder made with other options. */
    public boolean restarted() {
        return restarted;
    }

    /** The checkpoint store of this folder ({@code checkpoints/}). */
    public CheckpointStore checkpoints() {
        return new CheckpointStore(dir.resolve("checkpoints"));
    }

    /** Refuses if {@code name} exists in the folder and genalign did not write it (or it changed since). */
    public void checkReplaceable(String name) throws IOException {
        Path f = dir.resolve(name);
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object recorded = outputs().get(name);
        String actual = Files.isRegularFile(f) ? CheckpointStore.sha256(f) : null;
        boolean ours = actual != null && recorded != null && (recorded.equals(actual)
                || (recorded instanceof List<?> l && l.contains(actual)));
        if (!ours) {
            throw new RefusedException(f + " was not written by genalign (or was changed since); refusing to "
                    + "replace it: move it away or choose another folder");
        }
    }

    /**
     * Writes the output {@code name} atomically (temporary file, then one rename), after {@link #checkReplaceable},
     * and records its sha256 in the marker.
     */
    public Path writeOutput(String name, CheckpointStore.FileWriter writer) throws IOException {
        checkReplaceable(name);
        Path f = dir.resolve(name);
        Path tmp = dir.resolve(".tmp-" + ProcessHandle.current().pid() + "-" + name); // keeps the extension (chart encoders append one)
        try {
            writer.write(tmp);
            // record the new content before the rename, beside the old one: a kill between the two leaves a file
            // genalign still recognises as its own
            List<String> both = new ArrayList<>();
            Object old = outputs().get(name);
            if (old instanceof String o) {
                both.add(o);
            }
            both.add(CheckpointStore.sha256(tmp));
            outputs().put(name, both);
            saveMarker();
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        outputs().put(name, CheckpointStore.sha256(f));
        saveMarker();
        return f;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> outputs() {
        Object o = marker.get("outputs");
        if (!(o instanceof Map<?, ?>)) {
            o = new LinkedHashMap<String, Object>();
            marker.put("outputs", o);
        }
        return (Map<String, Object>) o;
    }

    private void saveMarker() throws IOException {
        Path tmp = dir.resolve("." + MARKER + ".tmp-" + ProcessHandle.current().pid());
        JSON.writeValue(tmp.toFile(), marker);
        try {
            Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** "--lr 0.001 there, 0.01 now; --divergence ..." (the options that differ), or null when nothing does. */
    public static String difference(String oldPurpose, String purpose, Object oldFingerprint, Map<String, String> fp) {
        List<String> parts = new ArrayList<>();
        if (!Objects.equals(oldPurpose, purpose)) {
            parts.add("made by '" + oldPurpose + "', now '" + purpose + "'");
        }
        Map<String, String> old = new LinkedHashMap<>();
        if (oldFingerprint instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                old.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        Set<String> keys = new LinkedHashSet<>(old.keySet());
        keys.addAll(fp.keySet());
        for (String k : keys) {
            String a = old.get(k);
            String b = fp.get(k);
            if (!Objects.equals(a, b)) {
                parts.add(k + " " + (a == null ? "unset" : a) + " there, " + (b == null ? "unset" : b) + " now");
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** The fingerprint as flag → text (so values compare the same after a JSON round trip). */
    public static Map<String, String> normalise(Map<String, ?> fingerprint) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : fingerprint.entrySet()) {
            out.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return out;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
