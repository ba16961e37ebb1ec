package io.genalign.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genalign.zoo.train.TrainOptions;
import org.junit.jupiter.api.Test;

/** The manifest's reproducing command names exactly the options that differ from the model's defaults. */
class ZooInstallCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode options(TrainOptions o) {
        return JSON.valueToTree(o);
    }

    @Test
    void defaultsGiveTheBareCommand() {
        ObjectNode info = JSON.createObjectNode();
        assertEquals("./genalign zoo train diffusion",
                ZooInstall.command(ZooModels.DIFFUSION, options(TrainOptions.defaults(ZooModels.DIFFUSION)), info));
    }

    @Test
    void initStepsAndLearningRateAreNamed() {
        ObjectNode info = JSON.createObjectNode().put("init_from", "shipped").put("init_sha256", "abc");
        TrainOptions o = TrainOptions.defaults(ZooModels.DIFFUSION).withSteps(1200).withLearningRate(2e-4f);
        assertEquals("./genalign zoo train diffusion --init-from shipped (sha256 abc) --steps 1200 --lr 2.0E-4",
                ZooInstall.command(ZooModels.DIFFUSION, options(o), info));
    }
}
