/**
 * The optimizer kit: every update rule genalign uses (noise alignment, zoo training, DPO, the studies); no other
 * code writes one, and DJL's optimizers are not used. {@link io.genalign.core.optim.AdamW} (Adam with decoupled
 * weight decay, resumable state; weight decay 0 is Adam; PyTorch's bias correction or DJL's) and {@link
 * io.genalign.core.optim.SgdNesterov} on a block's parameters or on plain arrays (float32 or float64), {@link
 * io.genalign.core.optim.ArrayAdam} on plain double arrays, {@link io.genalign.core.optim.GradientClipping}, the linear {@link
 * io.genalign.core.optim.WarmUp} and the {@link io.genalign.core.optim.ExponentialMovingAverage} of weights.
 *
 * <p>Invariants: the formulas are in each class's javadoc and tested against hand-computed steps; every per-step
 * temporary is created in a sub-manager closed within the step, so the long-lived managers (the parameters', the
 * optimizer state's) hold the same number of arrays after step 10 and step 100. Start with {@code AdamW}.
 */
package io.genalign.core.optim;
