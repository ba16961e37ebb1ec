package io.genalign.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.genalign.core.flow.RefineMethod;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.flow.Refinement;
import io.genalign.core.model.ModelSet;

/**
 * The refinement of one {@code genalign batch --method refine} task, through the same {@link RefineSession} as
 * {@code genalign refine} (which is package-private; this class is its public door for the batch runners).
 *
 * <p>Refinement draws its initial latents and some methods' noise (gmi's mollifier, ddls, dgflow, dot) from the
 * engine's random generator, which is one per process. To keep a task's result independent of what other threads
 * do, every refinement in the process runs under one lock, with the generator seeded from the task's seed: refine
 * tasks of one JVM therefore run one at a time (align and sample tasks draw their noise in Java and run in
 * parallel).
 */
public final class BatchRefine {
    private static final Object ENGINE_RNG = new Object();

    private BatchRefine() {}

    /**
     * What a refinement produced, in the caller's manager.
     *
     * @param initialLatents the starting latents (particles, latent shape)
     * @param finalLatents   the last finite latents
     * @param initialImages  G(initial latents)
     * @param finalImages    G(final latents)
     * @param steps          steps kept
     * @param stop           COMPLETED or NON_FINITE
     * @param message        a sentence for reports
     */
    public record Outcome(NDArray initialLatents, NDArray finalLatents, NDArray initialImages, NDArray finalImages,
                          int steps, String stop, String message) {}

    /** Refines {@code particles} particles of {@code prompt} with {@code method} for {@code steps} steps. */
    public static Outcome run(NDManager out, ModelSet set, String method, int steps, String prompt, int particles,
                              long seed) {
        RefineMethod m = RefineMethod.parse(method);
        RefineOptions o = RefineOptions.builder().optSteps(steps).build();
        synchronized (ENGINE_RNG) {
            try (RefineSession s = new RefineSession(out, set)) {
                if (m.isParticleFlow()) {
                    s.half(prompt); // loads what the session reads first (loading may draw from the generator) ...
                }
                Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32))); // ... then seeds it
                RefineSession.BatchResult r = s.refine(out, m, o, prompt, particles, seed, null, null);
                Refinement.Result res = r.refinement();
                return new Outcome(res.initialLatents(), res.finalLatents(), r.initialImages(), r.finalImages(),
                        res.history().size(), res.stop().name(), res.message());
            }
        }
    }

    /** Whether {@code method} names a refinement method (a one-line error listing them otherwise). */
    public static String check(String method) {
        return RefineMethod.parse(method).cliName();
    }
}
