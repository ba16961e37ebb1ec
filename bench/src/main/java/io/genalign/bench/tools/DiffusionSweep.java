// Classifier-B share and FID of the built-in diffusion model (or a weight file) under other sampler settings
// (DDIM steps, classifier-free guidance), same protocol as its manifest (per class samples, seed 20251124).
// Run from the repository root after a build:
//   bash docs/models/diffusion-sweep.sh [WEIGHTS|shipped] PER_CLASS STEPS:GUIDANCE...
// e.g. bash docs/models/diffusion-sweep.sh shipped 100 20:2 20:4 50:4
package io.genalign.bench.tools;

import ai.djl.ndarray.NDManager;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooClassifier;
import io.genalign.zoo.ZooDiffusion;
import io.genalign.zoo.ZooEvaluation;
import io.genalign.zoo.ZooInstall;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.zoo.diffusion.DdimSampler;
import java.nio.file.Path;
import java.util.Map;

/** Prints one line of figures per sampler setting. */
public final class DiffusionSweep {
    private DiffusionSweep() {
    }

    public static void main(String[] a) throws Exception {
        EngineBootstrap.start(ZooInstall.FIGURE_SEED);
        FashionMnist data = FashionMnist.load(null);
        int perClass = Integer.parseInt(a[1]);
        try (NDManager m = Tensors.newManager(); ZooClassifier b = Zoo.classifierB(m);
             ZooClassifier f = Zoo.featureNet(m);
             ZooDiffusion g0 = "shipped".equals(a[0]) ? Zoo.diffusion(m) : Zoo.diffusionFromFile(m, Path.of(a[0]))) {
            for (int i = 2; i < a.length; i++) {
                String[] sg = a[i].split(":");
                DdimSampler s = new DdimSampler(g0.sampler().schedule(), Integer.parseInt(sg[0]),
                        Float.parseFloat(sg[1]));
                long t0 = System.nanoTime();
                Map<String, Object> q = ZooEvaluation.diffusionFigures(g0.withSampler(s), b, f, m, data.test(),
                        ZooInstall.FIGURE_SEED, perClass);
                System.out.printf("%s steps=%s guidance=%s B=%.3f FID=%.3f IS=%.3f (%.0f s)%n", a[0], sg[0], sg[1],
                        q.get("classifier_b_share_of_requested_class"), q.get("fid_generated_vs_test"),
                        q.get("inception_like_score_generated"), (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
