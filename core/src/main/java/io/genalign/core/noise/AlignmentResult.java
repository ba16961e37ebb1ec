package io.genalign.core.noise;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The outcome of a noise optimisation. The arrays belong to the manager of the latents given to
 * {@link NoiseOptimizer#initialise(NDArray)}.
 *
 * @param initialLatents the latents at step 0, shape (B, ...)
 * @param initialImages  the generator's images at step 0, shape (B, C, H, W)
 * @param bestLatents    per seed, the iterate with the highest target reward
 * @param bestImages     the images of {@code bestLatents}
 * @param initialTarget  per seed, the target at step 0
 * @param bestTarget     per seed, the best target seen
 * @param bestStep       per seed, the step of the best target
 * @param stepsRun       how many update steps ran
 * @param stopReason     why the run stopped
 * @param message        a human-readable account of the stop (e.g. where it diverged)
 * @param history        every step's record, plus a final record of the last latents
 */
public record AlignmentResult(NDArray initialLatents, NDArray initialImages, NDArray bestLatents, NDArray bestImages,
                              double[] initialTarget, double[] bestTarget, int[] bestStep, int stepsRun,
                              StopReason stopReason, String message, List<StepRecord> history) {}
