package io.genalign.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.genalign.core.model.Condition;
import io.genalign.core.model.Discriminator;
import io.genalign.core.runtime.Tensors;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** DGflow, DDLS and DOT on closed-form discriminators, and fact 15 (DGflow-KL = GMI with exact scores). */
class BaselinesTest extends FlowTestBase {

    /** A "discriminator" on (B, d) points with a given logit function. */
    private static Discriminator logit(UnaryOperator<NDArray> f) {
        return new Discriminator() {
            @Override
            public NDArray logits(NDArray images, Condition condition) {
                return f.apply(images);
            }

            @Override
            public String name() {
                return "closed-form";
            }

            @Override
            public int featureDim() {
                return 1;
            }

            @Override
            public NDArray features(NDArray images) {
                return images;
            }
        };
    }

    /** log N(x; μ, s² I) up to a constant, per row. */
    private static NDArray logGaussian(NDArray x, double mu, double s) {
        return x.sub(Tensors.scalar(x, mu)).square().sum(new int[] {1}).mul(Tensors.scalar(x, -0.5 / (s * s)));
    }

    private FlowModels models(FlowFixtures.LinearGenerator g, int n, Discriminator d, double[][] data) {
        return new FlowModels(g, FlowFixtures.condition(n), new FlowFixtures.IdentityFeatures(
                (int) g.imageShape().get(0)), data == null ? null : FlowFixtures.rows(manager, data), null, d);
    }

    /** Fact 15: with d = log p_data − log p_g exactly, DGflow-KL's step equals GMI's with η3 = 0 and exact scores. */
    @Test
    void dgflowKlEqualsGmiWithExactScores() {
        double[][] a = {{1, 0.3}, {-0.2, 0.8}};
        FlowFixtures.LinearGenerator g = new FlowFixtures.LinearGenerator(a, new double[] {0.5, -0.3});
        Discriminator d = logit(x -> logGaussian(x, 1.5, 0.7).sub(logGaussian(x, -0.5, 1.3)));
        double[][] z0 = FlowFixtures.gaussian(new Random(SEED), 32, 2, 0, 1);
        double eta = 0.2;
        double[][] viaDgflow;
        try (DgFlow flow = new DgFlow(models(g, 32, d, null), manager, eta, 0, DgFlow.Functional.KL)) {
            viaDgflow = FlowFixtures.toRows(Refinement.run(flow, FlowFixtures.rows(manager, z0), 3, manager, null)
                    .finalLatents());
        }
        double[][] viaGmi;
        try (ParticleFlow flow = ParticleFlow.builder().setModels(models(g, 32, null, new double[][] {{0, 0}}))
                .setDataEstimator(GaussianScores.exact(1.5, 0.7)).setParticleEstimator(GaussianScores.exact(-0.5, 1.3))
                .optStepSizes(eta, eta, 0).build(manager)) {
            viaGmi = FlowFixtures.toRows(Refinement.run(flow, FlowFixtures.rows(manager, z0), 3, manager, null)
                    .finalLatents());
        }
        assertTrue(FlowFixtures.maxAbsDiff(viaDgflow, z0) > 0.05, "the flow did not move");
        assertEquals(0, FlowFixtures.maxAbsDiff(viaDgflow, viaGmi), 1e-12);
    }

    /** DGflow's JS and logD variants scale the KL velocity by σ(d) and σ(−d). */
    @Test
    void dgflowVariantsScaleTheVelocity() {
        FlowFixtures.LinearGenerator g = FlowFixtures.LinearGenerator.identity(1);
        Discriminator d = logit(x -> x.get(":, 0").mul(Tensors.scalar(x, 2.0)).add(Tensors.scalar(x, 0.5)));
        double[][] z0 = {{-1}, {0}, {1.5}};
        for (DgFlow.Functional div : DgFlow.Functional.values()) {
            try (DgFlow flow = new DgFlow(models(g, 3, d, null), manager, 0.1, 0, div)) {
                double[][] z = FlowFixtures.toRows(Refinement.run(flow, FlowFixtures.rows(manager, z0), 1, manager,
                        null).finalLatents());
                for (int i = 0; i < 3; i++) {
                    double logit = 2 * z0[i][0] + 0.5;
                    double s = div == DgFlow.Functional.KL ? 1 : div == DgFlow.Functional.JS
                            ? 1 / (1 + Math.exp(-logit)) : 1 / (1 + Math.exp(logit));
                    assertEquals(z0[i][0] + 0.1 * s * 2, z[i][0], 1e-12, div + " particle " + i);
                }
            }
        }
    }

    /**
     * DDLS samples exp(−E): with G = id and d = log N(x; μ, 1), E(z) = ‖z‖²/2 − d(z) is minimised by N(μ/2, 1/2); a long
     * chain of many particles matches its mean and variance.
     */
    @Test
    void ddlsSamplesTheLatentEnergy() {
        FlowFixtures.LinearGenerator g = FlowFixtures.LinearGenerator.identity(1);
        double mu = 2;
        Discriminator d = logit(x -> logGaussian(x, mu, 1));
        double[][] z0 = FlowFixtures.gaussian(new Random(SEED + 1), 2000, 1, 0, 1);
        try (Ddls flow = new Ddls(models(g, 2000, d, null), manager, 0.05)) {
            double[][] z = FlowFixtures.toRows(Refinement.run(flow, FlowFixtures.rows(manager, z0), 300, manager,
                    null).finalLatents());
            double m = 0;
            for (double[] p : z) {
                m += p[0] / z.length;
            }
            double v = 0;
            for (double[] p : z) {
                v += (p[0] - m) * (p[0] - m) / z.length;
            }
            assertEquals(mu / 2, m, 0.06);
            // the Euler-Maruyama chain's stationary variance is 1/(2 - ε/2) for this quadratic energy
            assertEquals(1 / (2 - 0.05 / 2), v, 0.06);
        }
    }

    /** DOT: k_eff of a linear critic is close to ‖w‖ (never above), and one SGD step matches the hand formula. */
    @Test
    void dotEffectiveLipschitzAndStep() {
        FlowFixtures.LinearGenerator g = FlowFixtures.LinearGenerator.identity(2);
        double[] w = {3, -4};
        Discriminator d = logit(x -> x.get(":, 0").mul(Tensors.scalar(x, w[0]))
                .add(x.get(":, 1").mul(Tensors.scalar(x, w[1]))));
        double[][] z0 = {{0.5, -1}, {1, 2}};
        try (Dot dot = new Dot(models(g, 2, d, null), manager, 0.01, 0.001, 100)) {
            Refinement.Result r = Refinement.run(dot, FlowFixtures.rows(manager, z0), 1, manager, null);
            double k = dot.kEff();
            assertTrue(k <= 5 + 1e-9 && k > 4.5, "k_eff " + k);
            double[][] z = FlowFixtures.toRows(r.finalLatents());
            for (int i = 0; i < 2; i++) {
                // at z = z_y: ∇‖z − z_y + δ‖ = δ1/‖δ1‖ = 1/√2 each; g = −w/k + that
                double[] gr = {-w[0] / k + 1 / Math.sqrt(2), -w[1] / k + 1 / Math.sqrt(2)};
                double gz = gr[0] * z0[i][0] + gr[1] * z0[i][1];
                for (int c = 0; c < 2; c++) {
                    double step = gr[c] - z0[i][c] * gz / Math.sqrt(2);
                    assertEquals(z0[i][c] - 0.01 * step, z[i][c], 1e-12);
                }
            }
        }
    }

    /** Methods say what they are missing. */
    @Test
    void missingModelsAreNamed() {
        FlowFixtures.LinearGenerator g = FlowFixtures.LinearGenerator.identity(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Ddls(models(g, 2, null, null), manager, 0.01));
        assertTrue(e.getMessage().contains("discriminator"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Refiners.create(RefineMethod.GMI,
                new FlowModels(g, FlowFixtures.condition(2), null, null, null, null), RefineOptions.builder().build(),
                manager));
        assertEquals(RefineMethod.DGFLOW, RefineMethod.parse(" DGflow "));
        assertThrows(IllegalArgumentException.class, () -> RefineMethod.parse("gan"));
    }
}
