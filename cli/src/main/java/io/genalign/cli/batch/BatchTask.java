package io.genalign.cli.batch;

import io.genalign.cli.options.RunOptions;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One task of a batch: a prompt and a seed index. Its seed is derived from the batch's base seed, the seed index
 * and the prompt by SHA-256 ({@link #seedOf}), so a task draws the same noise wherever and in whatever order it runs.
 *
 * @param id        a file-name-safe unique name: the prompt's slug, 8 hex digits of its hash, {@code -s} and the index
 * @param prompt    the prompt as written in the prompts file (trimmed)
 * @param seedIndex 0 .. seeds-1
 * @param seed      the task's seed
 */
public record BatchTask(String id, String prompt, int seedIndex, long seed) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The task of {@code prompt} and {@code seedIndex} in a batch with base seed {@code baseSeed}. */
    public static BatchTask of(String prompt, int seedIndex, long baseSeed) {
        String id = RunOptions.slug(prompt) + "-" + hex(prompt).substring(0, 8) + "-s" + seedIndex;
        return new BatchTask(id, prompt, seedIndex, seedOf(prompt, seedIndex, baseSeed));
    }

    /** Every task of {@code prompts} × {@code seeds}, prompt by prompt. */
    public static List<BatchTask> all(List<String> prompts, int seeds, long baseSeed) {
        List<BatchTask> t = new ArrayList<>();
        for (String p : prompts) {
            for (int s = 0; s < seeds; s++) {
                t.add(of(p, s, baseSeed));
            }
        }
        return t;
    }

    /** The first 8 bytes of SHA-256("genalign-batch-v1", base seed, seed index, prompt), as a long. */
    public static long seedOf(String prompt, int seedIndex, long baseSeed) {
        byte[] d = sha256("genalign-batch-v1\n" + baseSeed + "\n" + seedIndex + "\n" + prompt);
        return ByteBuffer.wrap(d, 0, 8).getLong();
    }

    /** Lower-case hex SHA-256 of a UTF-8 string. */
    public static String hex(String s) {
        return HexFormat.of().formatHex(sha256(s));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
