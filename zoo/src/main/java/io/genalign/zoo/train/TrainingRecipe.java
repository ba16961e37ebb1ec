package io.genalign.zoo.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.genalign.zoo.ZooModels;
import java.util.Map;

/**
 * How one model family is trained: which blocks it has, how each is optimised, and one training step. The
 * driver ({@link ZooTrainer}) owns everything else — work folder, checkpoints, resume, data order, engine seed,
 * history and outputs — and picks the recipe by model name ({@link #forModel}).
 *
 * <p>Implementations: {@link ClassifierRecipe} (classifier A, classifier B, feature net), {@link GanRecipe},
 * {@link DiffusionRecipe}.
 */
interface TrainingRecipe {

    /** What one step sees; its temporaries belong to {@code manager}, which the driver closes after the step. */
    record StepContext(NDManager manager, ParameterStore parameterStore, Map<String, Block> parts,
                       Map<String, PartOptimizer> optimizers, Batches.Batch batch, int step, TrainOptions options) {}

    /**
     * The model's blocks, initialised in {@code manager} for batches of {@code batchSize}, keyed by part name (each
     * is saved as {@code <part>.params}), in the order the weight files are written.
     */
    Map<String, Block> build(NDManager manager, int batchSize);

    /** Whether the optimiser trains {@code part} (false for a copy kept alongside, e.g. an average of weights). */
    default boolean trained(String part) {
        return true;
    }

    /** Adam's learning rate for the trained {@code part}. */
    default float learningRate(String part, TrainOptions o) {
        return o.learningRate();
    }

    /** One optimisation step; returns the losses by name (the columns of {@code losses.csv}). */
    Map<String, Double> step(StepContext c);

    /** The recipe of {@code model} (one of {@link ZooModels#ALL}). */
    static TrainingRecipe forModel(String model) {
        return switch (ZooModels.require(model)) {
            case ZooModels.GAN -> new GanRecipe();
            case ZooModels.DIFFUSION -> new DiffusionRecipe();
            default -> new ClassifierRecipe(model);
        };
    }
}
