package io.genalign.zoo.train;

import io.genalign.zoo.ZooModels;

/**
 * Settings of one zoo training run, with their defaults per model (the values used for the shipped weights).
 *
 * @param steps           optimisation steps
 * @param batchSize       images per step
 * @param learningRate    Adam's learning rate
 * @param beta1           Adam's beta1
 * @param seed            seed of initialisation, data order and noise
 * @param trainFrom       first training-set index used (inclusive)
 * @param trainTo         last training-set index used (exclusive)
 * @param checkpointEvery steps between checkpoints
 */
public record TrainOptions(int steps, int batchSize, float learningRate, float beta1, long seed, int trainFrom,
                           int trainTo, int checkpointEvery) {

    /** The defaults of {@code model} (see ZooModels). */
    public static TrainOptions defaults(String model) {
        switch (ZooModels.require(model)) {
            case ZooModels.CLASSIFIER_A:
                return new TrainOptions(1600, 128, 1e-3f, 0.9f, 101, 0, 50_000, 200);
            case ZooModels.CLASSIFIER_B:
                return new TrainOptions(1600, 128, 1e-3f, 0.9f, 202, 10_000, 60_000, 200);
            case ZooModels.FEATURE_NET:
                return new TrainOptions(1600, 128, 1e-3f, 0.9f, 303, 0, 60_000, 200);
            case ZooModels.DIFFUSION:
                return new TrainOptions(2200, 48, 1e-3f, 0.9f, 505, 0, 60_000, 200);
            default:
                return new TrainOptions(7000, 32, 2e-4f, 0.5f, 404, 0, 60_000, 250);
        }
    }

    public TrainOptions withSteps(int s) {
        return new TrainOptions(s, batchSize, learningRate, beta1, seed, trainFrom, trainTo, checkpointEvery);
    }

    /** These options with Adam's learning rate {@code lr} (e.g. a lower rate to train a model further). */
    public TrainOptions withLearningRate(float lr) {
        if (!(lr > 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("--lr must be a positive finite number, got " + lr);
        }
        return new TrainOptions(steps, batchSize, lr, beta1, seed, trainFrom, trainTo, checkpointEvery);
    }

    public TrainOptions withCheckpointEvery(int c) {
        return new TrainOptions(steps, batchSize, learningRate, beta1, seed, trainFrom, trainTo, c);
    }
}
