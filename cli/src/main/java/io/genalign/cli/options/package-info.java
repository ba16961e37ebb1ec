/**
 * Command-line options shared by several commands, declared once as picocli mixins: {@code --model}
 * ({@link io.genalign.cli.options.ModelOption}), {@code --out}/{@code --overwrite}/{@code --seed}
 * ({@link io.genalign.cli.options.RunOptions}) and {@code --prompt}/{@code --classes} lists
 * ({@link io.genalign.cli.options.PromptListOption}).
 */
package io.genalign.cli.options;
