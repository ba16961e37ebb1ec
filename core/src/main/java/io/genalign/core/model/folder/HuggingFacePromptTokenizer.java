package io.genalign.core.model.folder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.genalign.core.model.PromptTokenizer;
import io.genalign.core.runtime.EngineBootstrap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PromptTokenizer} over a HuggingFace {@code tokenizer.json} (the {@code tokenizers} library's file
 * format: WordLevel, BPE, WordPiece, Unigram models with their normalizer, pre-tokenizer and post-processor),
 * run by DJL's HuggingFace tokenizers binding, whose jar carries the native library (nothing is downloaded).
 *
 * <p>Encoding: each prompt is encoded on its own with the file's special tokens added (as {@code
 * tokenizer(prompt)} does in Python), truncated by the tokenizer to {@link #maxLength()} (its truncation keeps
 * the post-processor's special tokens, as Python's {@code truncation=True, max_length=L} does), cut to {@code
 * maxLength} again as a guarantee, and padded on the right with {@link #padId()} (0 unless the manifest gives
 * {@code pad_id}) to exactly {@code maxLength} ids. The file's own {@code padding} and {@code truncation} sections
 * are replaced by these settings. Only the file itself is read (no {@code tokenizer_config.json} beside it).
 *
 * <p>Errors: a missing file, or one that the tokenizers library cannot parse, throws {@link ModelFolderException}
 * whose one-line message starts with the file's label (e.g. {@code tokenizer.json: not a HuggingFace tokenizer
 * file (...)}).
 */
public final class HuggingFacePromptTokenizer implements PromptTokenizer {
    private final String name;
    private final String label;
    private final int maxLength;
    private final long padId;
    private final HuggingFaceTokenizer tokenizer;

    private HuggingFacePromptTokenizer(String name, String label, int maxLength, long padId,
            HuggingFaceTokenizer tokenizer) {
        this.name = name;
        this.label = label;
        this.maxLength = maxLength;
        this.padId = padId;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads {@code file}.
     *
     * @param name      the tokenizer's name (the manifest key)
     * @param file      the {@code tokenizer.json}
     * @param label     the file's name in error messages (e.g. its folder-relative path)
     * @param maxLength the row length, at least 1
     * @param padId     the id rows are padded with, at least 0
     */
    public static HuggingFacePromptTokenizer load(String name, Path file, String label, int maxLength, long padId) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(label, "label");
        if (maxLength < 1) {
            throw new IllegalArgumentException(label + ": max_length must be positive, got " + maxLength);
        }
        if (padId < 0) {
            throw new IllegalArgumentException(label + ": pad id must be non-negative, got " + padId);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFolderException(label + ": tokenizer file does not exist", e);
        } catch (IOException e) {
            throw new ModelFolderException(label + ": cannot read the tokenizer file (" + e + ")", e);
        }
        EngineBootstrap.ensureOffline();
        Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
                "maxLength", Integer.toString(maxLength));
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
            return new HuggingFacePromptTokenizer(name, label, maxLength, padId, t);
        } catch (IOException | RuntimeException e) {
            throw new ModelFolderException(label + ": not a HuggingFace tokenizer file (" + firstLine(e) + ")", e);
        } catch (LinkageError e) {
            throw new ModelFolderException(label + ": cannot start DJL's HuggingFace tokenizers native library ("
                    + firstLine(e) + ")", e);
        }
    }

    private static String firstLine(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip().lines().findFirst()
                .orElse(e.getClass().getSimpleName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public long padId() {
        return padId;
    }

    @Override
    public long[][] encode(List<String> prompts) {
        Objects.requireNonNull(prompts, "prompts");
        long[][] out = new long[prompts.size()][];
        for (int i = 0; i < out.length; i++) {
            String prompt = Objects.requireNonNull(prompts.get(i), "prompt");
            long[] ids;
            try {
                Encoding e = tokenizer.encode(prompt);
                ids = e.getIds();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(label + ": cannot tokenize \"" + prompt + "\" (" + e.getMessage()
                        + ")", e);
            }
            long[] row = new long[maxLength];
            Arrays.fill(row, padId);
            System.arraycopy(ids, 0, row, 0, Math.min(ids.length, maxLength));
            out[i] = row;
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HuggingFacePromptTokenizer[" + name + ", " + label + ", max_length " + maxLength + "]";
    }
}
