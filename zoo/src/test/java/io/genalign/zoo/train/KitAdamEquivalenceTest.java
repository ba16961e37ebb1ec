package io.genalign.zoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.ZooModels;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.data.IdxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zoo's training on core's Adam ({@link PartOptimizer}) against DJL's {@code Adam}, the optimizer the shipped
 * weights were trained with: the same classifier-A steps (same initialisation, batches and engine seeds) give the
 * same losses and weights, bit for bit. By default 10 steps of batch 8 on a fake data set; the check recorded in
 * {@code docs/models.md} ran {@code -Dgenalign.equivalence.steps=50 -Dgenalign.equivalence.data=/usr/share/datasets/fashion-mnist}
 * (the real training set, batch 128 as in the shipped recipe).
 */
class KitAdamEquivalenceTest {
    @TempDir
    Path tmp;

    @Test
    void classifierStepsMatchDjlAdam() throws Exception {
        int steps = Integer.getInteger("genalign.equivalence.steps", 10);
        String dir = System.getProperty("genalign.equivalence.data");
        FashionMnist data = dir != null ? FashionMnist.load(Path.of(dir))
                : FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")), 64, false));
        TrainOptions base = TrainOptions.defaults(ZooModels.CLASSIFIER_A);
        TrainOptions o = dir != null ? base.withSteps(steps)
                : new TrainOptions(steps, 8, base.learningRate(), base.beta1(), base.seed(), 0, 64, 1000);
        float[][] kitWeights = new float[1][];
        float[][] djlWeights = new float[1][];
        double[] kit = losses(true, o, data, kitWeights);
        double[] djl = losses(false, o, data, djlWeights);
        double worst = 0;
        for (int k = 0; k < steps; k++) {
            double rel = Math.abs(kit[k] - djl[k]) / Math.max(Math.abs(djl[k]), 1e-12);
            worst = Math.max(worst, rel);
            System.out.printf(Locale.ROOT, "step %d  kit %.9f  djl %.9f  rel %.3g%n", k + 1, kit[k], djl[k], rel);
        }
        System.out.printf(Locale.ROOT, "largest relative loss difference over %d steps: %.3g%n", steps, worst);
        assertArrayEquals(djl, kit, 0, "losses");
        assertArrayEquals(djlWeights[0], kitWeights[0], 0f, "the final weights");
    }

    /** Every parameter value of {@code block}, concatenated in the block's order. */
    private static float[] allWeights(Block block) {
        java.util.List<float[]> parts = new java.util.ArrayList<>();
        int n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            parts.add(v);
            n += v.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /** The per-step losses of classifier A trained by the kit's Adam or by DJL's. */
    private static double[] losses(boolean kit, TrainOptions o, FashionMnist data, float[][] weights) {
        EngineBootstrap.start(o.seed());
        ClassifierRecipe recipe = new ClassifierRecipe(ZooModels.CLASSIFIER_A);
        double[] out = new double[o.steps()];
        try (NDManager manager = Tensors.newManager(); NDManager state = manager.newSubManager()) {
            Map<String, Block> parts = recipe.build(manager, o.batchSize());
            Block block = parts.get(ZooModels.CLASSIFIER_A);
            PartOptimizer part = PartOptimizer.adam(state, o.learningRate(), o.beta1());
            Optimizer djl = Optimizer.adam().optLearningRateTracker(Tracker.fixed(o.learningRate()))
                    .optBeta1(o.beta1()).build();
            ParameterStore ps = new ParameterStore(manager, false);
            Batches batches = new Batches(data.train(), o);
            for (int step = 0; step < o.steps(); step++) {
                try (NDManager sm = manager.newSubManager()) {
                    Engine.getInstance().setRandomSeed((int) (o.seed() * 7919 + step));
                    Batches.Batch batch = batches.batch(sm, step);
                    if (kit) {
                        out[step] = recipe.step(new TrainingRecipe.StepContext(sm, ps, parts,
                                Map.of(ZooModels.CLASSIFIER_A, part), batch, step, o)).get("loss");
                    } else {
                        // the update ZooTrainer made before the kit: DJL's Adam per parameter, then zero the gradient
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = block.forward(ps, new NDList(batch.images()), true).get(0);
                            NDArray l = TrainingSteps.crossEntropy(logits, batch.labels()
                                    .oneHot(Architectures.CLASSES).toType(logits.getDataType(), false));
                            out[step] = l.getFloat();
                            gc.backward(l);
                        }
                        for (Pair<String, Parameter> p : block.getParameters()) {
                            NDArray w = p.getValue().getArray();
                            if (w.hasGradient()) {
                                try (NDArray grad = w.getGradient()) {
                                    djl.update(p.getValue().getId(), w, grad);
                                    grad.subi(grad);
                                }
                            }
                        }
                    }
                }
            }
            weights[0] = allWeights(block);
        }
        return out;
    }
}
