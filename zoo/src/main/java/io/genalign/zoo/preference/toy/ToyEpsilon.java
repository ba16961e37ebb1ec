package io.genalign.zoo.preference.toy;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.genalign.core.model.Condition;
import io.genalign.core.preference.PreferencePairs;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.diffusion.NoiseSchedule;
import io.genalign.zoo.preference.EpsilonModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The toy's unconditional epsilon network on 2-D points: an MLP on [x_t, sinusoidal features of t] with three
 * hidden layers of {@code hidden} GELU units and a linear output of 2. An {@link EpsilonModel}, so the zoo's
 * Diffusion-DPO trainer fine-tunes it with exactly the step of the image models (points are "images" of shape (2)).
 */
public final class ToyEpsilon implements EpsilonModel {
    /** Sinusoidal time features: sin and cos at 8 frequencies. */
    public static final int TIME_FEATURES = 16;

    private final Block block;
    private final int steps;

    ToyEpsilon(Block block, int steps) {
        this.block = block;
        this.steps = steps;
    }

    /** The MLP. */
    public static Block newBlock(int hidden) {
        SequentialBlock b = new SequentialBlock();
        for (int i = 0; i < 3; i++) {
            b.add(Linear.builder().setUnits(hidden).build()).add(Activation.geluBlock());
        }
        b.add(Linear.builder().setUnits(2).build());
        return b;
    }

    /** A freshly initialised network (DJL's default initialiser, the engine's RNG seeded with {@code seed}). */
    static Block initialised(NDManager manager, int hidden, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        Block b = newBlock(hidden);
        b.initialize(manager, DataType.FLOAT32, new Shape(1, 2 + TIME_FEATURES));
        return b;
    }

    /** sin(t·w_k), cos(t·w_k) with w_k = 1000^(−k/8), k = 0..7, for each timestep: (B, 16). */
    static NDArray timeFeatures(NDManager m, int[] t) {
        int half = TIME_FEATURES / 2;
        float[] v = new float[t.length * TIME_FEATURES];
        for (int i = 0; i < t.length; i++) {
            for (int k = 0; k < half; k++) {
                double w = Math.pow(1000.0, -(double) k / half);
                v[i * TIME_FEATURES + k] = (float) Math.sin(t[i] * w);
                v[i * TIME_FEATURES + half + k] = (float) Math.cos(t[i] * w);
            }
        }
        return m.create(v, new Shape(t.length, TIME_FEATURES));
    }

    @Override
    public NDArray predict(ParameterStore ps, NDArray x, int[] t, Condition condition, boolean training) {
        NDArray in = x.reshape(x.getShape().get(0), 2).concat(timeFeatures(x.getManager(), t), 1);
        return block.forward(ps, new NDList(in), training).singletonOrThrow().reshape(x.getShape());
    }

    @Override
    public ParameterList parameters() {
        return block.getParameters();
    }

    /** The block (for saving and tests). */
    public Block block() {
        return block;
    }

    /** The T of the schedule it was made for. */
    public int scheduleSteps() {
        return steps;
    }

    @Override
    public void close() {
        // the parameters live in the caller's manager
    }

    /** The parameters as DJL parameter-file bytes. */
    static byte[] bytes(Block b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bo)) {
            b.saveParameters(out);
        }
        return bo.toByteArray();
    }

    static void enableGradients(Block b) {
        for (Pair<String, Parameter> p : b.getParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
    }

    /** A network from parameter bytes; trainable (gradients on) or frozen. */
    static Block fromBytes(NDManager manager, int hidden, byte[] weights, boolean trainable) throws IOException {
        Block b = newBlock(hidden);
        b.initialize(manager, DataType.FLOAT32, new Shape(1, 2 + TIME_FEATURES));
        try {
            b.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(weights)));
        } catch (MalformedModelException e) {
            throw new IOException("not the toy network's weights: " + e.getMessage(), e);
        }
        if (trainable) {
            enableGradients(b);
        } else {
            b.freezeParameters(true);
        }
        return b;
    }

    /** The family the DPO trainer uses: the base weights, their width and the schedule. */
    public static Family family(byte[] baseWeights, int hidden, NoiseSchedule schedule) {
        return new Family() {
            @Override
            public NoiseSchedule schedule() {
                return schedule;
            }

            @Override
            public EpsilonModel load(NDManager manager, Path file, boolean trainable) throws IOException {
                Block b = fromBytes(manager, hidden, baseWeights, trainable);
                if (file != null) {
                    BlockParameters.load(b, manager, file);
                    if (trainable) {
                        enableGradients(b);
                    }
                }
                return new ToyEpsilon(b, schedule.steps());
            }

            @Override
            public void save(EpsilonModel model, Path file) throws IOException {
                BlockParameters.save(((ToyEpsilon) model).block, file);
            }

            @Override
            public String weightsFileName() {
                return "policy.params";
            }

            @Override
            public String problem(PreferencePairs.Pair pair) {
                return pair.winner().length == 2 && pair.loser().length == 2 ? null
                        : "pair " + pair.line() + " does not hold two 2-D points";
            }
        };
    }
}
