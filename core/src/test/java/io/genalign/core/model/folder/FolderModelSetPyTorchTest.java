package io.genalign.core.model.folder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import io.genalign.core.model.Condition;
import io.genalign.core.model.ContractChecks;
import io.genalign.core.model.Discriminator;
import io.genalign.core.model.FeatureExtractor;
import io.genalign.core.model.Generator;
import io.genalign.core.model.PromptKind;
import io.genalign.core.model.Reward;
import io.genalign.core.testing.GenalignTestBase;
import io.genalign.core.testing.Tolerances;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real-PyTorch fixture {@code examples/tiny-t2i} (torch.jit.script) and {@code examples/tiny-t2i-traced}
 * (torch.jit.trace), opened through {@link ModelFolder#open(Path)}, against the reference outputs PyTorch wrote
 * to {@code examples/tiny-t2i/reference} (see its README): token ids equal, outputs within {@link
 * Tolerances#PYTORCH_OUTPUT_RTOL} and input gradients within {@link Tolerances#PYTORCH_GRADIENT_RTOL}, both relative
 * to the largest magnitude of the reference array. The repository root is found by walking up from the working
 * directory; nothing outside the repository is read.
 */
class FolderModelSetPyTorchTest extends GenalignTestBase {
    private static final Path REFERENCE = Paths.get("examples", "tiny-t2i", "reference");

    /** The repository root: the nearest ancestor of the working directory holding {@code examples/tiny-t2i}. */
    static Path repositoryRoot() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/tiny-t2i/genalign-model.json"))) {
                return p;
            }
            if (Files.exists(p.resolve(".git"))) {
                break; // never look above the repository root
            }
        }
        throw new IllegalStateException("cannot find examples/tiny-t2i inside the repository (working directory "
                + Paths.get("").toAbsolutePath() + ")");
    }

    private static Path reference(String file) {
        return repositoryRoot().resolve(REFERENCE).resolve(file);
    }

    private static double[] ref(String name) throws IOException {
        return Npy.read(reference(name + ".npy")).data();
    }

    private NDArray refArray(String name) throws IOException {
        return Npy.readNDArray(reference(name + ".npy"), manager);
    }

    /** |actual - expected| &le; rtol * max|expected| for every entry. */
    private static void assertScaledClose(double[] expected, NDArray actual, double rtol, String what) {
        double[] a = ContractChecks.doubles(actual);
        assertEquals(expected.length, a.length, what + ": size");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - expected[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= rtol * scale, what + ": largest difference " + worst + " at " + at + " exceeds " + rtol
                + " x " + scale);
    }

    /** A little-endian int64 C-order .npy (genalign's Npy reads floats only). */
    static long[][] readInt64Matrix(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int major = b[6];
        int headerLen = major == 1 ? buf.getShort(8) & 0xffff : buf.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<i8'") && header.contains("'fortran_order': False"), header);
        Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
        assertTrue(m.find(), header);
        int rows = Integer.parseInt(m.group(1));
        int cols = Integer.parseInt(m.group(2));
        buf.position(start + headerLen);
        long[][] out = new long[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = buf.getLong();
            }
        }
        return out;
    }

    private Condition prompts() throws IOException {
        List<String> p = Files.readAllLines(reference("prompts.txt"), StandardCharsets.UTF_8).stream()
                .filter(s -> !s.isBlank()).toList();
        int[] noClass = new int[p.size()];
        Arrays.fill(noClass, -1);
        return Condition.of(p, noClass);
    }

    private NDArray inputGradient(NDArray leaf, Function<NDArray, NDArray> f) {
        NDArray x = leaf.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(f.apply(x).sum());
        }
        return x.getGradient();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-t2i", "tiny-t2i-traced"})
    void matchesPyTorch(String variant) throws IOException {
        Path dir = repositoryRoot().resolve("examples").resolve(variant);
        Condition c = prompts();
        double outRtol = Tolerances.PYTORCH_OUTPUT_RTOL;
        double gradRtol = Tolerances.PYTORCH_GRADIENT_RTOL;
        try (FolderModelSet set = ModelFolder.open(dir)) {
            assertEquals("tiny-t2i", set.name());
            assertEquals(PromptKind.TEXT, set.promptKind());
            assertEquals(new Shape(3, 32, 32), set.imageShape());
            assertEquals(List.of("clip-score", "aesthetic"), List.copyOf(set.rewardNames()));
            assertEquals(Map.of("clip-score", 1.0), set.defaultTargets());

            long[][] ids = readInt64Matrix(reference("token_ids.npy"));
            long[][] mine = set.tokenizer("clip").encode(c.prompts());
            assertEquals(ids.length, mine.length);
            for (int i = 0; i < ids.length; i++) {
                assertArrayEquals(ids[i], mine[i], "token ids of \"" + c.prompts().get(i) + "\"");
            }

            NDArray z = refArray("z");
            Generator g = set.generator();
            NDArray images = g.generate(z, c);
            assertEquals(new Shape(4, 3, 32, 32), images.getShape());
            assertScaledClose(ref("images"), images, outRtol, variant + " images");

            NDArray refImages = refArray("images");
            Reward clip = set.reward("clip-score");
            Reward aesthetic = set.reward("aesthetic");
            FeatureExtractor features = set.features().orElseThrow();
            Discriminator disc = set.discriminator().orElseThrow();
            assertScaledClose(ref("clip_score"), clip.score(refImages, c), outRtol, variant + " clip_score");
            assertScaledClose(ref("aesthetic"), aesthetic.score(refImages, c), outRtol, variant + " aesthetic");
            assertScaledClose(ref("features"), features.features(refImages), outRtol, variant + " features");
            assertScaledClose(ref("discriminator"), disc.logits(refImages, c), outRtol, variant + " discriminator");

            assertScaledClose(ref("grad_z_clip"), inputGradient(z, zz -> clip.score(g.generate(zz, c), c)), gradRtol,
                    variant + " grad_z_clip");
            assertScaledClose(ref("grad_image_aesthetic"), inputGradient(refImages, x -> aesthetic.score(x, c)),
                    gradRtol, variant + " grad_image_aesthetic");
            assertScaledClose(ref("grad_image_features"), inputGradient(refImages, features::features), gradRtol,
                    variant + " grad_image_features");
            assertScaledClose(ref("grad_image_discriminator"), inputGradient(refImages, x -> disc.logits(x, c)),
                    gradRtol, variant + " grad_image_discriminator");

            NpyArray real = Npy.read(dir.resolve("real.npy"));
            NDArray samples = set.realSamples("a red shoe").orElseThrow();
            assertEquals(new Shape(real.shape()), samples.getShape());
            assertEquals(DataType.FLOAT32, samples.getDataType());
            Map<String, Object> p = set.provenance();
            assertEquals(dir.toRealPath().toString(), p.get("source"));
            boolean diffusion = set.diffusion().isPresent();
            assertEquals(diffusion ? 9 : 8, ((Map<?, ?>) p.get("files")).size() + 1,
                    "7 files (8 with eps.pt) plus the manifest");
            if (diffusion) {
                // the diffusion network (export_diffusion.py) against PyTorch's output on the same inputs
                NDArray x = refArray("eps_x");
                byte[] tb = Files.readAllBytes(reference("eps_t.npy")); // int64 (4,): the last 32 bytes
                ByteBuffer tbb = ByteBuffer.wrap(tb, tb.length - 32, 32).order(ByteOrder.LITTLE_ENDIAN);
                int[] t = new int[4];
                for (int i = 0; i < 4; i++) {
                    t[i] = (int) tbb.getLong();
                }
                assertArrayEquals(new int[] {0, 10, 500, 999}, t);
                List<String> prompts = Files.readAllLines(reference("prompts.txt"), StandardCharsets.UTF_8);
                try (var eps = set.loadEpsilon(null, false)) {
                    NDArray y = eps.predict(x, t, Condition.of(prompts, new int[] {-1, -1, -1, -1}));
                    assertScaledClose(ref("eps_out"), y, Tolerances.PYTORCH_OUTPUT_RTOL, variant + " eps");
                }
            }
        }
    }
}
