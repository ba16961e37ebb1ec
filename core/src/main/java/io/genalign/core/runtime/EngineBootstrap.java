package io.genalign.core.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.RandomUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where genalign starts the tensor engine.
 *
 * <p>Lifecycle: {@link #ensureOffline()} may be called any number of times and must run before the first
 * {@link Engine} call (every genalign entry point that creates an {@code NDManager} goes through
 * {@link Tensors#newManager()}, which calls it). {@link #start(long)} then picks the device, seeds every
 * random number generator from one seed and logs one line saying what it chose.
 *
 * <p>Offline: DJL contacts a cloud metadata address when the engine starts unless the system property
 * {@value #OFFLINE_PROPERTY} is {@code true} or the environment variable {@code OPT_OUT_TRACKING} is set.
 * This class sets the property to {@code true} unless the user already set it (either way the user's
 * choice wins).
 */
public final class EngineBootstrap {
    /** DJL's system property that disables every network access of the engine. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** System property naming the device: {@code auto} (default), {@code cpu} or {@code gpu}. */
    public static final String DEVICE_PROPERTY = "genalign.device";

    private static final Logger LOG = LoggerFactory.getLogger(EngineBootstrap.class);
    private static volatile boolean offlineChecked;
    private static volatile boolean offlineSetByUser;
    private static volatile RuntimeInfo current;

    private EngineBootstrap() {}

    /** Sets {@code ai.djl.offline=true} unless the user set the property; idempotent and cheap. */
    public static void ensureOffline() {
        if (offlineChecked) {
            return;
        }
        synchronized (EngineBootstrap.class) {
            if (offlineChecked) {
                return;
            }
            String user = System.getProperty(OFFLINE_PROPERTY);
            offlineSetByUser = user != null;
            if (user == null) {
                System.setProperty(OFFLINE_PROPERTY, "true");
            }
            offlineChecked = true;
        }
    }

    /**
     * Starts the engine (if not yet started), chooses the device and seeds every RNG.
     *
     * @param seed the one seed from which the engine's RNG and DJL's Java RNG are seeded
     * @return what was chosen; also logged as one line
     */
    public static synchronized RuntimeInfo start(long seed) {
        ensureOffline();
        Engine engine = Engine.getInstance();
        Device device = chooseDevice(engine, System.getProperty(DEVICE_PROPERTY, "auto"));
        engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
        RandomUtils.RANDOM.setSeed(seed);
        RuntimeInfo info = new RuntimeInfo(engine.getEngineName(), engine.getVersion(), device, seed,
                Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY)), offlineSetByUser);
        current = info;
        LOG.info("genalign runtime: engine {} {} on {}, seed {}, offline={}{}", info.engine(), info.engineVersion(),
                device, seed, info.offline(), offlineSetByUser ? " (set by user)" : "");
        return info;
    }

    /** The info of the last {@link #start(long)}, or {@code null} if the engine was not started through here. */
    public static RuntimeInfo current() {
        return current;
    }

    /** The device chosen by the last {@link #start(long)}, or the CPU when none was made. */
    public static Device device() {
        RuntimeInfo info = current;
        return info == null ? Device.cpu() : info.device();
    }

    static Device chooseDevice(Engine engine, String requested) {
        switch (requested.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (engine.getGpuCount() == 0) {
                    throw new IllegalStateException(
                            "genalign.device=gpu was requested but the engine sees no GPU (the bundled libtorch is "
                                    + "CPU-only; point PYTORCH_LIBRARY_PATH at a CUDA libtorch to use one)");
                }
                return Device.gpu();
            case "auto":
                return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("unknown " + DEVICE_PROPERTY + " '" + requested
                        + "': expected auto, cpu or gpu");
        }
    }

    /** What the bootstrap chose. */
    public record RuntimeInfo(String engine, String engineVersion, Device device, long seed, boolean offline,
                              boolean offlineSetByUser) {}
}
