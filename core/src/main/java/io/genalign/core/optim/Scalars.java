package io.genalign.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** A coefficient as a scalar of an array's type: a Java double would promote a float32 array to float64. */
final class Scalars {
    private Scalars() {}

    static Number of(NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }
}
