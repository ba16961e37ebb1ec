package io.genalign.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a conditional model is asked for, one entry per sample of a batch: the prompt text and, for
 * class-conditional models, the class index it maps to (-1 when the model is text-conditioned and no class
 * applies). Immutable.
 */
public final class Condition {
    private final List<String> prompts;
    private final int[] classIds;

    private Condition(List<String> prompts, int[] classIds) {
        if (prompts.size() != classIds.length) {
            throw new IllegalArgumentException("condition has " + prompts.size() + " prompts but " + classIds.length
                    + " class ids");
        }
        this.prompts = List.copyOf(prompts);
        this.classIds = classIds.clone();
    }

    /** One prompt with its class, repeated for a batch of {@code batchSize}. */
    public static Condition repeat(String prompt, int classId, int batchSize) {
        int[] ids = new int[batchSize];
        Arrays.fill(ids, classId);
        return new Condition(java.util.Collections.nCopies(batchSize, prompt), ids);
    }

    /** Per-sample prompts and classes. */
    public static Condition of(List<String> prompts, int[] classIds) {
        return new Condition(prompts, classIds);
    }

    public int batchSize() {
        return classIds.length;
    }

    public List<String> prompts() {
        return prompts;
    }

    public int[] classIds() {
        return classIds.clone();
    }

    public int classId(int i) {
        return classIds[i];
    }

    /** The sub-condition for samples [from, to). */
    public Condition slice(int from, int to) {
        return new Condition(prompts.subList(from, to), Arrays.copyOfRange(classIds, from, to));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && prompts.equals(c.prompts) && Arrays.equals(classIds, c.classIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prompts, Arrays.hashCode(classIds));
    }

    @Override
    public String toString() {
        return "Condition" + prompts;
    }
}
