/**
 * Report folders written for any model set (grids, metrics CSV/JSON, plots, index.html), outside the command
 * classes so that the API and the commands write the same reports. Start with
 * {@link io.genalign.report.AlignmentReport}. Invariant: every file goes into a
 * {@link io.genalign.cli.support.RunFolder}, which becomes visible only when complete.
 */
package io.genalign.report;
