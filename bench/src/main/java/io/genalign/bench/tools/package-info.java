/**
 * Diagnostic tools the documentation runs as single-file programs from the command-line tool's class path (each
 * file's first lines give its command): {@link io.genalign.bench.tools.PrnoStress} (PRNO's sporadic non-finite
 * gradient, docs/regularizers.md) and {@link io.genalign.bench.tools.CompareGenerators} (the per-class table of
 * docs/models.md). They live here so the build compiles them; they use only core and zoo.
 */
package io.genalign.bench.tools;
