package io.genalign.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.Statistics;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of {@code genalign experiment refine}: the sample grids per row and base against GMI, table.md (mean
 * over seeds ± Student-t 95% half-width, {@link Statistics#studentT95}) and the FID-per-step plot.
 */
public final class RefineAblationReport {
    private RefineAblationReport() {}

    /** The settings the table's header states. */
    public record Settings(List<String> prompts, int seeds, int batches, int particles, int steps) {}

    /** samples-ROW.png for every row and base-vs-gmi.png (GMI, or the last row without it). */
    public static void writeGrids(RunFolder folder, List<String> rows, Map<String, NDArray> grids) throws IOException {
        for (Map.Entry<String, NDArray> e : grids.entrySet()) {
            ImageGrids.write(folder.file("samples-" + e.getKey() + ".png"), e.getValue(), 8, 2);
        }
        NDArray pair = NDArrays.concat(new NDList(grids.get("base"), grids.get(rows.contains("gmi") ? "gmi"
                : rows.get(rows.size() - 1))), 0);
        ImageGrids.write(folder.file("base-vs-gmi.png"), pair, 8, 2);
    }

    /** fid-per-step.png: FID per step of every method (not the base row). */
    public static void plotFidPerStep(RunFolder folder, Map<String, double[]> fidPerStep) throws IOException {
        Map<String, double[]> curves = new LinkedHashMap<>();
        int maxLen = 0;
        for (double[] v : fidPerStep.values()) {
            maxLen = Math.max(maxLen, v.length);
        }
        double[] x = new double[maxLen];
        for (int t = 0; t < maxLen; t++) {
            x[t] = t;
        }
        for (Map.Entry<String, double[]> e : fidPerStep.entrySet()) {
            if (!"base".equals(e.getKey())) {
                curves.put(e.getKey(), e.getValue());
            }
        }
        Plots.lines(folder.file("fid-per-step.png"), "FID against the real reference, per step (mean over seeds)",
                "step", "FID", x, curves);
    }

    /** table.md: one row per method, metric → row → per-seed values in {@code table}. */
    public static void writeTable(RunFolder f, Settings s, List<String> rows,
                                  Map<String, Map<String, List<Double>>> table, Map<String, Double> pooledFid,
                                  Map<String, Double> secondsPerBatch, double total) throws IOException {
        List<String> prompts = s.prompts();
        int batches = s.batches();
        int particles = s.particles();
        int seeds = s.seeds();
        int perSeed = prompts.size() * batches * particles;
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Prompts %s; %d samples per row per seed (%d batch(es) "
                        + "of %d particles per class), %d seeds (%d samples per row in all), %d steps, default options. "
                        + "Mean over seeds ± 95%% Student-t half-width. FID: feature network, against the 150 "
                        + "reference-half bank images per class; lower is better. IS-like: higher is better. "
                        + "Diversity: mean pairwise feature distance within a class. Wall time %.0f s.%n%n", prompts, perSeed, batches,
                particles, seeds, perSeed * seeds, s.steps(), total));
        md.append("| method | FID (per seed) | FID (seeds pooled) | IS-like | diversity | classifier-B share | "
                + "realism logit | s / batch |\n|---|---|---|---|---|---|---|---|\n");
        for (String r : rows) {
            md.append("| ").append(r);
            for (String k : List.of("fid")) {
                md.append(" | ").append(table.containsKey(k) ? ExperimentTables.studentT95(table.get(k).get(r)) : "–");
            }
            md.append(pooledFid.containsKey(r) ? String.format(Locale.ROOT, " | %.2f", pooledFid.get(r)) : " | –");
            for (String k : List.of("inception_like", "diversity", "classifier_b_share", "realism_logit")) {
                md.append(" | ").append(table.containsKey(k) ? ExperimentTables.studentT95(table.get(k).get(r)) : "–");
            }
            Double sec = secondsPerBatch.get(r);
            md.append(sec == null ? " | – |" : String.format(Locale.ROOT, " | %.2f |", sec
                    / ((double) seeds * prompts.size() * batches)))
                    .append('\n');
        }
        AtomicFiles.writeString(f.file("table.md"), md.toString());
    }
}
