package io.genalign.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.ModelInputs;
import io.genalign.zoo.arch.Architectures;

/**
 * A zoo classifier (classifier A, classifier B or the feature network): images (B, 1, 28, 28) in [-1, 1] to
 * ten class logits, and to the features of its penultimate layer. Float32; differentiable with respect to the
 * images; deterministic.
 */
public final class ZooClassifier implements Classifier, FeatureExtractor {
    private final String name;
    private final ZooBlock block;
    private final int featureDim;

    ZooClassifier(String name, ZooBlock block, int featureDim) {
        this.name = name;
        this.block = block;
        this.featureDim = featureDim;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape imageShape() {
        return Architectures.IMAGE;
    }

    @Override
    public int numClasses() {
        return Architectures.CLASSES;
    }

    @Override
    public int featureDim() {
        return featureDim;
    }

    @Override
    public NDArray logits(NDArray images) {
        return forward(images).get(0);
    }

    @Override
    public NDArray features(NDArray images) {
        return forward(images).get(1);
    }

    /** Log-probabilities of the ten classes, shape (B, 10). */
    public NDArray logProbs(NDArray images) {
        return logits(images).logSoftmax(1);
    }

    private NDList forward(NDArray images) {
        ModelInputs.requireBatch(images, Architectures.IMAGE, "images");
        block.requireType(images, "images");
        return block.forward(new NDList(images));
    }

    static NDArray oneHot(NDManager m, int[] classes, DataType type) {
        NDArray h = oneHot(m, classes);
        return type == DataType.FLOAT32 ? h : h.toType(type, false);
    }

    static NDArray oneHot(NDManager m, int[] classes) {
        float[] v = new float[classes.length * Architectures.CLASSES];
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= Architectures.CLASSES) {
                throw new IllegalArgumentException("class id " + classes[i] + " is outside 0..9");
            }
            v[i * Architectures.CLASSES + classes[i]] = 1f;
        }
        return m.create(v, new Shape(classes.length, Architectures.CLASSES));
    }

    /** The same classifier with float64 parameters (for verification; inputs must then be float64). */
    public ZooClassifier asFloat64() {
        return new ZooClassifier(name, block.as(DataType.FLOAT64), featureDim);
    }

    @Override
    public void close() {
        block.close();
    }
}
