package io.genalign.zoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.genalign.zoo.ZooModels;
import io.genalign.zoo.arch.Architectures;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classifier A, classifier B and the feature network: one block (the part named as the model), cross-entropy of
 * its logits against the labels, one Adam step per batch.
 */
final class ClassifierRecipe implements TrainingRecipe {
    private final String model;

    ClassifierRecipe(String model) {
        this.model = model;
    }

    @Override
    public Map<String, Block> build(NDManager manager, int batchSize) {
        Block c = switch (model) {
            case ZooModels.CLASSIFIER_A -> Architectures.classifierA();
            case ZooModels.CLASSIFIER_B -> Architectures.classifierB();
            default -> Architectures.featureNet();
        };
        c.initialize(manager, DataType.FLOAT32, new Shape(batchSize, 1, 28, 28));
        Map<String, Block> parts = new LinkedHashMap<>();
        parts.put(model, c);
        return parts;
    }

    @Override
    public Map<String, Double> step(StepContext c) {
        Block block = c.parts().get(model);
        Batches.Batch batch = c.batch();
        return TrainingSteps.minimiseOnce(block, c.optimizers().get(model), () -> {
            NDArray logits = block.forward(c.parameterStore(), new NDList(batch.images()), true).get(0);
            return TrainingSteps.crossEntropy(logits,
                    batch.labels().oneHot(Architectures.CLASSES).toType(logits.getDataType(), false));
        });
    }
}
