package io.genalign.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.testing.LiveArrays;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.data.IdxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Zoo training frees its per-step temporaries: the driver's step ({@link ZooTrainer#step}) on a few synthetic
 * images leaves the run's manager (weights, optimizer state) holding as many arrays after step 100 as after step 10.
 */
class TrainingScopeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"classifier-a", "gan", "diffusion"})
    void stepsLeaveNoArraysBehind(String model) throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults(model);
        TrainOptions o = new TrainOptions(100, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 1000);
        TrainingRecipe recipe = TrainingRecipe.forModel(model);
        EngineBootstrap.start(o.seed());
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1); // many small ops: on a loaded machine a second intra-op thread mostly spin-waits
        try (NDManager manager = Tensors.newManager(); NDManager state = manager.newSubManager()) {
            Map<String, Block> parts = recipe.build(manager, o.batchSize());
            Map<String, PartOptimizer> optimizers = new LinkedHashMap<>();
            for (String part : parts.keySet()) {
                optimizers.put(part, PartOptimizer.adam(state, recipe.learningRate(part, o), o.beta1()));
            }
            ParameterStore ps = new ParameterStore(manager, false);
            Batches batches = new Batches(data.train(), o);
            int afterTen = 0;
            for (int step = 0; step < o.steps(); step++) {
                ZooTrainer.step(manager, recipe, ps, parts, optimizers, batches, step, o);
                if (step == 9) {
                    afterTen = LiveArrays.count(manager);
                }
            }
            assertEquals(afterTen, LiveArrays.count(manager), model + ": arrays after step 10 and after step 100");
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }
}
