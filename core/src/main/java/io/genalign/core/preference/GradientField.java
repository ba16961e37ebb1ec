package io.genalign.core.preference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * The gradient field of the per-pair f-DPO loss over the log-ratio estimates (s_w, s_l) (spec §8 check 3): the
 * loss and (∂L/∂s_w, ∂L/∂s_l), evaluated through {@link FDpoLoss#compute} and autograd (the one loss
 * implementation, no formula of its own). With kappa = 1 the loss's input Delta is −s, so ∂L/∂s = −∂L/∂Delta.
 * Spec §6: ∂L/∂s_w = −beta_out·sigma(−M)·phi'(s_w) &lt; 0 and ∂L/∂s_l = +beta_out·sigma(−M)·phi'(s_l) &gt; 0.
 */
public final class GradientField {
    private GradientField() {}

    /**
     * The field on the square grid axis × axis: entry [i][j] is at s_w = axis[j] (horizontal), s_l = axis[i]
     * (vertical).
     *
     * @param dW   ∂L/∂s_w
     * @param dL   ∂L/∂s_l
     * @param loss L
     */
    public record Field(Divergence divergence, double betaOut, double[] axis, double[][] dW, double[][] dL,
                        double[][] loss) {
        /** |∇L| at [i][j]. */
        public double norm(int i, int j) {
            return Math.hypot(dW[i][j], dL[i][j]);
        }
    }

    /** The point values at (sW[k], sL[k]): {∂L/∂s_w, ∂L/∂s_l, L}, each of length sW.length, in float64. */
    public static double[][] at(NDManager manager, Divergence divergence, double betaOut, double[] sW, double[] sL) {
        if (sW.length != sL.length || sW.length == 0) {
            throw new IllegalArgumentException("s_w and s_l must be non-empty and of equal length");
        }
        FDpoLoss loss = FDpoLoss.builder().setDivergence(divergence).optKappa(1.0).optBetaOut(betaOut).build();
        try (NDManager m = manager.newSubManager()) {
            NDArray dw = m.create(negate(sW));
            NDArray dl = m.create(negate(sL));
            dw.setRequiresGradient(true);
            dl.setRequiresGradient(true);
            FDpoLoss.Result r;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                r = loss.compute(dw, dl);
                gc.backward(r.loss().sum());
            }
            double[] gw = negate(dw.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
            double[] gl = negate(dl.getGradient().toType(DataType.FLOAT64, false).toDoubleArray());
            double[] l = r.loss().stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
            return new double[][] {gw, gl, l};
        }
    }

    /** The field on n × n points evenly spaced over [lo, hi]² (n &ge; 2). */
    public static Field grid(NDManager manager, Divergence divergence, double betaOut, double lo, double hi, int n) {
        if (n < 2 || !(hi > lo)) {
            throw new IllegalArgumentException("need n >= 2 and hi > lo");
        }
        double[] axis = new double[n];
        for (int k = 0; k < n; k++) {
            axis[k] = lo + (hi - lo) * k / (n - 1);
        }
        double[] sW = new double[n * n];
        double[] sL = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sW[i * n + j] = axis[j];
                sL[i * n + j] = axis[i];
            }
        }
        double[][] v = at(manager, divergence, betaOut, sW, sL);
        double[][] dW = new double[n][n];
        double[][] dL = new double[n][n];
        double[][] loss = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dW[i][j] = v[0][i * n + j];
                dL[i][j] = v[1][i * n + j];
                loss[i][j] = v[2][i * n + j];
            }
        }
        return new Field(divergence, betaOut, axis, dW, dL, loss);
    }

    private static double[] negate(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = -v[i];
        }
        return o;
    }
}
