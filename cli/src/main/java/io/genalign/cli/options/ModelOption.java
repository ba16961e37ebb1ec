package io.genalign.cli.options;

import io.genalign.api.Models;
import io.genalign.core.model.ModelSet;
import picocli.CommandLine.Option;

/** {@code --model DIR|builtin}, declared once for every command that uses a model set. */
public final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR|builtin", description = "The models to use: builtin (the embedded "
            + "Fashion-MNIST zoo) or a model folder holding genalign-model.json (default: ${DEFAULT-VALUE}).")
    public String model = Models.BUILTIN;

    /** Whether the built-in set is selected. */
    public boolean isBuiltin() {
        return Models.BUILTIN.equals(model);
    }

    /** Opens the selected set (the caller closes it). */
    public ModelSet open() {
        return Models.open(model);
    }
}
