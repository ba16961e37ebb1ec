package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;

/**
 * Stochastic gradient descent with Nesterov momentum (PyTorch's form), float32. For gradient g of weight w:
 * <pre>
 *   b ← μ b + g;   w ← w − lr·(g + μ b)
 * </pre>
 * with b = 0 before the first update, over the parameters that have a gradient, in the block's order. The
 * momentum buffers live in the manager given at construction; the temporaries in a sub-manager closed within
 * {@link #step}.
 */
public final class SgdNesterov {
    private final NDManager manager;
    private final float momentum;
    private NDList buffers;

    /** Nesterov SGD with momentum μ = {@code momentum}; its buffers live in {@code manager}. */
    public SgdNesterov(NDManager manager, float momentum) {
        this.manager = manager;
        this.momentum = momentum;
    }

    /** One update with learning rate {@code lr}; zeroes the gradients afterwards. */
    public void step(ParameterList params, float lr) {
        if (buffers == null) {
            buffers = new NDList();
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                if (w.hasGradient()) {
                    buffers.add(manager.zeros(w.getShape(), w.getDataType()));
                }
            }
        }
        try (NDManager sub = manager.newSubManager()) {
            int i = 0;
            for (Pair<String, Parameter> p : params) {
                NDArray w = p.getValue().getArray();
                if (!w.hasGradient()) {
                    continue;
                }
                NDArray g = Scoped.in(sub, w.getGradient());
                NDArray b = buffers.get(i);
                b.muli(momentum).addi(g);
                w.subi(g.add(Scoped.in(sub, b.mul(momentum))).mul(lr));
                g.subi(g);
                i++;
            }
        }
    }
}
