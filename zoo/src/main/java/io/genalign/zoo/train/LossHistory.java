package io.genalign.zoo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-step losses of a zoo training run as {@code losses.csv}: a header {@code step,<loss names>} and one row
 * per step; a loss not computed at a step (e.g. a term of a later phase) is {@code NaN} there and absent from the
 * step's map when read back.
 */
public final class LossHistory {
    private LossHistory() {}

    /** Writes {@code history} (step i + 1 is element i) to {@code file} atomically. */
    public static void write(Path file, List<Map<String, Double>> history) throws IOException {
        StringBuilder sb = new StringBuilder("step");
        Set<String> keys = keys(history);
        for (String k : keys) {
            sb.append(',').append(k);
        }
        sb.append('\n');
        for (int i = 0; i < history.size(); i++) {
            sb.append(i + 1);
            for (String k : keys) {
                sb.append(',').append(history.get(i).getOrDefault(k, Double.NaN)); // NaN: not computed at this step
            }
            sb.append('\n');
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every loss name in the history, in order of first appearance (later phases may add terms). */
    public static Set<String> keys(List<Map<String, Double>> history) {
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, Double> h : history) {
            keys.addAll(h.keySet());
        }
        return keys;
    }

    /** Reads a file written by {@link #write}; an absent file is an empty history. */
    public static List<Map<String, Double>> read(Path file) throws IOException {
        List<Map<String, Double>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",");
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            Map<String, Double> m = new LinkedHashMap<>();
            for (int k = 1; k < header.length; k++) {
                double v = Double.parseDouble(cells[k]);
                if (!Double.isNaN(v)) {
                    m.put(header[k], v);
                }
            }
            out.add(m);
        }
        return out;
    }

    /** Draws a training history into an image file (the report layer supplies one, e.g. the CLI's PNG curve). */
    @FunctionalInterface
    public interface Plotter {
        /** Writes the plot of {@code history} of {@code model} to {@code file}. */
        void plot(Path file, String model, List<Map<String, Double>> history) throws IOException;
    }
}
