package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import java.util.List;

/**
 * Adam and AdamW (Kingma and Ba 2015; Loshchilov and Hutter 2019), the kit's one Adam, whose state can be saved so
 * that a resumed run continues exactly. For gradient g of array w at update k = 1, 2, …:
 * <pre>
 *   m ← b1 m + (1 − b1) g;  v ← b2 v + (1 − b2) g²;  m̂ = m/(1 − b1^k);  v̂ = v/(1 − b2^k)
 *   {@link BiasCorrection#MOMENTS}:    w ← w − lr·( m̂/(sqrt(v̂) + eps) + wd·w )
 *   {@link BiasCorrection#STEP_SIZE}:  w ← w − lr·wd·w;  w ← w − lr_k·m/(sqrt(v) + eps),  lr_k = lr·sqrt(1 − b2^k)/(1 − b1^k)
 * </pre>
 * MOMENTS (the default) is PyTorch's form, computed with NDArray operations; STEP_SIZE is Kingma and Ba's "more
 * efficient" ordering (the two differ only in where eps enters: eps·sqrt(1 − b2^k) instead of eps), the one DJL's
 * {@code Adam} computes, and it is computed the way DJL's {@code Adam} computes it — the same call to the engine's
 * fused Adam kernel with float32 coefficients — so a training recipe made with DJL's optimizer is reproduced bit for
 * bit (its moments are this class's, so unlike DJL's they are saved and restored). Weight decay
 * wd = 0 is Adam ({@link #adam}). Defaults b1 = {@value #BETA1}, b2 = {@value #BETA2}, eps = {@value #EPS}
 * (PyTorch's). The coefficients are formed in double from the betas as given (a float beta such as
 * {@code 0.9f} keeps its float value, so 1 − b1 is then the float32 difference) and applied as scalars of the
 * array's type (float32 or float64). The moments live in the manager given at construction; every per-step
 * temporary lives in a sub-manager closed before {@link #step} returns.
 *
 * <p>Two entry points share the update: {@link #step(ParameterList, float)} for a block's parameters (those with a
 * gradient, in the block's order; the gradients are zeroed afterwards) and {@link #step(List, List, double)} for
 * plain arrays (e.g. the latents of noise alignment).
 */
public final class AdamW extends InPlaceOptimizer {
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPS = 1e-8f;

    /** Where the bias correction is applied; see the class comment. */
    public enum BiasCorrection {
        /** m̂/(sqrt(v̂) + eps): PyTorch's Adam and AdamW. */
        MOMENTS,
        /** lr·sqrt(1 − b2^k)/(1 − b1^k)·m/(sqrt(v) + eps): DJL's (and MXNet's) Adam. */
        STEP_SIZE
    }

    private final double weightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final BiasCorrection correction;
    private NDList m;
    private NDList v;
    private int updates;

    /** AdamW with decoupled weight decay {@code weightDecay} and the default betas; its state lives in {@code manager}. */
    public AdamW(NDManager manager, float weightDecay) {
        this(manager, weightDecay, BETA1, BETA2, EPS, BiasCorrection.MOMENTS);
    }

    /** AdamW with every setting given; its state lives in {@code manager}. */
    public AdamW(NDManager manager, double weightDecay, double beta1, double beta2, double eps,
                 BiasCorrection correction) {
        super(manager);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW needs 0 <= beta < 1, eps >= 0 and weight decay >= 0, got beta1 "
                    + beta1 + ", beta2 " + beta2 + ", eps " + eps + ", weight decay " + weightDecay);
        }
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.correction = correction;
    }

    /** Adam: AdamW without weight decay, default betas. */
    public static AdamW adam(NDManager manager) {
        return new AdamW(manager, 0f);
    }

    /** Adam with the given betas, eps and bias-correction form. */
    public static AdamW adam(NDManager manager, double beta1, double beta2, double eps, BiasCorrection correction) {
        return new AdamW(manager, 0, beta1, beta2, eps, correction);
    }

    /** Updates done so far (k of the last update). */
    public int updates() {
        return updates;
    }

    @Override
    protected void update(NDManager sub, List<NDArray> weights, List<NDArray> grads, double lr) {
        if (m == null) {
            m = new NDList();
            v = new NDList();
            for (NDArray w : weights) {
                m.add(manager.zeros(w.getShape(), w.getDataType()));
                v.add(manager.zeros(w.getShape(), w.getDataType()));
            }
        } else if (m.size() != weights.size()) {
            throw new IllegalStateException("AdamW holds moments for " + m.size() + " arrays, got " + weights.size());
        }
        updates++;
        double c1 = 1 - Math.pow(beta1, updates);
        double c2 = 1 - Math.pow(beta2, updates);
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            NDArray g = grads.get(i);
            NDArray mi = m.get(i);
            NDArray vi = v.get(i);
            if (correction == BiasCorrection.MOMENTS) {
                mi.muli(Scalars.of(mi, beta1)).addi(Scoped.in(sub, g.mul(Scalars.of(g, 1 - beta1))));
                vi.muli(Scalars.of(vi, beta2)).addi(Scoped.in(sub, Scoped.in(sub, g.square())
                        .mul(Scalars.of(g, 1 - beta2))));
                NDArray step;
                step = Scoped.in(sub, mi.div(Scalars.of(mi, c1))).div(
                        Scoped.in(sub, vi.div(Scalars.of(vi, c2))).sqrt().add(Scalars.of(vi, eps)));
                if (weightDecay != 0) {
                    step = step.add(Scoped.in(sub, w.stopGradient()).mul(Scalars.of(w, weightDecay)));
                }
                w.subi(step.mul(Scalars.of(step, lr)));
            } else {
                // DJL's Adam hands exactly this to the engine's fused Adam kernel (no rescaling, no clipping): the
                // same call keeps a run that DJL's optimizer made reproducible bit for bit; weight decay, if any, is
                // the kernel's decoupled form
                float lrK = (float) (lr * Math.sqrt(c2) / c1);
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, mi, vi), new NDList(w), (float) lr, lrK,
                        (float) weightDecay, 1f, -1f, (float) beta1, (float) beta2, (float) eps, true,
                        weightDecay != 0);
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
