package io.genalign.cli.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Versions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The provenance record every CLI run writes beside its outputs: the command and its arguments, the
 * resolved configuration, every seed, the versions of genalign and its stack, the runtime choices, wall
 * times per phase and peak memory (resident set high-water mark of the process, which includes the native
 * tensor memory, and the JVM heap's peak).
 */
public final class Provenance {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String command;
    private final List<String> args;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final Map<String, Long> seeds = new LinkedHashMap<>();
    private final Map<String, Double> timingsSeconds = new LinkedHashMap<>();
    private final Map<String, Object> results = new LinkedHashMap<>();

    private Provenance(String command, List<String> args) {
        this.command = command;
        this.args = List.copyOf(args);
    }

    /** Starts the clock for a run of {@code command} with its raw arguments. */
    public static Provenance start(String command, List<String> args) {
        return new Provenance(command, args);
    }

    public Provenance config(String key, Object value) {
        config.put(key, value);
        return this;
    }

    public Provenance seed(String key, long value) {
        seeds.put(key, value);
        return this;
    }

    /** Records a phase's wall time in seconds. */
    public Provenance timing(String phase, double seconds) {
        timingsSeconds.put(phase, seconds);
        return this;
    }

    public Provenance result(String key, Object value) {
        results.put(key, value);
        return this;
    }

    /** The record as a JSON-ready map (the clock is read now). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "genalign");
        m.put("command", command);
        m.put("args", args);
        m.put("started", started.toString());
        m.put("finished", Instant.now().toString());
        m.put("wall_seconds", (System.nanoTime() - startNanos) / 1e9);
        m.put("config", config);
        m.put("seeds", seeds);
        m.put("versions", Versions.all());
        Map<String, Object> runtime = new LinkedHashMap<>();
        var info = EngineBootstrap.current();
        if (info != null) {
            runtime.put("engine", info.engine() + " " + info.engineVersion());
            runtime.put("device", info.device().toString());
            runtime.put("offline", info.offline());
        }
        runtime.put("cores", Runtime.getRuntime().availableProcessors());
        runtime.put("host", hostName());
        m.put("runtime", runtime);
        m.put("timings_seconds", timingsSeconds);
        m.put("peak_memory", peakMemory());
        m.put("results", results);
        return m;
    }

    /** Writes the record atomically to {@code file}. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toMap()) + "\n");
    }

    /** Peak resident set size (VmHWM, bytes; -1 where /proc is absent) and the JVM heap's peak (bytes). */
    public static Map<String, Long> peakMemory() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("process_peak_rss_bytes", peakRss());
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        m.put("jvm_heap_peak_bytes", heap);
        return m;
    }

    static long peakRss() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024L;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The host name from the environment or /etc/hostname; never a DNS lookup (genalign stays offline). */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            Path etc = Path.of("/etc/hostname");
            return Files.isReadable(etc) ? Files.readString(etc).trim() : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
