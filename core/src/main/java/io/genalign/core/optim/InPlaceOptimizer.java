package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * What every update rule of the kit shares: its state lives in the manager given at construction, one step updates
 * a list of arrays in place (a block's parameters that have a gradient, or plain arrays with their gradients), and
 * every per-step temporary lives in a sub-manager closed before the step returns. Slot i of the state belongs to
 * the i-th array on every call.
 */
public abstract class InPlaceOptimizer {
    /** Where the rule's state (moments, momentum buffers) lives. */
    protected final NDManager manager;

    protected InPlaceOptimizer(NDManager manager) {
        this.manager = manager;
    }

    /** One update of the parameters that have a gradient, with learning rate {@code lr}; zeroes the gradients. */
    public final void step(ParameterList params, float lr) {
        List<NDArray> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : params) {
            NDArray w = p.getValue().getArray();
            if (w.hasGradient()) {
                weights.add(w);
            }
        }
        if (weights.isEmpty()) {
            return;
        }
        try (NDManager sub = manager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>(weights.size());
            for (NDArray w : weights) {
                grads.add(Scoped.in(sub, w.getGradient()));
            }
            update(sub, weights, grads, lr);
            for (NDArray g : grads) {
                g.subi(g);
            }
        }
    }

    /**
     * One update of the arrays {@code weights} in place (slot i is the i-th array on every call) with the gradients
     * {@code grads} (left unchanged) and learning rate {@code lr}.
     */
    public final void step(List<NDArray> weights, List<NDArray> grads, double lr) {
        if (weights.size() != grads.size()) {
            throw new IllegalArgumentException(weights.size() + " arrays but " + grads.size() + " gradients");
        }
        try (NDManager sub = manager.newSubManager()) {
            update(sub, weights, grads, lr);
        }
    }

    /** The rule itself: updates {@code weights} in place; temporaries go to {@code sub}, state to {@link #manager}. */
    protected abstract void update(NDManager sub, List<NDArray> weights, List<NDArray> grads, double lr);
}
