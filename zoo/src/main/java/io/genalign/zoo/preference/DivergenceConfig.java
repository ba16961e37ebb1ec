package io.genalign.zoo.preference;

import io.genalign.core.preference.Divergence;

/**
 * One configuration an f-divergence comparison trains: the divergence and beta_out, written
 * {@code DIVERGENCE[@BETA_OUT]} (e.g. {@code js@2}, {@code alpha:0.3}); beta_out defaults to
 * {@link DpoOptions#DEFAULT_BETA_OUT}. Used by the divergence experiment and the 2-D preference toy.
 *
 * @param name       the configuration as written (trimmed)
 * @param divergence the divergence
 * @param betaOut    beta_out
 */
public record DivergenceConfig(String name, Divergence divergence, double betaOut) {
    /** Parses {@code DIVERGENCE[@BETA_OUT]}; a bad beta_out or divergence is an IllegalArgumentException naming it. */
    public static DivergenceConfig parse(String s) {
        String[] parts = s.trim().split("@", 2);
        double bo = DpoOptions.DEFAULT_BETA_OUT;
        if (parts.length == 2) {
            try {
                bo = Double.parseDouble(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad beta_out in configuration '" + s + "'");
            }
        }
        return new DivergenceConfig(s.trim(), Divergence.parse(parts[0]), bo);
    }
}
