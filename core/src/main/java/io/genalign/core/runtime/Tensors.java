package io.genalign.core.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Small tensor helpers shared by every package; the only way genalign code creates a base manager. */
public final class Tensors {
    private Tensors() {}

    /** A new base manager on the bootstrap's device; makes sure the engine is offline first. */
    public static NDManager newManager() {
        EngineBootstrap.ensureOffline();
        return NDManager.newBaseManager(EngineBootstrap.device());
    }

    /** A scalar of the array's own floating type (a Java double would promote float32 to float64). */
    public static NDArray scalar(NDArray like, double value) {
        NDManager m = like.getManager();
        return like.getDataType() == DataType.FLOAT64 ? m.create(value) : m.create((float) value);
    }

    /**
     * The values of {@code a} as Java doubles, with one host copy: float32 is widened on the host (exact), float64
     * read as is, any other type converted to float64 in a temporary that is freed at once. {@code a} is not
     * changed, and no autograd graph is recorded.
     */
    public static double[] toDoubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            float[] f = a.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        try (NDArray d = a.stopGradient().toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    /** True for FLOAT32 and FLOAT64, the two types genalign's math accepts. */
    public static boolean isSupportedFloat(DataType type) {
        return type == DataType.FLOAT32 || type == DataType.FLOAT64;
    }
}
