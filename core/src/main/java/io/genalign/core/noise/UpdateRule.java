package io.genalign.core.noise;

/**
 * How the noise optimizer turns a gradient g into a step on the latents z (PyTorch's conventions).
 *
 * <ul>
 *   <li>{@link #SGD_NESTEROV}: b ← μ·b + g (b = g at the first step); z ← z − lr·(g + μ·b). ReNO's choice.</li>
 *   <li>{@link #ADAM}: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; z ← z − lr·m̂/(√v̂ + ε), with bias-corrected
 *   m̂ = m/(1−β1^t) and v̂ = v/(1−β2^t).</li>
 * </ul>
 */
public enum UpdateRule {
    SGD_NESTEROV,
    ADAM
}
