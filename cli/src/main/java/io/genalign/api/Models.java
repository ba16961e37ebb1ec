package io.genalign.api;

import io.genalign.core.model.ModelSet;
import io.genalign.core.model.folder.ModelFolder;
import io.genalign.zoo.BuiltinModelSet;
import java.nio.file.Path;

/**
 * Opens a {@link ModelSet} by the name a user gives on the command line: {@code builtin} (the embedded
 * Fashion-MNIST zoo) or the path of a model folder holding {@code genalign-model.json}. This is the only place the
 * command-line layer names the built-in zoo for alignment, sampling and refinement: both kinds of set then go
 * through the same code.
 */
public final class Models {
    /** The name of the built-in set. */
    public static final String BUILTIN = BuiltinModelSet.NAME;

    private Models() {}

    /** The set named {@code spec} ({@code builtin} or a folder); a bad folder throws a one-line error naming it. */
    public static ModelSet open(String spec) {
        if (spec == null || spec.isBlank() || BUILTIN.equals(spec)) {
            return BuiltinModelSet.open();
        }
        return ModelFolder.open(Path.of(spec));
    }

    /** The built-in set with the diffusion weights of {@code weights} (null: the shipped ones). */
    public static ModelSet builtinDiffusion(Path weights) {
        return BuiltinModelSet.open(null, weights);
    }

    /** The built-in set with the generator weights of {@code weights} (null: the shipped ones). */
    public static ModelSet builtin(Path weights) {
        return BuiltinModelSet.open(weights);
    }
}
