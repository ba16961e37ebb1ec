package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;

/**
 * Clipping by the global gradient norm: n = sqrt(Σ_params Σ g²) (accumulated in double over the parameters'
 * float sums); if {@code clip} &gt; 0 and n &gt; clip, every gradient is scaled in place by clip / n.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips the gradients of {@code params} to global norm {@code clip}; returns the norm before clipping. */
    public static double clipGlobalNorm(ParameterList params, double clip) {
        double sq = 0;
        NDManager sub = null;
        try {
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                if (w.hasGradient()) {
                    if (sub == null) {
                        sub = NDManager.subManagerOf(w);
                    }
                    sq += Scoped.in(sub, w.getGradient()).square().sum().getFloat();
                }
            }
            double norm = Math.sqrt(sq);
            if (clip > 0 && norm > clip) {
                float scale = (float) (clip / norm);
                for (Pair<String, Parameter> p : params) {
                    NDArray w = p.getValue().getArray();
                    if (w.hasGradient()) {
                        Scoped.in(sub, w.getGradient()).muli(scale);
                    }
                }
            }
            return norm;
        } finally {
            if (sub != null) {
                sub.close();
            }
        }
    }
}
