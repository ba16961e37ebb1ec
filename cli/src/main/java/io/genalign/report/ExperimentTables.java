package io.genalign.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.genalign.core.eval.Statistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Cells and sample picks the experiment reports share; every interval comes from {@link Statistics}. */
public final class ExperimentTables {
    private ExperimentTables() {}

    /** Mean ± the Student-t 95% half-width ({@link Statistics#studentT95}), 3 decimals. */
    public static String studentT95(List<Double> v) {
        return Statistics.studentT95(v).format(3);
    }

    /** Mean ± the normal-approximation 95% half-width ({@link Statistics#normal95}), 4 decimals. */
    public static String normal95(List<Double> v) {
        Statistics.Interval mc = Statistics.normal95(v);
        return String.format(Locale.ROOT, "%.4f ± %.4f", mc.mean(), mc.halfWidth());
    }

    /** Rows of a sample grid: seed s of every class, for the first (at most) three seeds. */
    public static NDArray pickGrid(List<NDArray> perClass, int seeds) {
        List<NDArray> picks = new ArrayList<>();
        for (int s = 0; s < Math.min(3, seeds); s++) {
            for (NDArray a : perClass) {
                picks.add(a.get(s + ":" + (s + 1)));
            }
        }
        return NDArrays.concat(new NDList(picks.toArray(new NDArray[0])), 0);
    }
}
