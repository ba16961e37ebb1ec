package io.genalign.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.data.IdxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two training steps of every zoo model on a tiny fake data set, then a resume from the checkpoint. */
class ZooTrainerSmokeTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"classifier-a", "classifier-b", "feature-net", "gan", "diffusion"})
    void twoStepsThenResume(String model) throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults(model);
        TrainOptions o = new TrainOptions(2, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 1);
        Path work = tmp.resolve("work");
        ZooTrainer.Result first = ZooTrainer.train(model, work, o, data, null);
        assertFalse(first.resumed());
        assertTrue(Files.exists(work.resolve("checkpoint/state.json")));
        assertTrue(Files.exists(work.resolve("loss-curve.png")));
        List<String> losses = Files.readAllLines(work.resolve("losses.csv"));
        assertEquals(3, losses.size(), "header + 2 steps");
        for (Path w : first.weights().values()) {
            assertTrue(Files.size(w) > 1000, w.toString());
        }
        ZooTrainer.Result second = ZooTrainer.train(model, work, new TrainOptions(3, 4, base.learningRate(),
                base.beta1(), base.seed(), 0, 16, 1), data, null);
        assertTrue(second.resumed());
        assertEquals(4, Files.readAllLines(work.resolve("losses.csv")).size(), "2 restored + 1 new step");
        for (String line : Files.readAllLines(work.resolve("losses.csv")).subList(1, 4)) {
            for (String cell : line.split(",")) {
                assertTrue(Double.isFinite(Double.parseDouble(cell)), line);
            }
        }
    }
}
