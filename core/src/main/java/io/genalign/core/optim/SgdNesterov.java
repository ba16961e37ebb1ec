package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import java.util.List;

/**
 * Stochastic gradient descent with Nesterov momentum (PyTorch's form). For gradient g of array w:
 * <pre>
 *   b ← μ b + g;   w ← w − lr·(g + μ b)
 * </pre>
 * with b = 0 before the first update; μ and lr are applied as scalars of the array's type (float32 or float64).
 * Two entry points share the update: {@link #step(ParameterList, float)} over a block's parameters that have a
 * gradient (in the block's order; gradients zeroed afterwards) and {@link #step(List, List, double)} on plain
 * arrays. The momentum buffers live in the manager given at construction; the temporaries in a sub-manager closed
 * within the step.
 */
public final class SgdNesterov extends InPlaceOptimizer {
    private final double momentum;
    private NDList buffers;

    /** Nesterov SGD with momentum μ = {@code momentum}; its buffers live in {@code manager}. */
    public SgdNesterov(NDManager manager, double momentum) {
        super(manager);
        this.momentum = momentum;
    }

    @Override
    protected void update(NDManager sub, List<NDArray> weights, List<NDArray> grads, double lr) {
        if (buffers == null) {
            buffers = new NDList();
            for (NDArray w : weights) {
                buffers.add(manager.zeros(w.getShape(), w.getDataType()));
            }
        } else if (buffers.size() != weights.size()) {
            throw new IllegalStateException("SgdNesterov holds buffers for " + buffers.size() + " arrays, got "
                    + weights.size());
        }
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            NDArray g = grads.get(i);
            NDArray b = buffers.get(i);
            b.muli(Scalars.of(b, momentum)).addi(g);
            NDArray step = Scoped.in(sub, g.add(Scoped.in(sub, b.mul(Scalars.of(b, momentum)))));
            w.subi(Scoped.in(sub, step.mul(Scalars.of(step, lr))));
        }
    }
}
