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

    /**
     * The GAN's second phase (label matching from step AUX_START): a one-step run whose checkpoint is moved to
     * step AUX_START, resumed for two steps; the class cross-entropies appear in losses.csv from then on, finite,
     * and the earlier step's cells for them are NaN (not computed).
     */
    @org.junit.jupiter.api.Test
    void ganSecondPhaseAddsTheClassTerms() throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults("gan");
        Path work = tmp.resolve("work");
        ZooTrainer.train("gan", work, new TrainOptions(1, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 1),
                data, null);
        Files.writeString(work.resolve("checkpoint/state.json"), "{\"step\": " + ZooTrainer.AUX_START + "}");
        ZooTrainer.train("gan", work, new TrainOptions(ZooTrainer.AUX_START + 2, 4, base.learningRate(), base.beta1(),
                base.seed(), 0, 16, 1), data, null);
        List<String> lines = Files.readAllLines(work.resolve("losses.csv"));
        assertEquals(List.of("step", "d_loss", "g_loss", "ce_real", "ce_fake"), List.of(lines.get(0).split(",")));
        assertEquals(4, lines.size(), "header + 1 first-phase step + 2 second-phase steps");
        String[] first = lines.get(1).split(",");
        assertTrue(Double.isNaN(Double.parseDouble(first[3])) && Double.isNaN(Double.parseDouble(first[4])));
        for (String line : lines.subList(2, 4)) {
            String[] cells = line.split(",");
            for (int k = 1; k < cells.length; k++) {
                double v = Double.parseDouble(cells[k]);
                assertTrue(Double.isFinite(v) && v >= 0, line);
            }
            // ten classes: an untrained classifier's cross-entropy is near ln 10
            assertTrue(Double.parseDouble(cells[3]) < 10 && Double.parseDouble(cells[4]) < 10, line);
        }
    }
}
