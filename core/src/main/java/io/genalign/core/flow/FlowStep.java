package io.genalign.core.flow;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one refinement step did: its index (0 = the first update) and named figures (means over the particles,
 * seconds, λ, ...). Names are stable per method and documented by each {@link LatentRefiner}.
 *
 * @param step the step index
 * @param figures the figures, in a stable order
 */
public record FlowStep(int step, Map<String, Double> figures) {
    public FlowStep {
        figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** A figure, or NaN when this method does not report it. */
    public double get(String name) {
        Double v = figures.get(name);
        return v == null ? Double.NaN : v;
    }
}
