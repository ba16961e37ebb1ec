// Reproduces PRNO's sporadic non-finite gradient (docs/regularizers.md, "Known issue"): N value + gradient calls
// of the default PRNO on a (8, 16, 7, 7) latent that takes a small normalised descent step each call; on the first
// non-finite gradient it re-evaluates the same input and prints the sequential term's parts. Run from the repository
// root after a build:  java -Dai.djl.offline=true -cp "cli/target/genalign-cli.jar:cli/target/lib/*" bench/src/main/java/io/genalign/bench/tools/PrnoStress.java 3000
// (add a second argument to use the sequential term only, without the 100 shuffles).
package io.genalign.bench.tools;

import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import io.genalign.core.gaussianity.*;
import io.genalign.core.runtime.*;
public class PrnoStress {
  public static void main(String[] a) throws Exception {
    EngineBootstrap.start(1);
    Regularizer r = (a.length > 1 ? Prno.builder().optShuffles(0).build() : Regularizers.create("prno", 0));
    int bad = 0, calls = 0, n = Integer.parseInt(a[0]);
    try (NDManager m = Tensors.newManager()) {
      NDArray x = m.randomNormal(new Shape(8, 16, 7, 7));
      for (int i = 0; i < n; i++) {
        calls++;
        try (NDManager s = m.newSubManager()) {
          NDArray y = x.duplicate(); y.attach(s);
          Gradients.ValueAndGradient vg = Gradients.valueAndGradient(r, y);
          float[] g = vg.gradient().toFloatArray();
          boolean ok = true; for (float v : g) if (!Float.isFinite(v)) { ok = false; break; }
          for (double v : vg.perSample()) if (!Double.isFinite(v)) ok = false;
          if (!ok) {
            bad++;
            int nan = 0, first = -1; for (int j = 0; j < g.length; j++) if (!Float.isFinite(g[j])) { nan++; if (first < 0) first = j; }
            System.out.println("non-finite at iteration " + i + ": " + nan + " of " + g.length + " gradient entries, first " + first + " values " + java.util.Arrays.toString(vg.perSample()));
            for (int rep = 0; rep < 5; rep++) {
              Gradients.ValueAndGradient v2 = Gradients.valueAndGradient(r, x);
              int n2 = 0; for (float v : v2.gradient().toFloatArray()) if (!Float.isFinite(v)) n2++;
              System.out.println("  re-evaluation " + rep + ": " + n2 + " non-finite");
            }
            // same permutations? re-create the regularizer with the same seed state is not possible; try fresh seeds
            for (int sd = 0; sd < 3; sd++) {
              Gradients.ValueAndGradient v3 = Gradients.valueAndGradient(Regularizers.create("prno", 100 + sd), x);
              int n3 = 0; for (float v : v3.gradient().toFloatArray()) if (!Float.isFinite(v)) n3++;
              System.out.println("  fresh seed " + sd + ": " + n3 + " non-finite");
            }
            Prno.Terms t = ((Prno) r).sequentialTerms(x);
            System.out.println("  m1 " + java.util.Arrays.toString(t.m1()) + " m2 " + java.util.Arrays.toString(t.m2()));
            break;
          }
          // take a small random step so inputs vary like an optimisation
          NDArray gg = vg.gradient(); NDArray step = gg.div(gg.square().sum().sqrt().add(1e-12f)).mul(-0.5f);
          NDArray nx = x.add(step).add(s.randomNormal(x.getShape()).mul(0.001f));
          nx.attach(m); x.close(); x = nx;
        }
      }
    }
    System.out.println("stopped after " + calls + " calls, " + bad + " non-finite");
  }
}
