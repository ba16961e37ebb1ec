package io.genalign.core.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.model.FeatureExtractor;
import java.util.Locale;

/**
 * The mollifier q = N(0, σ² I) in image space (project convention 4), approximated with M samples: every point gets
 * its own M i.i.d. noisy copies {@code x + ε_m} (never one shift shared across points: with identity features a
 * common shift cancels in x − x′), and the kernel averages over paired copies ({@link KernelMath}). With σ = 0
 * there is one copy and no noise (the plain kernel). Images in [-1, 1] are not clipped after the noise is added.
 *
 * @param sigma the noise standard deviation σ &ge; 0 (in image units, [-1, 1] scale)
 * @param copies M &ge; 1; must be 1 when σ = 0
 */
public record Mollifier(double sigma, int copies) {
    /** No smoothing: one noiseless copy. */
    public static final Mollifier NONE = new Mollifier(0, 1);

    public Mollifier {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("mollifier sigma must be >= 0 and finite, got " + sigma);
        }
        if (copies < 1 || copies > 64) {
            throw new IllegalArgumentException("mollifier copies M must be in 1..64, got " + copies);
        }
        if (sigma == 0 && copies != 1) {
            throw new IllegalArgumentException("a mollifier with sigma = 0 has exactly one copy, got " + copies);
        }
    }

    public boolean isNone() {
        return sigma == 0;
    }

    /**
     * Features of the noisy copies, shape (B, M, F): {@code φ(x_i + ε_{i,m})} with fresh noise from the engine's
     * random generator. Differentiable with respect to the images.
     */
    public NDArray features(FeatureExtractor phi, NDArray images) {
        long b = images.getShape().get(0);
        if (isNone()) {
            return phi.features(images).expandDims(1);
        }
        NDArray[] rep = new NDArray[copies];
        java.util.Arrays.fill(rep, images);
        Shape perImage = images.getShape().slice(1);
        NDArray stacked = NDArrays.stack(new NDList(rep), 1).reshape(new Shape(b * copies).addAll(perImage));
        NDArray noise = images.getManager().randomNormal(0f, (float) sigma, stacked.getShape(), images.getDataType());
        NDArray f = phi.features(stacked.add(noise));
        return f.reshape(b, copies, f.getShape().get(1));
    }

    @Override
    public String toString() {
        return isNone() ? "none" : String.format(Locale.ROOT, "N(0, %s^2) x %d", sigma, copies);
    }
}
