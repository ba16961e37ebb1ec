package io.genalign.core.model.torchscript;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Builder-side collection of per-prompt embeddings that must all share one shape. */
final class PromptEmbeddings {
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private Shape shape;

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
