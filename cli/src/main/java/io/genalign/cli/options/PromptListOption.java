package io.genalign.cli.options;

import io.genalign.core.model.ModelSet;
import io.genalign.core.model.PromptKind;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --prompt P} (repeatable) and {@code --classes ID,...} for commands that run over several prompts, declared
 * once: the prompts are the given ones, else every class of a class model, else the model's default prompt.
 */
public final class PromptListOption {
    @Option(names = "--prompt", description = "Prompt(s), repeatable (default: every class of a class model, else the "
            + "model's default prompt).")
    public List<String> prompts = new ArrayList<>();

    @Option(names = "--classes", split = ",", description = "Class ids of a class model (builtin: 0..9), as an "
            + "alternative to --prompt.")
    public List<Integer> classes = new ArrayList<>();

    /** The prompts of the run, each checked against the set (unknown ones fail before anything runs). */
    public List<String> resolve(ModelSet set) {
        List<String> p = new ArrayList<>();
        if (!classes.isEmpty()) {
            if (set.promptKind() != PromptKind.CLASS) {
                throw new IllegalArgumentException("--classes applies to class models; model '" + set.name()
                        + "' takes --prompt");
            }
            for (int c : classes) {
                if (c < 0 || c >= set.knownPrompts().size()) {
                    throw new IllegalArgumentException("--classes: class id " + c + " is outside 0.."
                            + (set.knownPrompts().size() - 1));
                }
                p.add(set.knownPrompts().get(c));
            }
        }
        p.addAll(prompts);
        if (p.isEmpty()) {
            p.addAll(set.promptKind() == PromptKind.CLASS ? set.knownPrompts() : List.of(set.defaultPrompt()));
        }
        List<String> canonical = new ArrayList<>();
        for (String q : p) {
            set.condition(q, 1);
            canonical.add(set.canonicalPrompt(q));
        }
        return canonical;
    }

    /**
     * The integer that keys a prompt's random draws and labels: its class id for class models (so results do not
     * depend on the order prompts are given in), else its position in the list.
     */
    public static int drawKey(ModelSet set, String prompt, int position) {
        return set.promptKind() == PromptKind.CLASS ? set.condition(prompt, 1).classId(0) : position;
    }
}
