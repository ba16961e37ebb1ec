package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * A per-sample Gaussianity report: summary statistics and the value of every regularizer, as the
 * {@code gaussianity} command, the alignment reports and the experiments show them.
 *
 * <p>For each sample of a batch (B, ...): mean, population standard deviation, the Kolmogorov–Smirnov
 * distance of its entries to N(0, 1); MPGR's terms L_1, L_2, L_power in NATURAL and PERMUTED order, its total
 * in the default BOTH mode and in NATURAL mode (L_1 + L_2 + 25 L_power); ReNO's norm term (weight 1); DNO's
 * PRNO with its 100 shuffles and its sequential term alone; KL; kurtosis. The O(D^2) covariance matching is
 * left out (it is for verification and benchmarks). Permutations come from {@code seed}, so a report is
 * reproducible.
 */
public final class GaussianityProfile {
    private GaussianityProfile() {}

    /** One sample's figures. */
    public record Row(double mean, double std, double ks, double l1, double l2, double powerNatural,
                      double powerPermuted, double mpgr, double mpgrNatural, double norm, double prno,
                      double prnoSequential, double kl, double kurtosis) {}

    /** Typical values for a true N(0, I_D) sample (spec §5 and §7), for orientation in reports. */
    public record Reference(double l1, double l2, double power, double mpgr, double prnoFloor) {
        /** E[L_1] = sqrt(2/(pi D)), E[L_2] = 1/sqrt(pi D), E[L_power] = sqrt((4 - pi)/(2 pi B)), PRNO floor 2 ln 2 x 2. */
        public static Reference forDimension(long d) {
            double l1 = Math.sqrt(2.0 / (Math.PI * d));
            double l2 = 1.0 / Math.sqrt(Math.PI * d);
            double power = Math.sqrt((4.0 - Math.PI) / (2.0 * Math.PI * Mpgr.DEFAULT_BLOCK_SIZE));
            return new Reference(l1, l2, power, l1 + l2 + Mpgr.DEFAULT_LAMBDA_POWER * power, 4.0 * Math.log(2.0));
        }
    }

    /**
     * Computes the report for every sample of {@code batch}; inputs are validated like every regularizer's.
     *
     * @param batch latents of shape (B, ...), float32 or float64
     * @param seed  seed of every permutation drawn (MPGR's permuted term, PRNO's shuffles)
     */
    public static List<Row> of(NDArray batch, long seed) {
        InputChecks.requireLatentBatch(batch, "latents");
        NDArray x = batch.stopGradient();
        Mpgr.MpgrTerms terms = Mpgr.builder().optSeed(seed).build().terms(x);
        double[] norm = values(Regularizers.create("norm", seed), x);
        double[] prno = values(Regularizers.create("prno", seed), x);
        double[] prnoSeq = values(Prno.builder().optShuffles(0).optSeed(seed).build(), x);
        double[] kl = values(Regularizers.create("kl", seed), x);
        double[] kurt = values(Regularizers.create("kurtosis", seed), x);
        long b = x.getShape().get(0);
        List<Row> rows = new ArrayList<>();
        try (NDArray flat = x.reshape(b, -1).toType(DataType.FLOAT64, false)) {
            for (int i = 0; i < b; i++) {
                double[] v;
                try (NDArray row = flat.get(i)) {
                    v = row.toDoubleArray();
                }
                GaussianityStats s = GaussianityStats.of(v);
                rows.add(new Row(s.mean(), s.std(), s.ks(), terms.l1()[i], terms.l2()[i], terms.powerNatural()[i],
                        terms.powerPermuted()[i], terms.total()[i], terms.totalNatural()[i], norm[i], prno[i],
                        prnoSeq[i], kl[i], kurt[i]));
            }
        }
        return rows;
    }

    private static double[] values(Regularizer r, NDArray x) {
        try (NDArray v = r.perSample(x)) {
            return v.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }
}
