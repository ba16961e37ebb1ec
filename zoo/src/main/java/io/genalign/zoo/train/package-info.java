/**
 * Training the built-in models ({@code genalign zoo train MODEL}). Start at {@link io.genalign.zoo.train.ZooTrainer},
 * the driver: work folder ({@link io.genalign.zoo.train.WorkFolder}), checkpoints
 * ({@link io.genalign.zoo.train.CheckpointStore}, shared with preference fine-tuning), resume, seeded batches and
 * the loss history ({@link io.genalign.zoo.train.LossHistory}). What differs per model family is a
 * {@code TrainingRecipe}: {@code ClassifierRecipe}, {@link io.genalign.zoo.train.GanRecipe},
 * {@code DiffusionRecipe}.
 *
 * <p>Invariants: a step depends only on the seed and the step number, and the optimizer is core's Adam whose state is
 * checkpointed ({@code PartOptimizer}), so resumed runs equal uninterrupted ones byte for byte; per-step temporaries live in a sub-manager closed after the step. Inference code never
 * imports this package: parameter files are read and written by {@link io.genalign.zoo.arch.BlockParameters};
 * plots are drawn by the report layer (a {@link io.genalign.zoo.train.LossHistory.Plotter}).
 */
package io.genalign.zoo.train;
