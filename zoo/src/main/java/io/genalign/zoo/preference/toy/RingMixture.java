package io.genalign.zoo.preference.toy;

import java.util.SplittableRandom;

/**
 * The toy's data: an equal-weight mixture of {@code modes} isotropic Gaussians (standard deviation {@code std}) whose
 * centres lie evenly on a circle of radius {@code radius}, centre k at angle 2πk/modes. The reward depends on the
 * angle alone, r(x) = cos(angle(x)): it favours mode 0 (r = 1), then its neighbours, and dislikes the opposite mode
 * (r = −1); over the reference mixture its mean is 0.
 */
public record RingMixture(int modes, double radius, double std) {
    /** Samples within this many standard deviations of a centre belong to that mode. */
    public static final double MODE_RADIUS_STDS = 3.0;

    public RingMixture {
        if (modes < 2 || !(radius > 0) || !(std > 0)) {
            throw new IllegalArgumentException("need >= 2 modes, radius > 0 and std > 0");
        }
        if (2 * radius * Math.sin(Math.PI / modes) <= 2 * MODE_RADIUS_STDS * std) {
            throw new IllegalArgumentException("modes overlap: the centres must be more than " + 2 * MODE_RADIUS_STDS
                    + " standard deviations apart");
        }
    }

    public double centreX(int k) {
        return radius * Math.cos(2 * Math.PI * k / modes);
    }

    public double centreY(int k) {
        return radius * Math.sin(2 * Math.PI * k / modes);
    }

    /** n points (x, y interleaved), the mode drawn uniformly, from {@code rng}. */
    public float[] sample(int n, SplittableRandom rng) {
        float[] v = new float[2 * n];
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(modes);
            v[2 * i] = (float) (centreX(k) + std * gaussian(rng));
            v[2 * i + 1] = (float) (centreY(k) + std * gaussian(rng));
        }
        return v;
    }

    /** The reward r(x, y) = cos(atan2(y, x)); 0 at the origin. */
    public double reward(double x, double y) {
        double n = Math.hypot(x, y);
        return n == 0 ? 0.0 : x / n;
    }

    /** The mode whose centre is nearest to (x, y). */
    public int nearest(double x, double y) {
        double a = Math.atan2(y, x);
        int k = (int) Math.round(a / (2 * Math.PI / modes));
        return Math.floorMod(k, modes);
    }

    /** The mode (x, y) belongs to (within {@link #MODE_RADIUS_STDS} std of its centre), or −1. */
    public int modeOf(double x, double y) {
        int k = nearest(x, y);
        return Math.hypot(x - centreX(k), y - centreY(k)) <= MODE_RADIUS_STDS * std ? k : -1;
    }

    /**
     * What a sample set looks like in terms of the mixture.
     *
     * @param shares         share of all samples in each mode
     * @param offMode        share of samples in no mode
     * @param surviving      modes holding at least {@code surviveShare} of the samples
     * @param effectiveModes exp(entropy) of the mode shares renormalised over the samples in modes
     * @param meanReward     mean reward over all samples
     */
    public record Stats(double[] shares, double offMode, int surviving, double effectiveModes, double meanReward) {}

    /** The statistics of points (x, y interleaved); a mode survives with a share of at least {@code surviveShare}. */
    public Stats stats(float[] points, double surviveShare) {
        int n = points.length / 2;
        double[] shares = new double[modes];
        double off = 0;
        double reward = 0;
        for (int i = 0; i < n; i++) {
            double x = points[2 * i];
            double y = points[2 * i + 1];
            reward += reward(x, y);
            int k = modeOf(x, y);
            if (k < 0) {
                off++;
            } else {
                shares[k]++;
            }
        }
        int surviving = 0;
        double on = n - off;
        double h = 0;
        for (int k = 0; k < modes; k++) {
            if (on > 0 && shares[k] > 0) {
                double p = shares[k] / on;
                h -= p * Math.log(p);
            }
            shares[k] /= n;
            if (shares[k] >= surviveShare) {
                surviving++;
            }
        }
        return new Stats(shares, off / n, surviving, on > 0 ? Math.exp(h) : 0.0, reward / n);
    }

    /** A standard normal draw from {@code rng} (Box–Muller; deterministic given the generator's state). */
    public static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
