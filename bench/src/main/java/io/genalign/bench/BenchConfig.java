package io.genalign.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Settings shared by the benchmark class and its runner.
 *
 * <p>The offline flags every forked JVM gets come from the parent pom's {@code genalign.jvm.offline} property,
 * filtered into {@code bench.properties} at build time ({@link #offlineFlags()}). JMH's {@code @Fork}
 * annotation needs compile-time constants, so {@link #OFFLINE_FLAG_DJL} and {@link #OFFLINE_FLAG_TRACKING}
 * repeat them; a unit test checks that the two agree, and the runner always passes {@link #offlineFlags()}
 * (which overrides the annotation).
 */
public final class BenchConfig {
    /** The one seed of the benchmark: input batches and the regularizers' permutations. */
    public static final long SEED = 20251124L;
    /** DJL's offline switch, as in {@code genalign.jvm.offline}. */
    public static final String OFFLINE_FLAG_DJL = "-Dai.djl.offline=true";
    /** DJL's tracking opt-out, as in {@code genalign.jvm.offline}. */
    public static final String OFFLINE_FLAG_TRACKING = "-DOPT_OUT_TRACKING=true";
    /** Heap of each forked JVM; the tensors live off-heap, so this is small. */
    public static final String FORK_HEAP = "-Xmx2g";
    /** The latent sizes D of the benchmark. */
    public static final int[] DIMS = {4096, 16384, 65536, 262144};
    /** The batch sizes of the benchmark. */
    public static final int[] BATCHES = {1, 8};
    /** The O(D²) covariance matching is measured only up to this D. */
    public static final int COVARIANCE_MAX_D = 16384;

    private BenchConfig() {}

    /** The parent pom's offline flags, split on whitespace. */
    public static List<String> offlineFlags() {
        Properties p = new Properties();
        try (InputStream in = BenchConfig.class.getResourceAsStream("bench.properties")) {
            if (in == null) {
                throw new IllegalStateException("bench.properties is missing from the classpath (build with Maven)");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String flags = p.getProperty("jvm.offline", "").trim();
        if (flags.isEmpty() || flags.contains("${")) {
            throw new IllegalStateException("bench.properties was not filtered: jvm.offline=" + flags);
        }
        return Arrays.asList(flags.split("\\s+"));
    }

    /** Everything appended to a forked JVM's command line: the offline flags and the heap. */
    public static String[] forkJvmArgs() {
        List<String> args = new ArrayList<>(offlineFlags());
        args.add(FORK_HEAP);
        return args.toArray(new String[0]);
    }
}
