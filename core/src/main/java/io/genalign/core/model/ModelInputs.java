package io.genalign.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.runtime.Tensors;
import java.util.Objects;

/**
 * Input checks shared by model implementations: a batch must have shape (B, perSample...) with B &ge; 1 and a
 * float32/float64 type, and a condition must have one entry per sample. Violations throw
 * {@link IllegalArgumentException} naming the input, the shape found and the shape expected.
 */
public final class ModelInputs {
    private ModelInputs() {}

    /** Checks {@code batch} against (B, perSample...) and returns B. */
    public static int requireBatch(NDArray batch, Shape perSample, String what) {
        Objects.requireNonNull(batch, what);
        Shape s = batch.getShape();
        boolean ok = s.dimension() == perSample.dimension() + 1 && s.get(0) >= 1;
        for (int i = 0; ok && i < perSample.dimension(); i++) {
            ok = s.get(i + 1) == perSample.get(i);
        }
        if (!ok) {
            throw new IllegalArgumentException(what + " must have shape (B, " + dims(perSample) + "), got " + s);
        }
        if (!Tensors.isSupportedFloat(batch.getDataType())) {
            throw new IllegalArgumentException(what + " must be float32 or float64, got " + batch.getDataType());
        }
        return Math.toIntExact(s.get(0));
    }

    /** Checks that {@code condition} has {@code batch} entries. */
    public static void requireCondition(Condition condition, int batch) {
        Objects.requireNonNull(condition, "condition");
        if (condition.batchSize() != batch) {
            throw new IllegalArgumentException("condition has " + condition.batchSize() + " entries for a batch of "
                    + batch);
        }
    }

    private static String dims(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(s.get(i));
        }
        return b.toString();
    }
}
