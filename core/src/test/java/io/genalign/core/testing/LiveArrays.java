package io.genalign.core.testing;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.reflect.Field;
import java.util.Map;

/** Counts the arrays a manager and its sub-managers hold: the live-array checks of the scoping tests. */
public final class LiveArrays {
    private LiveArrays() {}

    /** The NDArrays attached to {@code manager} or any of its open sub-managers. */
    public static int count(NDManager manager) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            int n = 0;
            for (Object r : ((Map<?, ?>) f.get(manager)).values()) {
                if (r instanceof NDManager m) {
                    n += count(m);
                } else if (r instanceof NDArray) {
                    n++;
                }
            }
            return n;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the manager's resources", e);
        }
    }
}
