package io.genalign.core.model.torchscript;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * TorchScript fixture files written by {@link TorchScriptArchiveWriter} into a temporary folder (once per JVM),
 * with their weights kept here for the Java reference computations:
 *
 * <ul>
 *   <li>{@link #squash()}: parameter-free, {@code forward(z) = tanh(0.5 z)};
 *   <li>{@link #classGenerator()}: float64 weights, {@code forward(z, c) = reshape(tanh(flatten(z) W + B[c]),
 *       (-1, 1, 4, 4))} with W (18, 16), B (10, 16), for latents (2, 3, 3);
 *   <li>{@link #embeddingReward()}: float32 weights, {@code forward(x, e) = tanh(flatten(x)) v + sum_j e_j} with
 *       v (16), images (1, 4, 4), prompt embeddings of shape (3);
 *   <li>{@link #convFeatures()}: float64 conv weight K (2, 1, 3, 3), {@code forward(x) = flatten(tanh(conv2d(x,
 *       K)))}, features of length 8 for images (1, 4, 4).
 * </ul>
 */
final class TorchScriptFixtures {
    static final Shape LATENT = new Shape(2, 3, 3);
    static final Shape IMAGE = new Shape(1, 4, 4);
    static final Shape EMBEDDING = new Shape(3);
    static final int FEATURES = 8;

    static final double[] W = random(18 * 16, 1.0 / Math.sqrt(18), 101);
    static final double[] B = random(10 * 16, 0.3, 102);
    /** Reward weights, already rounded to float32 as stored. */
    static final double[] V = toFloatPrecision(random(16, 1.0, 103));
    static final double[] K = random(2 * 9, 0.5, 104);
    static final double[] H = random(8, 0.5, 105);

    private static Path dir;

    private TorchScriptFixtures() {}

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("genalign-torchscript");
                dir.toFile().deleteOnExit();
                write("squash.pt", new TorchScriptArchiveWriter("Squash", """
                          def forward(self: __torch__.Squash,
                            z: Tensor) -> Tensor:
                            return torch.tanh(torch.mul(z, 0.5))
                        """, DataType.FLOAT64));
                write("class_generator.pt", new TorchScriptArchiveWriter("ClassGenerator", """
                          def forward(self: __torch__.ClassGenerator,
                            z: Tensor,
                            c: Tensor) -> Tensor:
                            h = torch.matmul(torch.flatten(z, 1), self.weight)
                            y = torch.add(h, torch.index_select(self.bias, 0, c))
                            return torch.reshape(torch.tanh(y), [-1, 1, 4, 4])
                        """, DataType.FLOAT64)
                        .parameter("weight", new long[] {18, 16}, W)
                        .parameter("bias", new long[] {10, 16}, B));
                write("embedding_reward.pt", new TorchScriptArchiveWriter("EmbeddingReward", """
                          def forward(self: __torch__.EmbeddingReward,
                            x: Tensor,
                            e: Tensor) -> Tensor:
                            s = torch.matmul(torch.tanh(torch.flatten(x, 1)), self.weight)
                            return torch.add(s, torch.sum(e, [1]))
                        """, DataType.FLOAT32)
                        .parameter("weight", new long[] {16}, V));
                write("conv_features.pt", new TorchScriptArchiveWriter("ConvFeatures", """
                          def forward(self: __torch__.ConvFeatures,
                            x: Tensor) -> Tensor:
                            return torch.flatten(torch.tanh(torch.conv2d(x, self.weight)), 1)
                        """, DataType.FLOAT64)
                        .parameter("weight", new long[] {2, 1, 3, 3}, K));
                write("conv_discriminator.pt", new TorchScriptArchiveWriter("ConvDiscriminator", """
                          def forward(self: __torch__.ConvDiscriminator,
                            x: Tensor) -> Tensor:
                            f = torch.flatten(torch.tanh(torch.conv2d(x, self.weight)), 1)
                            return torch.reshape(torch.matmul(f, self.head), [-1, 1])
                        """, DataType.FLOAT64)
                        .parameter("weight", new long[] {2, 1, 3, 3}, K)
                        .parameter("head", new long[] {8}, H));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static Path squash() {
        return dir().resolve("squash.pt");
    }

    static Path classGenerator() {
        return dir().resolve("class_generator.pt");
    }

    static Path embeddingReward() {
        return dir().resolve("embedding_reward.pt");
    }

    /** {@code forward(x) = reshape(flatten(tanh(conv2d(x, K))) . H, (-1, 1))}: logits over the conv features. */
    static Path convDiscriminator() {
        return dir().resolve("conv_discriminator.pt");
    }

    static Path convFeatures() {
        return dir().resolve("conv_features.pt");
    }

    private static void write(String name, TorchScriptArchiveWriter w) throws IOException {
        Path f = dir.resolve(name);
        w.write(f);
        f.toFile().deleteOnExit();
    }

    static double[] random(int n, double scale, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    private static double[] toFloatPrecision(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i];
        }
        return r;
    }

    // ---- Java references (one sample) ----

    /** tanh(flatten(z) W + B[c]) for one latent of 18 values. */
    static double[] classGeneratorReference(double[] z, int c) {
        double[] out = new double[16];
        for (int j = 0; j < 16; j++) {
            double s = B[c * 16 + j];
            for (int i = 0; i < 18; i++) {
                s += z[i] * W[i * 16 + j];
            }
            out[j] = Math.tanh(s);
        }
        return out;
    }

    /** d/dz of sum_j g_j out_j for the class generator: W (g * (1 - out^2)). */
    static double[] classGeneratorVjp(double[] z, int c, double[] g) {
        double[] out = classGeneratorReference(z, c);
        double[] grad = new double[18];
        for (int i = 0; i < 18; i++) {
            double s = 0;
            for (int j = 0; j < 16; j++) {
                s += W[i * 16 + j] * g[j] * (1 - out[j] * out[j]);
            }
            grad[i] = s;
        }
        return grad;
    }

    /** tanh(x) . v + sum(e) for one image of 16 values. */
    static double rewardReference(double[] x, double[] e) {
        double s = 0;
        for (int i = 0; i < 16; i++) {
            s += Math.tanh(x[i]) * V[i];
        }
        for (double v : e) {
            s += v;
        }
        return s;
    }

    /** flatten(tanh(conv2d(x, K))) for one 1x4x4 image: 2 channels x 2 x 2, C order. */
    static double[] convReference(double[] x) {
        double[] out = new double[8];
        for (int o = 0; o < 2; o++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 2; c++) {
                    double s = 0;
                    for (int u = 0; u < 3; u++) {
                        for (int v = 0; v < 3; v++) {
                            s += K[o * 9 + u * 3 + v] * x[(r + u) * 4 + (c + v)];
                        }
                    }
                    out[o * 4 + r * 2 + c] = Math.tanh(s);
                }
            }
        }
        return out;
    }
}
