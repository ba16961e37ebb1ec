package io.genalign.zoo.preference;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.genalign.core.model.Condition;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.diffusion.Diffusion;
import io.genalign.zoo.diffusion.DiffusionUNet;
import io.genalign.zoo.diffusion.NoiseSchedule;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;

/** The zoo's class-conditional UNet as an {@link EpsilonModel} (conditions: the class ids, 0..9). */
public final class BuiltinEpsilon implements EpsilonModel {
    private final Block unet;

    BuiltinEpsilon(Block unet) {
        this.unet = unet;
    }

    /** The UNet (tests). */
    public Block block() {
        return unet;
    }

    @Override
    public NDArray predict(ParameterStore ps, NDArray x, int[] t, Condition condition, boolean training) {
        NDArray cond = Diffusion.conditions(x.getManager(), condition.classIds(), x.getDataType());
        return Diffusion.predict(ps, unet, x, t, cond, training);
    }

    @Override
    public ParameterList parameters() {
        return unet.getParameters();
    }

    @Override
    public void close() {
        // the parameters live in the trainer's manager
    }

    /** The family of the zoo UNet starting from {@code baseWeights} (a DJL parameter file's bytes). */
    public static Family family(byte[] baseWeights) {
        return new Family() {
            @Override
            public NoiseSchedule schedule() {
                return Diffusion.schedule();
            }

            @Override
            public EpsilonModel load(NDManager manager, Path file, boolean trainable) throws IOException {
                Block b = loadBlock(manager, baseWeights, trainable);
                if (file != null) {
                    BlockParameters.load(b, manager, file);
                    if (trainable) {
                        enableGradients(b);
                    }
                }
                return new BuiltinEpsilon(b);
            }

            @Override
            public void save(EpsilonModel model, Path file) throws IOException {
                BlockParameters.save(((BuiltinEpsilon) model).unet, file);
            }

            @Override
            public String weightsFileName() {
                return "policy.params";
            }

            @Override
            public String problem(PreferencePairs.Pair p) {
                return p.classId() >= 0 && p.classId() < DiffusionUNet.NULL_CLASS ? null : "pair at line " + p.line()
                        + " has class " + p.classId() + "; the diffusion model knows classes 0..9";
            }
        };
    }

    /** A UNet from weight bytes; trainable (gradients on) or frozen. */
    static Block loadBlock(NDManager manager, byte[] weights, boolean trainable) throws IOException {
        Block b = Diffusion.newUNet();
        b.initialize(manager, DataType.FLOAT32, Diffusion.inputShapes(1));
        try {
            b.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(weights)));
        } catch (MalformedModelException e) {
            throw new IOException("the base weights are not the zoo diffusion model's: " + e.getMessage(), e);
        }
        if (trainable) {
            enableGradients(b);
        } else {
            b.freezeParameters(true);
        }
        return b;
    }

    static void enableGradients(Block b) {
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }
}
