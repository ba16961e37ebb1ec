package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives a {@link LatentRefiner}: initialise, then {@code steps} updates, stopping cleanly at the first update that
 * makes a latent non-finite (the result then holds the last finite latents and says so).
 */
public final class Refinement {
    private Refinement() {}

    /** Why a run ended. */
    public enum Stop {
        /** All steps ran. */
        COMPLETED,
        /** An update produced NaN or infinity; the latents before it are returned. */
        NON_FINITE
    }

    /**
     * The outcome of a run.
     *
     * @param initialLatents the starting latents (in the caller's manager)
     * @param finalLatents the last finite latents (in the caller's manager)
     * @param history one record per step that was kept
     * @param stop why the run ended
     * @param message a sentence for reports
     */
    public record Result(NDArray initialLatents, NDArray finalLatents, List<FlowStep> history, Stop stop,
                         String message) {}

    /** Runs {@code steps} updates from {@code z0}; results live in {@code out}. */
    public static Result run(LatentRefiner refiner, NDArray z0, int steps, NDManager out, Consumer<FlowStep> listener) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        NDArray initial = z0.stopGradient().duplicate();
        initial.attach(out);
        refiner.initialise(z0);
        NDArray lastFinite = refiner.latents().duplicate();
        lastFinite.attach(out);
        List<FlowStep> history = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            FlowStep s = refiner.step();
            NDArray z = refiner.latents();
            if (!allFinite(z)) {
                return new Result(initial, lastFinite, history, Stop.NON_FINITE, refiner.name() + ": step " + t
                        + " produced non-finite latents; stopped and kept the latents after " + t + " steps");
            }
            lastFinite.close();
            lastFinite = z.duplicate();
            lastFinite.attach(out);
            history.add(s);
            if (listener != null) {
                listener.accept(s);
            }
        }
        return new Result(initial, lastFinite, history, Stop.COMPLETED, refiner.name() + ": " + steps + " steps");
    }

    /** Whether every value of {@code a} is finite (the float64 copy is freed before returning). */
    static boolean allFinite(NDArray a) {
        try (NDArray d = a.toType(DataType.FLOAT64, true)) {
            for (double v : d.toDoubleArray()) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }
}
