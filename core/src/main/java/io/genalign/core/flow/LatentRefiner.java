package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;

/**
 * A test-time refiner of a frozen generator's latents: the particle flow (GMI, KRR, KDE, Stein) and the baselines
 * (DDLS, DOT, DGflow) behind one interface, so any can be swapped in.
 *
 * <p>Lifecycle: {@link #initialise} with the starting latents (N, latent...) — the refiner copies them and does its
 * one-off work (real-sample features, DOT's Lipschitz constant) — then {@link #step} any number of times, reading
 * {@link #latents()} between steps, then {@link #close()}. {@link Refinement#run} drives it and stops cleanly on a
 * non-finite update. Not thread-safe.
 */
public interface LatentRefiner extends AutoCloseable {
    /** Short stable name. */
    String name();

    /** Starts from a copy of {@code latents}. */
    void initialise(NDArray latents);

    /** One update of every particle; returns its figures. */
    FlowStep step();

    /** The current latents (owned by the refiner: copy them to keep them past the next step). */
    NDArray latents();

    @Override
    void close();
}
