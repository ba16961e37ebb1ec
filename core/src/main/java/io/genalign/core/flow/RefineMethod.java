package io.genalign.core.flow;

import java.util.Locale;

/** The refiners of the ablation, by CLI name. */
public enum RefineMethod {
    /** GMI: KRR with the mollified kernel on both scores, plus the condition term. */
    GMI("gmi"),
    /** KRR without the mollifier. */
    KRR("krr"),
    /** KDE (uniform weights, no mollifier): the FPK baseline. */
    KDE("kde"),
    /** GMI's data score with the Stein estimator for the particle score. */
    STEIN("stein"),
    /** DDLS: discriminator-driven latent Langevin. */
    DDLS("ddls"),
    /** DOT: discriminator optimal transport in latent space. */
    DOT("dot"),
    /** DGflow: discriminator gradient flow (KL by default). */
    DGFLOW("dgflow");

    private final String cliName;

    RefineMethod(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** True for the kernel particle flows (they need features and real samples). */
    public boolean isParticleFlow() {
        return this == GMI || this == KRR || this == KDE || this == STEIN;
    }

    /** By CLI name, case-insensitive; unknown names list the accepted ones. */
    public static RefineMethod parse(String s) {
        for (RefineMethod m : values()) {
            if (m.cliName.equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        StringBuilder b = new StringBuilder();
        for (RefineMethod m : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(m.cliName);
        }
        throw new IllegalArgumentException("unknown method '" + s + "': expected one of " + b);
    }

    @Override
    public String toString() {
        return cliName.toLowerCase(Locale.ROOT);
    }
}
