package io.genalign.core.flow;

import java.util.LinkedHashMap;
import java.util.Map;

/** The bandwidth and report figures every fit carries. */
abstract class BaseFit implements ScoreFit {
    private final double h;
    private final Map<String, Double> diagnostics;

    BaseFit(double h, Map<String, Double> diagnostics) {
        this.h = h;
        this.diagnostics = new LinkedHashMap<>(diagnostics);
    }

    @Override
    public final double bandwidth() {
        return h;
    }

    @Override
    public final Map<String, Double> diagnostics() {
        return new LinkedHashMap<>(diagnostics);
    }
}
