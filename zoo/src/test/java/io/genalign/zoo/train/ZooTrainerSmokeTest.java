package io.genalign.zoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooModels;
import io.genalign.zoo.arch.Architectures;
import io.genalign.zoo.arch.BlockParameters;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.data.IdxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
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
        ZooTrainer.Result first = ZooTrainer.train(model, work, o, data, null, false,
                (f, m, h) -> Files.writeString(f, m + " " + h.size() + " steps"));
        assertFalse(first.resumed());
        assertEquals(2, new CheckpointStore(work.resolve("checkpoints")).latest().orElseThrow().step());
        assertEquals(model + " 2 steps", Files.readString(work.resolve(ZooTrainer.LOSS_CURVE)), "the plotter draws the history");
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
     * A run started from the shipped weights (--init-from shipped): one Adam step (learning rate 1e-3) moves every
     * weight by at most about the learning rate, the fingerprint records the weights, and a resume with other
     * initial weights is refused.
     */
    @Test
    void startsFromGivenWeights() throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults(ZooModels.CLASSIFIER_B);
        TrainOptions o = new TrainOptions(1, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 1);
        byte[] shipped = Zoo.shippedWeights(ZooModels.CLASSIFIER_B);
        Path work = tmp.resolve("work");
        ZooTrainer.Result r = ZooTrainer.train(ZooModels.CLASSIFIER_B, work, o, data, null, false, null,
                new ZooTrainer.InitialWeights(shipped, Path.of("shipped")));
        try (NDManager m = NDManager.newBaseManager()) {
            Block a = Architectures.classifierB();
            a.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            BlockParameters.load(a, m, shipped, Path.of("shipped"));
            Block b = Architectures.classifierB();
            b.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            BlockParameters.load(b, m, r.weights().get(ZooModels.CLASSIFIER_B));
            for (int i = 0; i < a.getParameters().size(); i++) {
                if (!a.getParameters().get(i).getValue().requiresGradient()) {
                    continue; // batch-norm running statistics follow the (blank) data, not the optimiser
                }
                NDArray pa = a.getParameters().get(i).getValue().getArray();
                NDArray pb = b.getParameters().get(i).getValue().getArray();
                double gap = pa.sub(pb).abs().max().getFloat();
                assertTrue(gap < 2e-3, a.getParameters().get(i).getKey() + " moved by " + gap);
            }
        }
        assertTrue(Files.readString(work.resolve(".genalign-work.json")).contains("initial weights (--init-from)"));
        byte[] other = Files.readAllBytes(r.weights().get(ZooModels.CLASSIFIER_B));
        Assertions.assertThrows(WorkFolder.RefusedException.class, () -> ZooTrainer.train(ZooModels.CLASSIFIER_B,
                work, o.withSteps(2), data, null, false, null, new ZooTrainer.InitialWeights(other, Path.of("x"))));
    }

    /** A data folder smaller than the model's training slice is refused naming both. */
    @Test
    void refusesASliceBeyondTheData() throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class, () -> ZooTrainer.train(
                ZooModels.CLASSIFIER_A, tmp.resolve("w"), TrainOptions.defaults(ZooModels.CLASSIFIER_A), data, null));
        assertTrue(e.getMessage().contains("has 16 training images; classifier-a trains on images 0..50000"),
                e.getMessage());
    }

    /**
     * A resumed run equals an uninterrupted one: losses.csv and every weight file are byte-identical (the
     * optimizer's moments travel with the checkpoint, {@code <part>.adam}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"classifier-a", "gan"})
    void resumeIsExact(String model) throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults(model);
        TrainOptions four = new TrainOptions(4, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 2);
        Path straight = tmp.resolve("straight");
        ZooTrainer.Result a = ZooTrainer.train(model, straight, four, data, null);
        Path resumed = tmp.resolve("resumed");
        ZooTrainer.train(model, resumed, four.withSteps(2), data, null);
        CheckpointStore.Checkpoint c = new CheckpointStore(resumed.resolve("checkpoints")).latest().orElseThrow();
        for (String part : a.weights().keySet()) { // every part of these two models is trained
            assertTrue(Files.isRegularFile(c.file(PartOptimizer.stateFile(part))), part + ": optimizer state saved");
        }
        ZooTrainer.Result b = ZooTrainer.train(model, resumed, four, data, null);
        assertTrue(b.resumed());
        assertEquals(Files.readString(straight.resolve("losses.csv")), Files.readString(resumed.resolve("losses.csv")));
        for (Map.Entry<String, Path> e : a.weights().entrySet()) {
            Assertions.assertArrayEquals(Files.readAllBytes(e.getValue()), Files.readAllBytes(b.weights().get(e.getKey())),
                    e.getKey() + ".params");
        }
    }

    /**
     * The GAN's second phase (label matching from step AUX_START): a one-step run whose checkpoint is moved to
     * step AUX_START, resumed for two steps; the class cross-entropies appear in losses.csv from then on, finite,
     * and the earlier step's cells for them are NaN (not computed).
     */
    @Test
    void ganSecondPhaseAddsTheClassTerms() throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults("gan");
        Path work = tmp.resolve("work");
        ZooTrainer.train("gan", work, new TrainOptions(1, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 1),
                data, null);
        relabel(work, GanRecipe.AUX_START);
        ZooTrainer.train("gan", work, new TrainOptions(GanRecipe.AUX_START + 2, 4, base.learningRate(), base.beta1(),
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

    /** Moves the latest checkpoint of {@code work} to {@code step} (same files, same fingerprint). */
    static void relabel(Path work, int step) throws Exception {
        CheckpointStore store = new CheckpointStore(work.resolve("checkpoints"));
        CheckpointStore.Checkpoint c = store.latest().orElseThrow();
        Map<String, CheckpointStore.FileWriter> files = new LinkedHashMap<>();
        try (var s = Files.list(c.dir())) {
            for (Path f : s.sorted().toList()) {
                if (!f.getFileName().toString().equals(CheckpointStore.MANIFEST)) {
                    files.put(f.getFileName().toString(), t -> Files.copy(f, t));
                }
            }
        }
        store.save(step, files, c.meta());
    }

    /**
     * Issue 12, item 3: zoo train --work refuses a checkpoint beyond --steps (it used to return the longer run's
     * weights), a folder made with other options, a non-empty folder it did not make, and never replaces a
     * losses.csv it did not write; --overwrite (startAgain) begins again.
     */
    @Test
    void workFoldersMatchTheirOptions() throws Exception {
        FashionMnist data = FashionMnist.load(IdxTest.fakeFashionMnist(Files.createDirectories(tmp.resolve("data")),
                16, false));
        TrainOptions base = TrainOptions.defaults("classifier-b");
        TrainOptions three = new TrainOptions(3, 4, base.learningRate(), base.beta1(), base.seed(), 0, 16, 1);
        Path work = tmp.resolve("work");
        ZooTrainer.train("classifier-b", work, three, data, null);
        WorkFolder.RefusedException e = Assertions.assertThrows(WorkFolder.RefusedException.class,
                () -> ZooTrainer.train("classifier-b", work, three.withSteps(2), data, null));
        assertTrue(e.getMessage().contains("checkpoint at step 3, beyond the 2 steps") && e.getMessage().contains(
                "--overwrite"), e.getMessage());
        e = Assertions.assertThrows(WorkFolder.RefusedException.class, () -> ZooTrainer.train(
                "classifier-b", work, new TrainOptions(3, 4, 0.5f, base.beta1(), base.seed(), 0, 16, 1), data, null));
        assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
        e = Assertions.assertThrows(WorkFolder.RefusedException.class, () -> ZooTrainer.train(
                "classifier-a", work, three, data, null));
        assertTrue(e.getMessage().contains("zoo train classifier-b"), e.getMessage());
        ZooTrainer.Result again = ZooTrainer.train("classifier-b", work, three.withSteps(2), data, null, true);
        assertFalse(again.resumed());
        assertEquals(3, Files.readAllLines(work.resolve("losses.csv")).size(), "header + 2 steps of the new run");

        Files.writeString(work.resolve("losses.csv"), "my own notes\n");
        e = Assertions.assertThrows(WorkFolder.RefusedException.class, () -> ZooTrainer.train(
                "classifier-b", work, three, data, null));
        assertTrue(e.getMessage().contains("losses.csv was not written by genalign"), e.getMessage());
        assertEquals("my own notes\n", Files.readString(work.resolve("losses.csv")));

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("losses.csv"), "a user's table");
        e = Assertions.assertThrows(WorkFolder.RefusedException.class, () -> ZooTrainer.train(
                "classifier-b", foreign, three, data, null, true));
        assertTrue(e.getMessage().contains("not made by genalign"), e.getMessage());
        assertEquals("a user's table", Files.readString(foreign.resolve("losses.csv")));
    }
}
