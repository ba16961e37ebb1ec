package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import io.genalign.core.runtime.Tensors;
import java.util.Map;

/**
 * Exact Gaussian score "estimators" for the flow facts (test fixtures): the potential is the isotropic Gaussian
 * log density −‖φ − μ‖²/(2s²) on copy 0, either with a given μ, s (the exact target) or with μ, s fitted as the
 * samples' mean and (population) standard deviation over all coordinates.
 */
final class GaussianScores implements ScoreEstimator {
    private final double mean;
    private final double std;

    private GaussianScores(double mean, double std) {
        this.mean = mean;
        this.std = std;
    }

    static GaussianScores exact(double mean, double std) {
        return new GaussianScores(mean, std);
    }

    static GaussianScores fitted() {
        return new GaussianScores(Double.NaN, Double.NaN);
    }

    @Override
    public String name() {
        return "gaussian";
    }

    @Override
    public Mollifier mollifier() {
        return Mollifier.NONE;
    }

    @Override
    public ScoreFit fit(NDArray sampleFeatures) {
        double mu = mean;
        double s = std;
        if (Double.isNaN(mean)) {
            double[] v = sampleFeatures.get(":, 0, :").toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .toDoubleArray();
            double sum = 0;
            for (double x : v) {
                sum += x;
            }
            mu = sum / v.length;
            double ss = 0;
            for (double x : v) {
                ss += (x - mu) * (x - mu);
            }
            s = Math.sqrt(ss / v.length);
        }
        double m = mu;
        double sd = s;
        return new ScoreFit() {
            @Override
            public NDArray potential(NDArray queries, boolean queriesAreSamples) {
                NDArray d = queries.get(":, 0, :").sub(Tensors.scalar(queries, m));
                return d.square().sum(new int[] {1}).mul(Tensors.scalar(queries, -1.0 / (2 * sd * sd)));
            }

            @Override
            public double bandwidth() {
                return Double.NaN;
            }

            @Override
            public Map<String, Double> diagnostics() {
                return Map.of("mean", m, "std", sd);
            }
        };
    }
}
