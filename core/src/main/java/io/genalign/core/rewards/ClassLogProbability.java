package io.genalign.core.rewards;

import ai.djl.ndarray.NDArray;
import io.genalign.core.model.Classifier;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ModelInputs;
import io.genalign.core.model.Reward;

/**
 * r(x, c) = log p(c | x) = logit_c(x) − logsumexp_k logit_k(x) under a classifier: how surely the classifier
 * sees the requested class. At most 0; differentiable with respect to the images.
 */
public final class ClassLogProbability implements Reward {
    private final Classifier classifier;
    private final String name;

    public ClassLogProbability(Classifier classifier, String name) {
        this.classifier = classifier;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NDArray score(NDArray images, Condition condition) {
        int b = ModelInputs.requireBatch(images, classifier.imageShape(), "images");
        ModelInputs.requireCondition(condition, b);
        NDArray logits = classifier.logits(images);
        int[] ids = condition.classIds();
        for (int id : ids) {
            if (id < 0 || id >= classifier.numClasses()) {
                throw new IllegalArgumentException("class id " + id + " is outside the classifier's "
                        + classifier.numClasses() + " classes");
            }
        }
        NDArray logProbs = logits.logSoftmax(1);
        long[] idx = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            idx[i] = ids[i];
        }
        NDArray pick = logits.getManager().create(idx).reshape(b, 1);
        return logProbs.gather(pick, 1).reshape(b);
    }

    /** Top-1 predictions per image (no gradient). */
    public static int[] predict(Classifier classifier, NDArray images) {
        NDArray arg = classifier.logits(images).stopGradient().argMax(1);
        long[] v = arg.toLongArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

}
