package io.genalign.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genalign.core.model.ModelSet;
import io.genalign.core.noise.NoiseAlignmentOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented API example (docs/bring-your-own-models.md, section 2), on both kinds of model set. */
class AlignmentApiTest {
    @TempDir
    Path tmp;

    static Path fixture() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tiny-t2i/genalign-model.json"))) {
                return p.resolve("examples/tiny-t2i");
            }
        }
        throw new IllegalStateException("examples/tiny-t2i not found");
    }

    @Test
    void theDocumentedExampleRunsOnTheFolderAndOnTheBuiltinSet() throws Exception {
        for (String spec : List.of(fixture().toString(), Models.BUILTIN)) {
            try (ModelSet model = Models.open(spec)) {
                String reward = Models.BUILTIN.equals(spec) ? "realism" : "clip-score";
                String held = Models.BUILTIN.equals(spec) ? "classifier-b" : "aesthetic";
                Path out = tmp.resolve(model.name());
                Alignment.Run run = Alignment.of(model).prompt(model.defaultPrompt()).reward(reward).heldOut(held)
                        .seeds(2).options(NoiseAlignmentOptions.builder().optSteps(4).build()).run(out);
                assertEquals(out.toAbsolutePath().normalize(), run.folder());
                assertTrue(Files.size(run.index()) > 0);
                assertEquals(List.of(held), run.heldOut());
                assertEquals(2, run.bestTargets().length);
                assertTrue(run.bestTarget() > run.initialTarget(), run.initialTarget() + " -> " + run.bestTarget());
            }
        }
    }

    @Test
    void badNamesFailBeforeAnythingIsWritten() {
        try (ModelSet model = Models.open(Models.BUILTIN)) {
            assertThrows(IllegalArgumentException.class, () -> Alignment.of(model).reward("beauty"));
            assertThrows(IllegalArgumentException.class, () -> Alignment.of(model).reward("contrast", 0));
            assertThrows(IllegalArgumentException.class, () -> Alignment.of(model).prompt("a cat").run(tmp.resolve("x")));
            assertFalse(Files.exists(tmp.resolve("x")));
        }
    }
}
