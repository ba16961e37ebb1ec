package io.genalign.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Reward;
import io.genalign.core.runtime.Tensors;
import io.genalign.core.testing.LiveArrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Refinement frees its per-step temporaries: for every particle flow (GMI, the default of {@code genalign refine},
 * KRR, KDE, Stein) driven by {@link Refinement#run}, the run's manager holds as many arrays after step 100 as after
 * step 10.
 */
class RefineScopeTest extends FlowTestBase {

    /** The condition term r(x) = −‖x − 1‖² per particle. */
    static final class Centre implements Reward {
        @Override
        public String name() {
            return "centre";
        }

        @Override
        public NDArray score(NDArray images, Condition condition) {
            return images.sub(Tensors.scalar(images, 1.0)).square().sum(new int[] {1}).neg();
        }
    }

    @Test
    void particleFlowsLeaveNoArraysBehind() {
        int n = 12;
        FlowFixtures.LinearGenerator g = FlowFixtures.LinearGenerator.identity(2);
        double[][] data = FlowFixtures.gaussian(new Random(SEED), 20, 2, 1.5, 0.5);
        double[][] z0 = FlowFixtures.gaussian(new Random(SEED + 1), n, 2, 0, 1);
        for (RefineMethod method : RefineMethod.values()) {
            if (!method.isParticleFlow()) {
                continue;
            }
            try (NDManager m = manager.newSubManager()) {
                FlowModels models = new FlowModels(g, FlowFixtures.condition(n), new FlowFixtures.IdentityFeatures(2),
                        FlowFixtures.rows(m, data), new Centre(), null);
                int[] afterTen = {-1};
                try (LatentRefiner r = Refiners.create(method, models, RefineOptions.builder().build(), m)) {
                    Refinement.Result res = Refinement.run(r, FlowFixtures.rows(m, z0), 100, m, s -> {
                        if (s.step() == 9) {
                            afterTen[0] = LiveArrays.count(m);
                        }
                    });
                    assertEquals(Refinement.Stop.COMPLETED, res.stop(), method + ": " + res.message());
                    assertEquals(afterTen[0], LiveArrays.count(m), method + ": arrays after step 10 and after step 100");
                }
            }
        }
    }
}
