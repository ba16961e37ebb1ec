package io.genalign.zoo.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import io.genalign.core.model.Condition;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.zoo.diffusion.NoiseSchedule;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An epsilon-prediction network (x_t, t, condition) → eps that {@link DiffusionDpoTrainer} fine-tunes: the
 * built-in UNet ({@link BuiltinEpsilon}) or a model folder's TorchScript network ({@link FolderEpsilon}).
 */
public interface EpsilonModel extends AutoCloseable {
    /**
     * eps_hat for x_t (B, C, H, W), one timestep and one condition entry per sample.
     *
     * @param training whether the call is part of a training step (gradients to the parameters wanted)
     */
    NDArray predict(ParameterStore ps, NDArray x, int[] t, Condition condition, boolean training);

    /** The trainable parameters (empty gradients when frozen). */
    ParameterList parameters();

    @Override
    void close();

    /** How the trainer loads, checks and saves one kind of network. */
    interface Family {
        /** The forward process the network was trained with. */
        NoiseSchedule schedule();

        /**
         * Loads the network: the base weights when {@code file} is null, else a file {@link #save} wrote; with
         * trainable parameters or frozen.
         */
        EpsilonModel load(NDManager manager, Path file, boolean trainable) throws IOException;

        /** Writes {@code model}'s weights to {@code file} (a format {@link #load} reads back). */
        void save(EpsilonModel model, Path file) throws IOException;

        /** The file name of the fine-tuned weights, e.g. {@code policy.params} or {@code policy.pt}. */
        String weightsFileName();

        /** A one-line problem with a pair for this network (e.g. an unknown class), or null. */
        String problem(PreferencePairs.Pair pair);
    }
}
