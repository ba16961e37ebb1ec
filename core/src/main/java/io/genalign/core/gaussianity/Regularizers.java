package io.genalign.core.gaussianity;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Creates regularizers by their CLI names, with every default. */
public final class Regularizers {
    private static final List<String> NAMES = List.of("none", "mpgr", "norm", "prno", "kl", "kurtosis", "covariance");

    private Regularizers() {}

    /** The accepted names, in a stable order. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A regularizer with its defaults; {@code seed} seeds its permutations (MPGR, PRNO) and is ignored by the
     * others.
     *
     * @throws IllegalArgumentException for an unknown name, listing the accepted ones
     */
    public static Regularizer create(String name, long seed) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "none":
                return new None();
            case "mpgr":
                return Mpgr.builder().optSeed(seed).build();
            case "norm":
                return new RenoNorm();
            case "prno":
                return Prno.builder().optSeed(seed).build();
            case "kl":
                return new KlRegularizer();
            case "kurtosis":
                return new KurtosisRegularizer();
            case "covariance":
                return new CircularCovarianceMatching();
            default:
                throw new IllegalArgumentException("unknown regularizer '" + name + "': expected one of "
                        + String.join(", ", NAMES));
        }
    }

    /** No regularization: zero per sample, still attached to the input's graph. */
    static final class None implements Regularizer {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public NDArray perSample(NDArray batch) {
            InputChecks.requireLatentBatch(batch, "latents");
            NDArray x = Flat.flatten(batch);
            return x.sum(new int[] {1}).mul(Flat.num(x, 0.0));
        }
    }
}
