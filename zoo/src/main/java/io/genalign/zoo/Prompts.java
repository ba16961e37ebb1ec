package io.genalign.zoo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Prompts of the built-in models: the ten Fashion-MNIST class names and obvious synonyms, matched ignoring
 * case, surrounding space, repeated spaces, hyphens and underscores. An unknown prompt is an error that lists
 * every accepted prompt.
 */
public final class Prompts {
    private static final List<String> CLASS_NAMES = List.of("t-shirt/top", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");
    private static final Map<String, Integer> ACCEPTED = new LinkedHashMap<>();

    static {
        String[][] synonyms = {
            {"t-shirt/top", "t-shirt", "tshirt", "t shirt", "tee", "top", "tee shirt"},
            {"trouser", "trousers", "pants", "jeans"},
            {"pullover", "sweater", "jumper"},
            {"dress"},
            {"coat", "jacket"},
            {"sandal", "sandals"},
            {"shirt", "blouse"},
            {"sneaker", "sneakers", "trainer", "trainers"},
            {"bag", "bags", "handbag", "purse"},
            {"ankle boot", "ankle boots", "boot", "boots"},
        };
        for (int c = 0; c < synonyms.length; c++) {
            for (String s : synonyms[c]) {
                ACCEPTED.put(normalise(s), c);
            }
        }
    }

    private Prompts() {}

    /** The ten class names, index = class id. */
    public static List<String> classNames() {
        return CLASS_NAMES;
    }

    public static String className(int classId) {
        if (classId < 0 || classId >= CLASS_NAMES.size()) {
            throw new IllegalArgumentException("class id " + classId + " is outside 0..9");
        }
        return CLASS_NAMES.get(classId);
    }

    /** The class a prompt asks for; an unknown prompt throws IllegalArgumentException listing the accepted ones. */
    public static int classOf(String prompt) {
        Integer c = prompt == null ? null : ACCEPTED.get(normalise(prompt));
        if (c == null) {
            throw new IllegalArgumentException("unknown prompt '" + prompt + "': the built-in models know "
                    + String.join(", ", accepted()));
        }
        return c;
    }

    /** Every accepted prompt, sorted. */
    public static List<String> accepted() {
        TreeSet<String> s = new TreeSet<>(ACCEPTED.keySet());
        return List.copyOf(s);
    }

    static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('_', ' ').replace("-", " ").replaceAll("\\s+", " ");
    }
}
