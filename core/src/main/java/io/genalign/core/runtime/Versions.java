package io.genalign.core.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of genalign and its numerical stack, as built (for provenance records). */
public final class Versions {
    private static final Properties PROPS = load();

    private Versions() {}

    /** genalign's own version. */
    public static String genalign() {
        return PROPS.getProperty("genalign.version", "unknown");
    }

    /** genalign, DJL, PyTorch (as built) and the Java runtime. */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("genalign", genalign());
        m.put("djl", PROPS.getProperty("djl.version", "unknown"));
        m.put("pytorch", PROPS.getProperty("pytorch.version", "unknown"));
        m.put("java", System.getProperty("java.runtime.version", System.getProperty("java.version")));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return m;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/io/genalign/core/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
