/**
 * The {@code genalign} command line: {@link io.genalign.cli.GenalignCli} (entry point, error handling, exit codes)
 * and one class per command. The model commands ({@code sample}, {@code align}, {@code refine}, {@code pairs},
 * {@code experiment ...}) are thin shells over {@link io.genalign.api} and {@link io.genalign.core.model.ModelSet}:
 * they parse flags (shared ones from {@link io.genalign.cli.options}), open the model set named by {@code --model} and
 * print one line of result. Invariants: bad input exits 2 with one line naming the problem, runtime failures exit 1,
 * no stack trace without {@code --verbose}; every run writes a provenance JSON.
 */
package io.genalign.cli;
