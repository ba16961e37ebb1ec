package io.genalign.cli.batch;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prompts file: UTF-8 text, one prompt a line; surrounding white space is trimmed, blank lines and lines whose
 * first non-blank character is {@code #} are skipped. A prompt given more than once runs once; the repeats are
 * reported ({@link #duplicates()}: prompt → the 1-based line numbers where it appears).
 */
public record PromptsFile(Path file, List<String> prompts, Map<String, List<Integer>> duplicates) {

    /** Reads and checks {@code file}; malformed UTF-8 or a file without prompts throws a one-line error. */
    public static PromptsFile read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": the prompts file is not UTF-8 text");
        }
        return parse(file, text);
    }

    /** Parses the text of a prompts file ({@code file} only names it in messages). */
    public static PromptsFile parse(Path file, String text) {
        if (text.startsWith("\uFEFF")) { // a byte-order mark
            text = text.substring(1);
        }
        Map<String, List<Integer>> lines = new LinkedHashMap<>();
        String[] all = text.split("\r?\n|\r", -1);
        for (int i = 0; i < all.length; i++) {
            String p = all[i].strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            lines.computeIfAbsent(p, k -> new ArrayList<>()).add(i + 1);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": the prompts file holds no prompt (one a line; blank lines and "
                    + "# comments are skipped)");
        }
        Map<String, List<Integer>> dup = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : lines.entrySet()) {
            if (e.getValue().size() > 1) {
                dup.put(e.getKey(), List.copyOf(e.getValue()));
            }
        }
        return new PromptsFile(file, List.copyOf(lines.keySet()), dup);
    }
}
