package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** A fitted score estimate (see {@link ScoreEstimator} for the lifecycle). */
public interface ScoreFit {
    /**
     * A potential U of shape (B) whose gradient with respect to the query features (B, M, F) is the score estimate:
     * ∇_φ U_i = ŝ(x_i). For kernel estimators U is log p̂ itself; for estimators that only give scores (Stein) it is
     * {@code φ_i · sg(ŝ_i)}. Back-propagating U through φ and the generator gives ∇_z log p̂(G(z)) by the chain rule.
     *
     * @param queries features (B, M, F), normally requiring gradients
     * @param queriesAreSamples true when query i is sample i itself (the particle score): the self term j = i is
     *     excluded (project convention 5); estimators that only score their own samples require it
     */
    NDArray potential(NDArray queries, boolean queriesAreSamples);

    /** The kernel bandwidth h used. */
    double bandwidth();

    /** Figures for reports: bandwidth, λ, doublings, min α, ... (names stable). */
    Map<String, Double> diagnostics();
}
