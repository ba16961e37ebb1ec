package io.genalign.core.flow;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.genalign.core.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Plumbing shared by the refiners: the current latents live in the refiner's own manager; every step works in a
 * sub-manager that is closed afterwards, and gradients are taken on a fresh copy of the latents (so nothing
 * accumulates across steps).
 */
abstract class BaseRefiner implements LatentRefiner {
    protected final FlowModels models;
    protected final NDManager manager;
    private NDArray latents;
    private int stepIndex;

    BaseRefiner(FlowModels models, NDManager parent) {
        this.models = models;
        this.manager = parent.newSubManager();
    }

    @Override
    public final void initialise(NDArray z0) {
        int b = io.genalign.core.model.ModelInputs.requireBatch(z0, models.generator().latentShape(), "latents");
        io.genalign.core.model.ModelInputs.requireCondition(models.condition(), b);
        NDArray copy = z0.stopGradient().duplicate();
        copy.attach(manager);
        replace(copy);
        stepIndex = 0;
        onInitialise(copy);
    }

    /** One-off work after the latents are set. */
    protected void onInitialise(NDArray z0) {}

    @Override
    public final FlowStep step() {
        if (latents == null) {
            throw new IllegalStateException(name() + ": initialise before step");
        }
        long t0 = System.nanoTime();
        Map<String, Double> figures = new LinkedHashMap<>();
        try (NDManager sm = manager.newSubManager()) {
            NDArray z = latents.duplicate();
            z.attach(sm);
            NDArray next = update(sm, z, figures).stopGradient();
            figures.put("latent_shift", meanRowNorm(next.sub(z)));
            next.attach(manager);
            replace(next);
        }
        figures.put("step_seconds", (System.nanoTime() - t0) / 1e9);
        return new FlowStep(stepIndex++, figures);
    }

    /** The new latents from the current ones {@code z} (in {@code sm}); records figures. */
    protected abstract NDArray update(NDManager sm, NDArray z, Map<String, Double> figures);

    @Override
    public final NDArray latents() {
        return latents;
    }

    private void replace(NDArray next) {
        if (latents != null && latents != next) {
            latents.close();
        }
        latents = next;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** ∇_z of the sum of {@code objective(z)} (per-particle values, shape (B)), on a fresh copy of z. */
    static NDArray gradient(NDManager sm, NDArray z, Function<NDArray, NDArray> objective) {
        NDArray zz = z.stopGradient().duplicate();
        zz.attach(sm);
        zz.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(objective.apply(zz).sum());
        }
        NDArray g = zz.getGradient().duplicate();
        g.attach(sm);
        return g;
    }

    /** Per-row Euclidean norm of a (B, ...) array, as doubles. */
    static double[] rowNorms(NDArray a) {
        long b = a.getShape().get(0);
        double[] v = a.reshape(b, -1).square().sum(new int[] {1}).sqrt()
                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        return v;
    }

    static double meanRowNorm(NDArray a) {
        return mean(rowNorms(a));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double meanOf(NDArray a) {
        return mean(a.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray());
    }

    /** Standard normal noise like z, times {@code scale}. */
    static NDArray noise(NDManager sm, NDArray z, double scale) {
        return sm.randomNormal(z.getShape(), z.getDataType()).mul(Tensors.scalar(z, scale));
    }

    /** (B) per-particle factors broadcast against a (B, ...) array. */
    static NDArray perRow(NDArray factors, NDArray like) {
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = like.getShape().get(0);
        return factors.reshape(new ai.djl.ndarray.types.Shape(shape));
    }

    /** Clips to [−c, c] when c &gt; 0. */
    static NDArray clip(NDArray z, double c) {
        return c > 0 ? z.clip(-c, c) : z;
    }
}
