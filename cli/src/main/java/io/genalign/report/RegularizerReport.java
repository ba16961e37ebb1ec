package io.genalign.report;

import ai.djl.ndarray.NDArray;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.Statistics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of {@code genalign experiment regularizers}: the aligned sample grids, table.md (normal-approximation
 * 95% intervals, {@link Statistics#normal95}), runs.csv, heldout.png, and the regularizer-only toy (toy.png,
 * toy.md).
 */
public final class RegularizerReport {
    private RegularizerReport() {}

    /** Final figures of one (regularizer, class) run, per seed. */
    public record Cell(String regularizer, int classId, double[] target, Map<String, double[]> heldOut, double[] ks,
                       double[] std, double[] power, double secondsPerStep, NDArray images) {}

    /** One row of the toy's table: the figures of the corrupted latents before and after the regularizer. */
    public record ToyRow(String label, double corrBefore, double corrAfter, double powerBefore, double powerAfter,
                         double ksBefore, double ksAfter) {}

    /**
     * The regularizer-only toy: the decoded images (rows named {@code names}, {@code columns} per row) and the
     * table rows.
     */
    public record Toy(NDArray images, int columns, List<String> names, List<ToyRow> rows) {}

    /** aligned-REG.png: three seeds of every prompt's aligned images. */
    public static void writeAligned(RunFolder folder, String regularizer, List<NDArray> perPrompt, int seeds,
                                    long imageSide) throws IOException {
        NDArray grid = ExperimentTables.pickGrid(perPrompt, seeds);
        ImageGrids.write(folder.file("aligned-" + regularizer + ".png"), grid, perPrompt.size(),
                (int) Math.max(1, Math.min(3, 84 / imageSide)));
    }

    /** toy.png and toy.md. */
    public static void writeToy(RunFolder folder, Toy toy) throws IOException {
        StringBuilder md = new StringBuilder("| regularizer | checkerboard correlation ⟨z, c⟩/D before → after | "
                + "L_power natural before → after | KS before → after |\n|---|---|---|---|\n");
        for (ToyRow r : toy.rows()) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f → %.3f | %.3f → %.3f | %.3f → %.3f |%n", r.label(),
                    r.corrBefore(), r.corrAfter(), r.powerBefore(), r.powerAfter(), r.ksBefore(), r.ksAfter()));
        }
        ImageGrids.write(folder.file("toy.png"), toy.images(), toy.columns(), 3);
        AtomicFiles.writeString(folder.file("toy.md"), "Rows of toy.png, top to bottom: "
                + String.join(", ", toy.names()) + ".\n\n" + md);
    }

    /** table.md, runs.csv and heldout.png of the cells, rows in the order of {@code regularizers}. */
    public static void writeTable(RunFolder folder, String reward, List<String> regularizers, List<Cell> cells,
                                  Map<String, Double> fid) throws IOException {
        StringBuilder md = new StringBuilder();
        List<String> heldNames = cells.isEmpty() ? List.of() : new ArrayList<>(cells.get(0).heldOut().keySet());
        md.append("| regularizer | target ").append(reward);
        for (String h : heldNames) {
            md.append(" | held-out ").append(h);
        }
        md.append(" | FID (aligned vs real bank) | latent KS | latent std | L_power natural | s/step |\n|---");
        md.append("|---".repeat(6 + heldNames.size())).append("|\n");
        for (String reg : regularizers) {
            List<Double> t = new ArrayList<>();
            Map<String, List<Double>> h = new LinkedHashMap<>();
            List<Double> ks = new ArrayList<>();
            List<Double> std = new ArrayList<>();
            List<Double> pw = new ArrayList<>();
            List<Double> time = new ArrayList<>();
            for (Cell c : cells) {
                if (!c.regularizer().equals(reg)) {
                    continue;
                }
                for (int i = 0; i < c.target().length; i++) {
                    t.add(c.target()[i]);
                    ks.add(c.ks()[i]);
                    std.add(c.std()[i]);
                    pw.add(c.power()[i]);
                    for (String k : heldNames) {
                        h.computeIfAbsent(k, x -> new ArrayList<>()).add(c.heldOut().get(k)[i]);
                    }
                }
                time.add(c.secondsPerStep());
            }
            md.append("| ").append(reg).append(" | ").append(ExperimentTables.normal95(t));
            for (String k : heldNames) {
                md.append(" | ").append(ExperimentTables.normal95(h.get(k)));
            }
            md.append(String.format(Locale.ROOT, " | %.2f | %s | %s | %s | %s |%n", fid.get(reg),
                    ExperimentTables.normal95(ks), ExperimentTables.normal95(std), ExperimentTables.normal95(pw),
                    ExperimentTables.normal95(time)));
        }
        AtomicFiles.writeString(folder.file("table.md"), md.toString());
        StringBuilder csv = new StringBuilder("regularizer,class,seed,target");
        for (String k : heldNames) {
            csv.append(",heldout_").append(k);
        }
        csv.append(",latent_ks,latent_std,power_natural,seconds_per_step\n");
        for (Cell c : cells) {
            for (int i = 0; i < c.target().length; i++) {
                csv.append(c.regularizer()).append(',').append(c.classId()).append(',').append(i).append(',')
                        .append(c.target()[i]);
                for (String k : heldNames) {
                    csv.append(',').append(c.heldOut().get(k)[i]);
                }
                csv.append(',').append(c.ks()[i]).append(',').append(c.std()[i]).append(',').append(c.power()[i])
                        .append(',').append(c.secondsPerStep()).append('\n');
            }
        }
        AtomicFiles.writeString(folder.file("runs.csv"), csv.toString());
        double[] x = new double[regularizers.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String k : heldNames) {
            double[] y = new double[regularizers.size()];
            for (int i = 0; i < y.length; i++) {
                String reg = regularizers.get(i);
                List<Double> v = new ArrayList<>();
                for (Cell c : cells) {
                    if (c.regularizer().equals(reg)) {
                        for (double d : c.heldOut().get(k)) {
                            v.add(d);
                        }
                    }
                }
                y[i] = Statistics.mean(v);
            }
            series.put("held-out " + k, y);
        }
        if (!series.isEmpty()) {
            Plots.lines(folder.file("heldout.png"), "Held-out rewards by regularizer (x: " + String.join(", ",
                    regularizers) + ")", "regularizer index", "mean held-out reward", x, series);
        }
    }
}
