package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.DoubleBuffer;
import java.util.Locale;
import java.util.function.Supplier;

/** A loaded zoo block in inference mode (frozen parameters, BatchNorm running statistics), with its manager. */
final class ZooBlock implements AutoCloseable {
    private final Block block;
    private final NDManager manager;
    private final ParameterStore store;
    private final DataType dataType;

    private final Supplier<Block> factory;
    private final Shape[] inputShapes;

    /**
     * @param block       the loaded block (float32)
     * @param manager     the manager that owns its parameters
     * @param factory     builds a fresh, uninitialised block of the same architecture
     * @param inputShapes the input shapes used to initialise it
     */
    ZooBlock(Block block, NDManager manager, Supplier<Block> factory,
             Shape... inputShapes) {
        this(block, manager, DataType.FLOAT32, factory, inputShapes);
    }

    private ZooBlock(Block block, NDManager manager, DataType dataType,
                     Supplier<Block> factory, Shape... inputShapes) {
        this.block = block;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        this.dataType = dataType;
        this.factory = factory;
        this.inputShapes = inputShapes;
        block.freezeParameters(true);
    }

    /**
     * This block's parameters cast to {@code type} (float64 is for verification: finite-difference checks of
     * the ReLU networks need double precision and tiny steps). Float32 returns this block.
     */
    ZooBlock as(DataType type) {
        if (type == dataType) {
            return this;
        }
        // DJL's Block.cast is not implemented: build the architecture again in the new type and copy the values
        Block copy = factory.get();
        NDManager m = manager.newSubManager();
        copy.initialize(m, type, inputShapes);
        var src = block.getParameters();
        var dst = copy.getParameters();
        for (int i = 0; i < src.size(); i++) {
            double[] v = src.get(i).getValue().getArray().toType(DataType.FLOAT64, false)
                    .toDoubleArray();
            dst.get(i).getValue().getArray().set(DoubleBuffer.wrap(v));
        }
        return new ZooBlock(copy, m, type, factory, inputShapes);
    }

    /** The type inputs must have. */
    DataType dataType() {
        return dataType;
    }

    /** Throws a clear IllegalArgumentException when {@code a} is not of this block's type. */
    void requireType(NDArray a, String what) {
        if (a.getDataType() != dataType) {
            throw new IllegalArgumentException("this built-in model runs in " + dataType.name().toLowerCase(
                    Locale.ROOT) + "; " + what + " are " + a.getDataType()
                    + " (cast before they enter the graph)");
        }
    }

    /** Forward in inference mode; differentiable with respect to the inputs. */
    NDList forward(NDList inputs) {
        return block.forward(store, inputs, false);
    }

    Block block() {
        return block;
    }

    @Override
    public void close() {
        manager.close();
    }
}
