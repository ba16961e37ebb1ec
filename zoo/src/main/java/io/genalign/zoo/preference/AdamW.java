package io.genalign.zoo.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;

/**
 * AdamW (Loshchilov and Hutter 2019) whose state can be saved, so that a resumed run continues exactly:
 * <pre>
 *   m ← b1 m + (1 − b1) g;  v ← b2 v + (1 − b2) g²;  m̂ = m/(1 − b1^k);  v̂ = v/(1 − b2^k)
 *   w ← w − lr·( m̂/(sqrt(v̂) + eps) + wd·w )
 * </pre>
 * over the parameters that require gradients, in the block's parameter order. Also clips the global gradient
 * norm. The moments live in the manager given at construction.
 */
public final class AdamW {
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPS = 1e-8f;

    private final NDManager manager;
    private final float weightDecay;
    private NDList m;
    private NDList v;
    private int updates;

    public AdamW(NDManager manager, float weightDecay) {
        this.manager = manager;
        this.weightDecay = weightDecay;
    }

    /** Updates done so far. */
    public int updates() {
        return updates;
    }

    /**
     * The global L2 norm of the gradients; if it exceeds {@code clip} (&gt; 0) the gradients are scaled in place
     * to norm {@code clip}.
     *
     * @return the norm before clipping
     */
    public static double clipGradients(ParameterList params, double clip) {
        double sq = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray w = p.getValue().getArray();
            if (w.hasGradient()) {
                try (NDArray g = w.getGradient()) {
                    sq += g.square().sum().getFloat();
                }
            }
        }
        double norm = Math.sqrt(sq);
        if (clip > 0 && norm > clip) {
            float scale = (float) (clip / norm);
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                if (w.hasGradient()) {
                    try (NDArray g = w.getGradient()) {
                        g.muli(scale);
                    }
                }
            }
        }
        return norm;
    }

    /** One update with learning rate {@code lr}; zeroes the gradients afterwards. */
    public void step(ParameterList params, float lr) {
        if (m == null) {
            m = new NDList();
            v = new NDList();
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                if (w.hasGradient()) {
                    m.add(manager.zeros(w.getShape(), w.getDataType()));
                    v.add(manager.zeros(w.getShape(), w.getDataType()));
                }
            }
        }
        updates++;
        float c1 = (float) (1 - Math.pow(BETA1, updates));
        float c2 = (float) (1 - Math.pow(BETA2, updates));
        int i = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray w = p.getValue().getArray();
            if (!w.hasGradient()) {
                continue;
            }
            try (NDArray g = w.getGradient()) {
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.muli(BETA1).addi(g.mul(1 - BETA1));
                vi.muli(BETA2).addi(g.square().mul(1 - BETA2));
                try (NDArray step = mi.div(c1).div(vi.div(c2).sqrt().add(EPS)).add(w.stopGradient().mul(weightDecay))) {
                    w.subi(step.mul(lr));
                }
                g.subi(g);
            }
            i++;
        }
    }

    /** The state (moments and update count) as bytes. */
    public byte[] encode() {
        NDList all = new NDList();
        all.add(manager.create(new int[] {updates}));
        if (m != null) {
            all.addAll(m);
            all.addAll(v);
        }
        return all.encode();
    }

    /** Restores a state written by {@link #encode()}. */
    public void decode(byte[] bytes) {
        NDList all = NDList.decode(manager, bytes);
        updates = all.get(0).toIntArray()[0];
        int n = (all.size() - 1) / 2;
        if (n > 0) {
            m = new NDList();
            v = new NDList();
            for (int i = 0; i < n; i++) {
                m.add(all.get(1 + i));
                v.add(all.get(1 + n + i));
            }
        }
    }
}
