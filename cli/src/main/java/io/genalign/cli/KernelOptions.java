package io.genalign.cli;

import io.genalign.core.flow.Bandwidth;
import io.genalign.core.flow.FlowDefaults;
import io.genalign.core.flow.Mollifier;
import io.genalign.core.flow.RefineOptions;
import io.genalign.core.flow.Ridge;
import picocli.CommandLine.Option;

/** The score estimators' kernel flags, shared by {@code genalign refine} and {@code genalign experiment refine}. */
final class KernelOptions {
    @Option(names = "--ridge", description = "KRR lambda: a number, or a multiple of the Gram matrix's largest row "
            + "sum r written like 1r (default: 1.0r).")
    String ridge = FlowDefaults.RIDGE.toString();

    @Option(names = "--bandwidth", description = "Kernel bandwidth: median or a number (default: ${DEFAULT-VALUE}).")
    String bandwidth = "median";

    @Option(names = "--mollifier-sigma", description = "GMI's image-space mollifier sigma (default: ${DEFAULT-VALUE}).")
    double mollifierSigma = FlowDefaults.MOLLIFIER_SIGMA;

    @Option(names = "--mollifier-copies", description = "GMI's mollifier copies M (default: ${DEFAULT-VALUE}).")
    int mollifierCopies = FlowDefaults.MOLLIFIER_COPIES;

    /** Sets the ridge, bandwidth and mollifier of {@code b} from these flags; a bad value names its flag. */
    RefineOptions.Builder applyTo(RefineOptions.Builder b) {
        return b.optRidge(ridge()).optBandwidth(bandwidth())
                .optMollifier(new Mollifier(mollifierSigma, mollifierCopies));
    }

    /** The --ridge value; errors name --ridge. */
    Ridge ridge() {
        try {
            return Ridge.parse(ridge);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad --ridge " + ridge + ": " + e.getMessage());
        }
    }

    /**
     * The --bandwidth value; errors name --bandwidth. A fixed h must keep 1/(2h²) a finite positive number: h = 1e-300
     * would make every kernel value 0 (and 0·∞ = NaN on the diagonal), h = 1e300 every value 1.
     */
    Bandwidth bandwidth() {
        Bandwidth bw;
        try {
            bw = Bandwidth.parse(bandwidth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad --bandwidth " + bandwidth + ": " + e.getMessage());
        }
        if (!bw.isMedian()) {
            double h = Double.parseDouble(bandwidth.trim());
            double inv = 1.0 / (2 * h * h);
            if (!(inv > 0) || !Double.isFinite(inv) || !Double.isFinite(h * h) || !(h * h > Double.MIN_NORMAL)) {
                throw new IllegalArgumentException("bad --bandwidth " + bandwidth + ": h² must be a normal positive "
                        + "number (h between about 1e-150 and 1e150); use median or a bandwidth on the scale of the "
                        + "distances between samples");
            }
        }
        return bw;
    }
}
