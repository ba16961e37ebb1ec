package io.genalign.core.model.torchscript;

import ai.djl.ndarray.types.Shape;
import io.genalign.core.io.Npy;
import io.genalign.core.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builder-side collection of per-prompt embeddings that must all share one shape, given as values or as .npy
 * files (float32/float64, read when the adapter is built; the file's shape is the embedding's shape).
 */
final class PromptEmbeddings {
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, Path> files = new LinkedHashMap<>();
    private Shape shape;

    void putFile(String prompt, Path npyFile) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(npyFile, "embedding file for \"" + prompt + "\"");
        files.put(prompt, npyFile);
    }

    /** Reads the embedding files given so far; an unreadable or malformed file is an IOException naming it. */
    void readFiles() throws IOException {
        for (Map.Entry<String, Path> e : files.entrySet()) {
            NpyArray a = Npy.read(e.getValue());
            double[] d = a.data();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            try {
                put(e.getKey(), f, new Shape(a.shape()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(ex.getMessage() + " (from " + e.getValue() + ")", ex);
            }
        }
        files.clear();
    }

    void put(String prompt, float[] embedding, Shape embeddingShape) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(embeddingShape, "embedding shape");
        if (embeddingShape.size() != embedding.length) {
            throw new IllegalArgumentException("embedding for \"" + prompt + "\" has " + embedding.length
                    + " values but shape " + embeddingShape + " needs " + embeddingShape.size());
        }
        if (shape != null && !shape.equals(embeddingShape)) {
            throw new IllegalArgumentException("embedding for \"" + prompt + "\" has shape " + embeddingShape
                    + " but earlier ones have " + shape);
        }
        for (float v : embedding) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("embedding for \"" + prompt + "\" has a non-finite value " + v);
            }
        }
        shape = embeddingShape;
        values.put(prompt, embedding.clone());
    }

    Map<String, float[]> values() {
        return values;
    }

    Shape shape() {
        return shape == null ? new Shape() : shape;
    }
}
