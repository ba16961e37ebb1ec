package io.genalign.zoo;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** A loaded zoo block in inference mode (frozen parameters, BatchNorm running statistics), with its manager. */
final class ZooBlock implements AutoCloseable {
    private final Block block;
    private final NDManager manager;
    private final ParameterStore store;

    ZooBlock(Block block, NDManager manager) {
        this.block = block;
        this.manager = manager;
        this.store = new ParameterStore(manager, false);
        block.freezeParameters(true);
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
