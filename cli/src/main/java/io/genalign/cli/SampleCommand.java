package io.genalign.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.genalign.api.Models;
import io.genalign.api.Sampling;
import io.genalign.cli.options.ModelOption;
import io.genalign.cli.options.RunOptions;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Provenance;
import io.genalign.core.io.Npy;
import io.genalign.core.model.ModelSet;
import io.genalign.core.runtime.Tensors;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code genalign sample --prompt P}: an image grid (PNG or JPEG) of a model set's generator for a prompt. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Write an image grid from a generator (the built-in one or a model folder's) for a prompt.")
public final class SampleCommand implements Callable<Integer> {
    /** Default number of images. */
    public static final int DEFAULT_COUNT = 16;

    @Mixin
    ModelOption model;

    @Mixin
    RunOptions run;

    @Option(names = "--prompt", description = "What to draw: a class of a class model (builtin: e.g. \"ankle boot\", "
            + "sneaker, dress) or any text for a text model (default: the model's default prompt).")
    String prompt;

    @Option(names = {"-n", "--count"}, description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count = DEFAULT_COUNT;

    @Option(names = "--latents", paramLabel = "FILE.npy", description = "Use these latents, shape (N, latent shape), "
            + "instead of seeded noise.")
    Path latents;

    @Option(names = "--npy", paramLabel = "FILE.npy", description = "Also write the images as float32 (N, C, H, W).")
    Path npy;

    @Option(names = "--weights", paramLabel = "FILE", description = "builtin only: use this generator weight file (from "
            + "genalign zoo train gan) instead of the shipped one.")
    Path weights;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (weights != null && !model.isBuiltin()) {
            throw new IllegalArgumentException("--weights applies to --model builtin only; a model folder names its "
                    + "generator in genalign-model.json");
        }
        try (ModelSet set = weights != null ? Models.builtin(weights) : model.open()) {
            Sampling s = Sampling.of(set).prompt(prompt).count(count).seed(run.seed);
            if (latents != null) {
                s.latents(latents);
            }
            String shown = s.resolvedPrompt();
            Path file = run.out != null ? run.out : Path.of("sample-" + RunOptions.slug(shown) + ".png");
            ImageGrids.formatOf(file);
            Path provFile = file.resolveSibling(file.getFileName() + ".provenance.json");
            AtomicFiles.refuseOverwrite(file, run.overwrite, "--overwrite");
            if (npy != null) {
                AtomicFiles.refuseOverwrite(npy, run.overwrite, "--overwrite");
            }
            Provenance prov = Provenance.start("sample", spec.commandLine().getParseResult().originalArgs());
            long t0 = System.nanoTime();
            int n;
            try (NDManager m = Tensors.newManager()) {
                NDArray images = s.draw(m);
                n = Math.toIntExact(images.getShape().get(0));
                long h = images.getShape().get(2);
                ImageGrids.write(file, images, (int) Math.ceil(Math.sqrt(n)), (int) Math.max(1, Math.min(4, 128 / h)));
                if (npy != null) {
                    Npy.writeNDArray(npy, images);
                }
            }
            prov.config("model", set.provenance()).config("prompt", shown).config("count", n)
                    .config("latents", latents == null ? "seeded standard normal" : latents.toAbsolutePath().toString())
                    .seed("latents", run.seed).timing("sample", (System.nanoTime() - t0) / 1e9)
                    .result("image", file.toString()).result("npy", npy == null ? null : npy.toString());
            prov.write(provFile);
            spec.commandLine().getOut().println("wrote " + file + " (" + n + " x " + shown + ", model " + set.name()
                    + ")" + (npy != null ? " and " + npy : ""));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
