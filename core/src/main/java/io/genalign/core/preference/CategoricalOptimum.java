package io.genalign.core.preference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * The categorical toy of spec §8 checks 1 and 2: a policy pi = softmax(theta) over K outcomes, a fixed reference
 * pi_ref and Bradley–Terry labels from a known reward r. The population f-DPO loss
 * <pre>
 *   F(theta) = sum_{i != j} pi_ref(i) pi_ref(j) sigma(r_i − r_j) · L(s_i, s_j),   s = log pi − log pi_ref
 * </pre>
 * (outcome i the winner with probability sigma(r_i − r_j)) is evaluated with {@link FDpoLoss#compute} (kappa = 1,
 * so Delta = −s; beta_out = beta) and minimised by gradient descent with Barzilai–Borwein steps through autograd,
 * in float64. At the optimum beta·phi(s_i) − r_i is the same for every i (spec §10 fact 14).
 */
public final class CategoricalOptimum {
    private CategoricalOptimum() {}

    /**
     * The minimiser found.
     *
     * @param gradMax largest |∂F/∂theta_i| at the end
     */
    public record Result(double[] pi, double loss, double gradMax, int iterations) {
        /** Shannon entropy of pi (nats). */
        public double entropy() {
            return CategoricalOptimum.entropy(pi);
        }

        /** E_pi r. */
        public double reward(double[] r) {
            return CategoricalOptimum.expectation(pi, r);
        }
    }

    /**
     * Minimises F from theta = log pi_ref until the largest gradient entry is below {@code tol} or
     * {@code maxIterations} are done.
     */
    public static Result fit(NDManager manager, double[] piRef, double[] reward, Divergence divergence, double beta,
                             int maxIterations, double tol) {
        int k = piRef.length;
        if (reward.length != k || k < 2) {
            throw new IllegalArgumentException("pi_ref and r must have the same length >= 2");
        }
        int pairs = k * (k - 1);
        double[] aw = new double[pairs * k];
        double[] al = new double[pairs * k];
        double[] weight = new double[pairs];
        int p = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                if (i == j) {
                    continue;
                }
                aw[p * k + i] = 1;
                al[p * k + j] = 1;
                weight[p] = piRef[i] * piRef[j] * StableMath.sigmoid(reward[i] - reward[j]);
                p++;
            }
        }
        FDpoLoss loss = FDpoLoss.builder().setDivergence(divergence).optKappa(1.0).optBetaOut(beta).build();
        double[] theta = new double[k];
        double[] logRef = new double[k];
        for (int i = 0; i < k; i++) {
            logRef[i] = Math.log(piRef[i]);
            theta[i] = logRef[i];
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray pickW = m.create(aw, new ai.djl.ndarray.types.Shape(pairs, k));
            NDArray pickL = m.create(al, new ai.djl.ndarray.types.Shape(pairs, k));
            NDArray w = m.create(weight);
            NDArray lr = m.create(logRef);
            double[] prevTheta = null;
            double[] prevGrad = null;
            double step = 1.0;
            double value = Double.NaN;
            double[] grad = null;
            int it = 0;
            for (; it <= maxIterations; it++) {
                try (NDManager sm = m.newSubManager()) {
                    NDArray th = sm.create(theta);
                    th.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray s = th.logSoftmax(0).sub(lr);
                        NDArray deltaW = pickW.matMul(s.reshape(k, 1)).reshape(pairs).neg();
                        NDArray deltaL = pickL.matMul(s.reshape(k, 1)).reshape(pairs).neg();
                        NDArray f = loss.compute(deltaW, deltaL).loss().mul(w).sum();
                        value = f.getDouble();
                        gc.backward(f);
                    }
                    grad = th.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                }
                double gmax = 0;
                for (double g : grad) {
                    gmax = Math.max(gmax, Math.abs(g));
                }
                if (gmax < tol || it == maxIterations) {
                    return new Result(softmax(theta), value, gmax, it);
                }
                if (prevGrad != null) {
                    double ss = 0;
                    double sy = 0;
                    for (int i = 0; i < k; i++) {
                        double ds = theta[i] - prevTheta[i];
                        double dy = grad[i] - prevGrad[i];
                        ss += ds * ds;
                        sy += ds * dy;
                    }
                    step = sy > 0 ? Math.min(ss / sy, 1e3) : 1.0;
                }
                prevTheta = theta.clone();
                prevGrad = grad.clone();
                for (int i = 0; i < k; i++) {
                    theta[i] -= step * grad[i];
                }
            }
            throw new IllegalStateException("unreachable");
        }
    }

    /** softmax of theta. */
    public static double[] softmax(double[] theta) {
        double mx = Double.NEGATIVE_INFINITY;
        for (double t : theta) {
            mx = Math.max(mx, t);
        }
        double[] p = new double[theta.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(theta[i] - mx);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }

    /** Shannon entropy (nats). */
    public static double entropy(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    /** sum p_i r_i. */
    public static double expectation(double[] p, double[] r) {
        double e = 0;
        for (int i = 0; i < p.length; i++) {
            e += p[i] * r[i];
        }
        return e;
    }
}
