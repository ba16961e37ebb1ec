package io.genalign.core.model.folder;

import io.genalign.core.model.ModelSet;
import java.nio.file.Path;

/** Placeholder replaced by the model-folder branch. */
public final class ModelFolder {
    private ModelFolder() {}

    public static ModelSet open(Path dir) {
        throw new IllegalArgumentException("model folders are not supported yet: " + dir);
    }
}
