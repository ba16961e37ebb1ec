package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Provenance;
import io.genalign.core.model.Condition;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import io.genalign.zoo.Prompts;
import io.genalign.zoo.Zoo;
import io.genalign.zoo.ZooGenerator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code genalign sample --prompt P}: a PNG grid of the built-in generator's images for a prompt. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Write a PNG grid of images from the built-in generator for a prompt (a Fashion-MNIST class).")
public final class SampleCommand implements Callable<Integer> {
    /** Default number of images. */
    public static final int DEFAULT_COUNT = 16;

    @Option(names = "--prompt", required = true, description = "What to draw, e.g. \"ankle boot\", sneaker, dress.")
    String prompt;

    @Option(names = {"-n", "--count"}, description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count = DEFAULT_COUNT;

    @Option(names = "--seed", description = "Seed of the latent noise (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--out", paramLabel = "FILE.png", description = "Output file (default: sample-PROMPT.png).")
    Path out;

    @Option(names = "--weights", paramLabel = "FILE", description = "Use this generator weight file (from "
            + "genalign zoo train gan) instead of the shipped one.")
    Path weights;

    @Option(names = "--overwrite", description = "Replace an existing file.")
    boolean overwrite;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int classId = Prompts.classOf(prompt);
        if (count < 1 || count > 1024) {
            throw new IllegalArgumentException("--count must be in 1..1024, got " + count);
        }
        Path file = out != null ? out : Path.of("sample-" + Prompts.className(classId).replaceAll("[^a-z]+", "-") + ".png");
        Path provFile = file.resolveSibling(file.getFileName() + ".provenance.json");
        AtomicFiles.refuseOverwrite(file, overwrite, "--overwrite");
        Provenance prov = Provenance.start("sample", spec.commandLine().getParseResult().originalArgs());
        EngineBootstrap.start(seed);
        long t0 = System.nanoTime();
        try (NDManager m = Tensors.newManager();
             ZooGenerator g = weights != null ? Zoo.generatorFromFile(m, weights) : Zoo.generator(m)) {
            NDArray z = m.randomNormal(new Shape(count).addAll(g.latentShape()));
            NDArray images = g.generate(z, Condition.repeat(prompt, classId, count));
            ImageGrids.write(file, images, (int) Math.ceil(Math.sqrt(count)), 4);
        }
        prov.config("prompt", prompt).config("class", Prompts.className(classId)).config("count", count)
                .seed("latents", seed).timing("sample", (System.nanoTime() - t0) / 1e9)
                .result("image", file.toString()).result("generator", weights != null ? weights.toString()
                        : Zoo.manifest("gan").sha256().toString());
        prov.write(provFile);
        spec.commandLine().getOut().println("wrote " + file + " (" + count + " x " + Prompts.className(classId) + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
