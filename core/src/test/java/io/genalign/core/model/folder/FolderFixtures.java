package io.genalign.core.model.folder;

import ai.djl.ndarray.types.DataType;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.io.NpyDtype;
import io.genalign.core.model.torchscript.TorchScriptArchiveWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Model folders written from Java for the folder tests: TorchScript archives written by {@link
 * TorchScriptArchiveWriter} (float32 weights, kept here rounded to float32 for the Java references), a WordLevel
 * {@code tokenizer.json}, real samples and a manifest. Images are (1, 4, 4), latents (2, 3, 3), token rows
 * {@value #MAX_LENGTH} long over a vocabulary of {@value #VOCAB} words:
 *
 * <ul>
 *   <li>{@code generator.pt} (TokenGenerator): {@code reshape(tanh(flatten(z) W + sum_l E[t_l]), (-1, 1, 4, 4))}
 *       with W (18, 16), E (8, 16);
 *   <li>{@code clip_score.pt} (TokenReward): {@code tanh(flatten(x)) . V + sum_l U[t_l]} with V (16), U (8);
 *   <li>{@code aesthetic.pt} (Aesthetic): {@code tanh(flatten(x)) . A}, shape (B, 1);
 *   <li>{@code features.pt}: {@code flatten(tanh(conv2d(x, K)))}, K (2, 1, 3, 3), 8 features;
 *   <li>{@code discriminator.pt}: {@code flatten(x) . D}, shape (B).
 * </ul>
 */
final class FolderFixtures {
    static final int VOCAB = 8;
    static final int MAX_LENGTH = 4;
    static final List<String> WORDS = List.of("[PAD]", "[UNK]", "a", "photo", "of", "cat", "dog", "red");

    static final double[] W = f32(random(18 * 16, 1.0 / Math.sqrt(18), 201));
    static final double[] E = f32(random(VOCAB * 16, 0.3, 202));
    static final double[] V = f32(random(16, 1.0, 203));
    static final double[] U = f32(random(VOCAB, 0.5, 204));
    static final double[] A = f32(random(16, 1.0, 205));
    static final double[] K = f32(random(2 * 9, 0.5, 206));
    static final double[] D = f32(random(16, 0.7, 207));
    static final double[] CB = f32(random(3 * 16, 0.3, 208));

    static final String TOKEN_GENERATOR = """
              def forward(self: __torch__.TokenGenerator,
                z: Tensor,
                t: Tensor) -> Tensor:
                h = torch.matmul(torch.flatten(z, 1), self.weight)
                e = torch.index_select(self.emb, 0, torch.flatten(t))
                s = torch.sum(torch.reshape(e, [-1, 4, 16]), [1])
                return torch.reshape(torch.tanh(torch.add(h, s)), [-1, 1, 4, 4])
            """;

    private FolderFixtures() {}

    /** The WordLevel tokenizer.json: lowercase, whitespace pre-tokenizer, [PAD] = 0, [UNK] = 1. */
    static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < WORDS.size(); i++) {
            vocab.append(i == 0 ? "" : ", ").append('"').append(WORDS.get(i)).append("\": ").append(i);
        }
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
                + "\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"post_processor\":null,\"decoder\":null,"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"[UNK]\"}}";
    }

    /** Java tokenization of the fixture tokenizer: lowercase, split on spaces (words only), unknown = 1. */
    static long[] tokens(String prompt, int maxLength) {
        long[] row = new long[maxLength];
        int n = 0;
        for (String w : prompt.toLowerCase(Locale.ROOT).trim().split("\\s+")) {
            if (w.isEmpty() || n == maxLength) {
                continue;
            }
            int id = WORDS.indexOf(w);
            row[n++] = id < 0 ? 1 : id;
        }
        return row;
    }

    /** The text-to-image folder: every part, tokens:clip conditions, and {@code manifest} as its manifest. */
    static Path writeTextFolder(Path dir, String manifest) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
        new TorchScriptArchiveWriter("TokenGenerator", TOKEN_GENERATOR, DataType.FLOAT32)
                .parameter("weight", new long[] {18, 16}, W).parameter("emb", new long[] {VOCAB, 16}, E)
                .write(dir.resolve("generator.pt"));
        new TorchScriptArchiveWriter("TokenReward", """
                  def forward(self: __torch__.TokenReward,
                    x: Tensor,
                    t: Tensor) -> Tensor:
                    s = torch.matmul(torch.tanh(torch.flatten(x, 1)), self.weight)
                    e = torch.index_select(self.tok, 0, torch.flatten(t))
                    return torch.add(s, torch.sum(torch.reshape(e, [-1, 4]), [1]))
                """, DataType.FLOAT32).parameter("weight", new long[] {16}, V).parameter("tok", new long[] {VOCAB}, U)
                .write(dir.resolve("clip_score.pt"));
        new TorchScriptArchiveWriter("Aesthetic", """
                  def forward(self: __torch__.Aesthetic,
                    x: Tensor) -> Tensor:
                    s = torch.matmul(torch.tanh(torch.flatten(x, 1)), self.weight)
                    return torch.reshape(s, [-1, 1])
                """, DataType.FLOAT32).parameter("weight", new long[] {16}, A).write(dir.resolve("aesthetic.pt"));
        new TorchScriptArchiveWriter("ConvFeatures", """
                  def forward(self: __torch__.ConvFeatures,
                    x: Tensor) -> Tensor:
                    return torch.flatten(torch.tanh(torch.conv2d(x, self.weight)), 1)
                """, DataType.FLOAT32).parameter("weight", new long[] {2, 1, 3, 3}, K)
                .write(dir.resolve("features.pt"));
        new TorchScriptArchiveWriter("Disc", """
                  def forward(self: __torch__.Disc,
                    x: Tensor) -> Tensor:
                    return torch.matmul(torch.flatten(x, 1), self.weight)
                """, DataType.FLOAT32).parameter("weight", new long[] {16}, D).write(dir.resolve("discriminator.pt"));
        Npy.write(dir.resolve("real.npy"), new NpyArray(new long[] {5, 1, 4, 4}, uniform(80, 0.95, 209),
                NpyDtype.FLOAT32));
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), manifest, StandardCharsets.UTF_8);
        return dir;
    }

    /** The manifest of {@link #writeTextFolder}: every key of format 1. */
    static String textManifest() {
        return """
                {
                  "format": 1,
                  "name": "tiny-text",
                  "image": {"channels": 1, "height": 4, "width": 4, "range": [-1, 1]},
                  "prompts": {"kind": "text"},
                  "tokenizers": {"clip": {"file": "tokenizer.json", "max_length": 4}},
                  "generator": {"file": "generator.pt", "latent_shape": [2, 3, 3], "condition": "tokens:clip"},
                  "rewards": {"clip-score": {"file": "clip_score.pt", "condition": "tokens:clip"},
                              "aesthetic": {"file": "aesthetic.pt", "condition": "none"}},
                  "features": {"file": "features.pt", "dim": 8},
                  "discriminator": {"file": "discriminator.pt", "condition": "none"},
                  "real_samples": "real.npy"
                }
                """;
    }

    /** A class folder: a float32 class generator over 3 classes and the aesthetic reward. */
    static Path writeClassFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        new TorchScriptArchiveWriter("ClassGenerator", """
                  def forward(self: __torch__.ClassGenerator,
                    z: Tensor,
                    c: Tensor) -> Tensor:
                    h = torch.matmul(torch.flatten(z, 1), self.weight)
                    y = torch.add(h, torch.index_select(self.bias, 0, c))
                    return torch.reshape(torch.tanh(y), [-1, 1, 4, 4])
                """, DataType.FLOAT32).parameter("weight", new long[] {18, 16}, W)
                .parameter("bias", new long[] {3, 16}, CB).write(dir.resolve("generator.pt"));
        new TorchScriptArchiveWriter("Aesthetic", """
                  def forward(self: __torch__.Aesthetic,
                    x: Tensor) -> Tensor:
                    return torch.matmul(torch.tanh(torch.flatten(x, 1)), self.weight)
                """, DataType.FLOAT32).parameter("weight", new long[] {16}, A).write(dir.resolve("aesthetic.pt"));
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), """
                {
                  "format": 1,
                  "name": "tiny-class",
                  "image": {"channels": 1, "height": 4, "width": 4},
                  "prompts": {"kind": "class", "classes": ["T-shirt/top", "trouser", "ankle boot"],
                              "synonyms": {"tshirt": "t-shirt/top", "boot": "Ankle Boot"}},
                  "generator": {"file": "generator.pt", "latent_shape": [2, 3, 3], "condition": "class"},
                  "rewards": {"aesthetic": {"file": "aesthetic.pt"}}
                }
                """, StandardCharsets.UTF_8);
        return dir;
    }

    /** An embedding folder: prompts/a-red-cat.npy and prompts/dog.npy (shape (3)), an embedding reward. */
    static Path writeEmbeddingFolder(Path dir, Map<String, double[]> embeddings) throws IOException {
        Files.createDirectories(dir.resolve("prompts"));
        for (Map.Entry<String, double[]> e : embeddings.entrySet()) {
            Npy.write(dir.resolve("prompts").resolve(e.getKey() + ".npy"), new NpyArray(new long[] {3}, e.getValue(),
                    NpyDtype.FLOAT64));
        }
        new TorchScriptArchiveWriter("Squash", """
                  def forward(self: __torch__.Squash,
                    z: Tensor) -> Tensor:
                    return torch.tanh(torch.mul(z, 0.5))
                """, DataType.FLOAT32).write(dir.resolve("generator.pt"));
        new TorchScriptArchiveWriter("EmbeddingReward", """
                  def forward(self: __torch__.EmbeddingReward,
                    x: Tensor,
                    e: Tensor) -> Tensor:
                    s = torch.matmul(torch.tanh(torch.flatten(x, 1)), self.weight)
                    return torch.add(s, torch.sum(e, [1]))
                """, DataType.FLOAT32).parameter("weight", new long[] {16}, V).write(dir.resolve("reward.pt"));
        Files.writeString(dir.resolve(ModelFolder.MANIFEST), """
                {
                  "format": 1,
                  "name": "tiny-embedding",
                  "image": {"channels": 1, "height": 4, "width": 4},
                  "prompts": {"kind": "embedding", "dir": "prompts"},
                  "generator": {"file": "generator.pt", "latent_shape": [1, 4, 4]},
                  "rewards": {"prompt-match": {"file": "reward.pt", "condition": "embedding"}}
                }
                """, StandardCharsets.UTF_8);
        return dir;
    }

    // ---- Java references (one sample, float64 over the float32-rounded weights) ----

    /** tanh(flatten(z) W + sum_l E[t_l]) for one latent of 18 values. */
    static double[] generatorReference(double[] z, long[] t) {
        double[] out = new double[16];
        for (int j = 0; j < 16; j++) {
            double s = 0;
            for (int i = 0; i < 18; i++) {
                s += z[i] * W[i * 16 + j];
            }
            for (long id : t) {
                s += E[(int) id * 16 + j];
            }
            out[j] = Math.tanh(s);
        }
        return out;
    }

    /** d/dz of sum_j g_j out_j for the token generator. */
    static double[] generatorVjp(double[] z, long[] t, double[] g) {
        double[] out = generatorReference(z, t);
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

    /** tanh(flatten(z) W + CB[c]) for the class generator. */
    static double[] classGeneratorReference(double[] z, int c) {
        double[] out = new double[16];
        for (int j = 0; j < 16; j++) {
            double s = CB[c * 16 + j];
            for (int i = 0; i < 18; i++) {
                s += z[i] * W[i * 16 + j];
            }
            out[j] = Math.tanh(s);
        }
        return out;
    }

    /** tanh(x) . w for one image of 16 values. */
    static double tanhDot(double[] x, double[] w) {
        double s = 0;
        for (int i = 0; i < 16; i++) {
            s += Math.tanh(x[i]) * w[i];
        }
        return s;
    }

    /** d/dx of tanh(x) . w. */
    static double[] tanhDotGradient(double[] x, double[] w) {
        double[] g = new double[16];
        for (int i = 0; i < 16; i++) {
            double t = Math.tanh(x[i]);
            g[i] = w[i] * (1 - t * t);
        }
        return g;
    }

    /** The clip-score fixture: tanh(x) . V + sum_l U[t_l]. */
    static double clipScoreReference(double[] x, long[] t) {
        double s = tanhDot(x, V);
        for (long id : t) {
            s += U[(int) id];
        }
        return s;
    }

    static double[] random(int n, double scale, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    static double[] uniform(int n, double scale, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (2 * rnd.nextDouble() - 1);
        }
        return f32(v);
    }

    static double[] f32(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (float) v[i];
        }
        return r;
    }

    static List<Double> list(double[] v) {
        List<Double> l = new ArrayList<>();
        for (double d : v) {
            l.add(d);
        }
        return l;
    }
}
