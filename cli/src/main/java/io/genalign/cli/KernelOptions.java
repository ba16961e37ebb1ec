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

    /** Sets the ridge, bandwidth and mollifier of {@code b} from these flags. */
    RefineOptions.Builder applyTo(RefineOptions.Builder b) {
        return b.optRidge(Ridge.parse(ridge)).optBandwidth(Bandwidth.parse(bandwidth))
                .optMollifier(new Mollifier(mollifierSigma, mollifierCopies));
    }
}
