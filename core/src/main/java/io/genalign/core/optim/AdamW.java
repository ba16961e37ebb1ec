package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;

/**
 * AdamW (Loshchilov and Hutter 2019), float32, whose state can be saved so that a resumed run continues exactly.
 * For gradient g of weight w at update k = 1, 2, …:
 * <pre>
 *   m ← b1 m + (1 − b1) g;  v ← b2 v + (1 − b2) g²;  m̂ = m/(1 − b1^k);  v̂ = v/(1 − b2^k)
 *   w ← w − lr·( m̂/(sqrt(v̂) + eps) + wd·w )
 * </pre>
 * with b1 = {@value #BETA1}, b2 = {@value #BETA2}, eps = {@value #EPS} (PyTorch's defaults; 1 − b computed in
 * float32), over the parameters that have a gradient, in the block's parameter order. Weight decay wd = 0 is
 * Adam ({@link #adam}). The moments live in the manager given at construction; every per-step temporary lives in
 * a sub-manager closed before {@link #step} returns.
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

    /** AdamW with decoupled weight decay {@code weightDecay}; its state lives in {@code manager}. */
    public AdamW(NDManager manager, float weightDecay) {
        this.manager = manager;
        this.weightDecay = weightDecay;
    }

    /** Adam: AdamW without weight decay. */
    public static AdamW adam(NDManager manager) {
        return new AdamW(manager, 0f);
    }

    /** Updates done so far (k of the last update). */
    public int updates() {
        return updates;
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
        try (NDManager sub = manager.newSubManager()) {
            int i = 0;
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                if (!w.hasGradient()) {
                    continue;
                }
                NDArray g = Scoped.in(sub, w.getGradient());
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.muli(BETA1).addi(g.mul(1 - BETA1));
                vi.muli(BETA2).addi(g.square().mul(1 - BETA2));
                NDArray step = Scoped.in(sub, mi.div(c1)).div(Scoped.in(sub, vi.div(c2)).sqrt().add(EPS));
                if (weightDecay != 0) {
                    step = step.add(Scoped.in(sub, w.stopGradient()).mul(weightDecay));
                }
                w.subi(step.mul(lr));
                g.subi(g);
                i++;
            }
        }
    }

    /** The state (moments and update count) as bytes. */
    public byte[] encode() {
        try (NDManager sub = manager.newSubManager()) {
            NDList all = new NDList();
            all.add(sub.create(new int[] {updates}));
            if (m != null) {
                all.addAll(m);
                all.addAll(v);
            }
            return all.encode();
        }
    }

    /** Restores a state written by {@link #encode()}. */
    public void decode(byte[] bytes) {
        NDList all = NDList.decode(manager, bytes);
        updates = all.get(0).toIntArray()[0];
        all.get(0).close();
        int n = (all.size() - 1) / 2;
        if (m != null) {
            m.close();
            v.close();
            m = null;
            v = null;
        }
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
