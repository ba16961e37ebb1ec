package io.genalign.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;

/** Converts and validates (B, F) feature or probability matrices for the eval package. */
final class FeatureRows {
    private FeatureRows() {}

    /** A (B, F) float array as float64 rows; any other rank throws. */
    static double[][] fromArray(NDArray array, String what) {
        Objects.requireNonNull(array, what);
        if (array.getShape().dimension() != 2) {
            throw new IllegalArgumentException(what + " must have shape (B, F), got " + array.getShape());
        }
        if (!array.getDataType().isFloating()) {
            throw new IllegalArgumentException(what + " must be float32 or float64, got " + array.getDataType());
        }
        int b = Math.toIntExact(array.getShape().get(0));
        int f = Math.toIntExact(array.getShape().get(1));
        double[] flat;
        try (NDArray d = array.stopGradient().toType(DataType.FLOAT64, true)) {
            flat = d.toDoubleArray();
        }
        double[][] rows = new double[b][f];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * f, rows[i], 0, f);
        }
        return rows;
    }

    /** Checks a non-empty rectangular finite matrix and returns its column count. */
    static int requireRectangularFinite(double[][] rows, String what) {
        Objects.requireNonNull(rows, what);
        if (rows.length == 0) {
            throw new IllegalArgumentException(what + " is empty (0 rows)");
        }
        int f = -1;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new IllegalArgumentException(what + " row " + i + " is null");
            }
            if (f < 0) {
                f = rows[i].length;
            } else if (rows[i].length != f) {
                throw new IllegalArgumentException(what + " is ragged: row " + i + " has " + rows[i].length
                        + " entries, row 0 has " + f);
            }
            for (int j = 0; j < f; j++) {
                double x = rows[i][j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException(what + " has a non-finite value " + x + " at row " + i
                            + ", column " + j);
                }
            }
        }
        if (f == 0) {
            throw new IllegalArgumentException(what + " has 0 columns");
        }
        return f;
    }
}
