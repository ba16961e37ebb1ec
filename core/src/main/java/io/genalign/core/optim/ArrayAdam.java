package io.genalign.core.optim;

import java.math.BigDecimal;

/**
 * Adam on a plain double array (for small studies without a block). For gradient g at update k = 1, 2, …:
 * <pre>
 *   m ← b1 m + (1 − b1) g;  v ← b2 v + (1 − b2) g²;  m̂ = m/(1 − b1^k);  v̂ = v/(1 − b2^k)
 *   x ← x − lr·m̂/(sqrt(v̂) + eps)
 * </pre>
 * in double; 1 − b is formed in decimal from b's shortest representation (b1 = 0.9 gives the double 0.1, as it
 * is written by hand), and lr·m̂ is divided by sqrt(v̂) + eps.
 */
public final class ArrayAdam {
    /** PyTorch's default betas and epsilon. */
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double oneMinusBeta1;
    private final double oneMinusBeta2;
    private final double eps;
    private final double[] m;
    private final double[] v;
    private int updates;

    /** Adam over {@code n} values with learning rate {@code lr} and the default betas and epsilon. */
    public ArrayAdam(int n, double lr) {
        this(n, lr, BETA1, BETA2, EPS);
    }

    public ArrayAdam(int n, double lr, double beta1, double beta2, double eps) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.oneMinusBeta1 = complement(beta1);
        this.oneMinusBeta2 = complement(beta2);
        this.eps = eps;
        this.m = new double[n];
        this.v = new double[n];
    }

    private static double complement(double b) {
        return BigDecimal.ONE.subtract(new BigDecimal(Double.toString(b))).doubleValue();
    }

    /** Updates done so far. */
    public int updates() {
        return updates;
    }

    /** One update of {@code x} in place with gradient {@code grad}. */
    public void step(double[] x, double[] grad) {
        if (x.length != m.length || grad.length != m.length) {
            throw new IllegalArgumentException("expected " + m.length + " values, got " + x.length + " and "
                    + grad.length + " gradients");
        }
        updates++;
        double c1 = 1 - Math.pow(beta1, updates);
        double c2 = 1 - Math.pow(beta2, updates);
        for (int i = 0; i < x.length; i++) {
            m[i] = beta1 * m[i] + oneMinusBeta1 * grad[i];
            v[i] = beta2 * v[i] + oneMinusBeta2 * grad[i] * grad[i];
            double mh = m[i] / c1;
            double vh = v[i] / c2;
            x[i] -= lr * mh / (Math.sqrt(vh) + eps);
        }
    }
}
