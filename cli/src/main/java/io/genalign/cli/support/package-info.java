/**
 * Plumbing of run outputs: {@link io.genalign.cli.support.RunFolder} (a folder that appears whole or not at all),
 * {@link io.genalign.cli.support.AtomicFiles} (files replaced in one rename), {@link io.genalign.cli.support.Provenance}
 * (what every run records), image grids, plots and HTML pages. Invariant: nothing here leaves a half-written file
 * under its final name.
 */
package io.genalign.cli.support;
