// Per-class classifier-B share and within-class diversity of generator weight files, as in docs/models.md
// ("The two phases, measured"). Run from the repository root after a build:
//   bash docs/models/compare-generators.sh WORK6000/generator.params shipped
// where WORK6000 comes from `./genalign zoo train gan --steps 6000 --work WORK6000` and "shipped" means the
// generator inside genalign. Needs Fashion-MNIST (the test images) installed.
package io.genalign.bench.tools;

import ai.djl.ndarray.*;
import io.genalign.zoo.*;
import io.genalign.zoo.data.FashionMnist;
import io.genalign.core.eval.*;
import io.genalign.core.runtime.*;
import java.nio.file.Path;
public class CompareGenerators {
  public static void main(String[] a) throws Exception {
    EngineBootstrap.start(ZooInstall.FIGURE_SEED);
    FashionMnist data = FashionMnist.load(null);
    try (NDManager m = Tensors.newManager(); ZooClassifier b = Zoo.classifierB(m); ZooClassifier f = Zoo.featureNet(m)) {
      NDArray real = ZooEvaluation.testImages(m, data.test());
      double[][] rf = ZooEvaluation.features(f, real);
      int[] labels = new int[rf.length];
      for (int i = 0; i < labels.length; i++) labels[i] = data.test().label(i);
      double[] realDiv = new double[10];
      for (int c = 0; c < 10; c++) { final int cc = c; realDiv[c] = Diversity.meanPairwiseDistance(java.util.stream.IntStream.range(0, rf.length).filter(i -> labels[i] == cc).mapToObj(i -> rf[i]).toArray(double[][]::new)); }
      String[] names = a;
      double[][] share = new double[names.length][10], div = new double[names.length][10];
      for (int g = 0; g < names.length; g++) {
        try (ZooGenerator gen = names[g].equals("shipped") ? Zoo.generator(m) : Zoo.generatorFromFile(m, Path.of(names[g]))) {
          NDArray fake = ZooEvaluation.sample(gen, m, 1000, ZooInstall.FIGURE_SEED);
          double[][] ff = ZooEvaluation.features(f, fake);
          int[] pred = ZooEvaluation.predict(b, fake);
          for (int c = 0; c < 10; c++) {
            int hits = 0; for (int i = c * 1000; i < (c + 1) * 1000; i++) hits += pred[i] == c ? 1 : 0;
            share[g][c] = hits / 1000.0;
            div[g][c] = Diversity.meanPairwiseDistance(java.util.Arrays.copyOfRange(ff, c * 1000, (c + 1) * 1000));
          }
        }
      }
      StringBuilder sb = new StringBuilder("| class |");
      for (String n : names) sb.append(" B share ").append(n).append(" |");
      for (String n : names) sb.append(" diversity ").append(n).append(" |");
      sb.append(" diversity real |\n|---|");
      for (int i = 0; i < 2 * names.length + 1; i++) sb.append("---:|");
      sb.append('\n');
      for (int c = 0; c < 10; c++) {
        sb.append("| ").append(Prompts.className(c)).append(" |");
        for (int g = 0; g < names.length; g++) sb.append(String.format(" %.1f%% |", 100 * share[g][c]));
        for (int g = 0; g < names.length; g++) sb.append(String.format(" %.2f |", div[g][c]));
        sb.append(String.format(" %.2f |%n", realDiv[c]));
      }
      System.out.print(sb);
    }
  }
}
