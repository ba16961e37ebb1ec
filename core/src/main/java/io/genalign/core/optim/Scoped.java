package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Moves a freshly made temporary into a step's sub-manager: DJL puts an operation's result in the manager of its
 * input, so the first temporary made from a long-lived array (a parameter, an optimizer moment) is attached to the
 * step's manager, and every result computed from it then lands there too.
 */
final class Scoped {
    private Scoped() {}

    static NDArray in(NDManager sub, NDArray fresh) {
        fresh.attach(sub);
        return fresh;
    }
}
