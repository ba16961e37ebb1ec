package io.genalign.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.Statistics;
import io.genalign.core.noise.StepRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of {@code genalign experiment preconditioning}: per target the aligned grid and the best-so-far curve
 * against wall time; table.md (Student-t 95% intervals, {@link Statistics#studentT95}, and the time to reach MPGR's
 * final target) and runs.csv.
 */
public final class PreconditioningReport {
    private PreconditioningReport() {}

    /** One run's figures per seed. */
    public record Cell(String target, String method, String regime, int classId, double[] best,
                       Map<String, double[]> held, double[] ks, double[] std, double[] power, double seconds,
                       int stepsRun, NDArray images, double[] curveSeconds, double[] curveMeanBest) {}

    /** The settings the table's header states. */
    public record Settings(List<String> targets, int seeds, int steps, double timeFraction, double lr) {}

    /** aligned-TARGET.png: three seeds per prompt of the starting images, then of every method's equal-steps run. */
    public static void writeAligned(RunFolder folder, String target, List<NDArray> initialImages,
                                    Map<String, List<NDArray>> stepsImagesByMethod, List<String> order, int seeds,
                                    long imageSide) throws IOException {
        List<NDArray> grid = new ArrayList<>();
        grid.add(ExperimentTables.pickGrid(initialImages, seeds));
        for (String mth : order) {
            grid.add(ExperimentTables.pickGrid(stepsImagesByMethod.get(mth), seeds));
        }
        ImageGrids.write(folder.file("aligned-" + target + ".png"), NDArrays.concat(new NDList(
                grid.toArray(new NDArray[0])), 0), initialImages.size() * Math.min(3, seeds),
                (int) Math.max(1, Math.min(3, 84 / imageSide)));
    }

    static Cell find(List<Cell> cells, String target, String method, String regime, int c) {
        for (Cell x : cells) {
            if (x.target().equals(target) && x.method().equals(method) && x.regime().equals(regime)
                    && x.classId() == c) {
                return x;
            }
        }
        return null;
    }

    /** The first time (seconds) at which the run's mean best-so-far target reached {@code level}; NaN if never. */
    public static double timeToReach(Cell c, double level) {
        for (int k = 0; k < c.curveMeanBest().length; k++) {
            if (c.curveMeanBest()[k] >= level) {
                return c.curveSeconds()[k];
            }
        }
        return Double.NaN;
    }

    /** The first step index at which the run's mean best-so-far target reached {@code level}; -1 if never. */
    public static int stepToReach(Cell c, double level) {
        for (int k = 0; k < c.curveMeanBest().length; k++) {
            if (c.curveMeanBest()[k] >= level) {
                return k;
            }
        }
        return -1;
    }

    /** curve-TARGET.png: the mean best target so far against wall time, as a fraction of MPGR's. */
    public static void plotCurves(RunFolder folder, String target, List<String> order, List<Cell> cells) throws IOException {
        // mean over prompts of the mean best-so-far target, against wall time as a fraction of MPGR's
        int points = 60;
        double[] x = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = 1.2 * i / (points - 1);
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String mth : order) {
            double[] y = new double[points];
            int count = 0;
            for (Cell c : cells) {
                if (!c.target().equals(target) || !c.method().equals(mth) || !c.regime().equals("steps")) {
                    continue;
                }
                Cell ref = find(cells, target, "mpgr", "steps", c.classId());
                for (int i = 0; i < points; i++) {
                    double t = x[i] * ref.seconds();
                    double v = c.curveMeanBest()[0];
                    for (int k = 0; k < c.curveSeconds().length && c.curveSeconds()[k] <= t; k++) {
                        v = c.curveMeanBest()[k];
                    }
                    y[i] += v;
                }
                count++;
            }
            for (int i = 0; i < points; i++) {
                y[i] /= Math.max(1, count);
            }
            series.put(mth, y);
        }
        Plots.lines(folder.file("curve-" + target + ".png"), "Best target so far (" + target + ") vs wall time",
                "wall time / MPGR's time for the same steps", "mean best target", x, series);
    }

    /** table.md (both regimes per target, and the time to MPGR's final target) and runs.csv. */
    public static void writeTables(RunFolder folder, Settings settings, List<String> order, List<Cell> cells,
                                   List<Cell> initial, Map<String, Double> fid, Map<String, List<String>> heldByTarget)
            throws IOException {
        int seeds = settings.seeds();
        int steps = settings.steps();
        double timeFraction = settings.timeFraction();
        double lr = settings.lr();
        List<String> targets = settings.targets();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Seeds per prompt: %d; steps: %d; equal-time budget: %.2f × MPGR's "
                + "equal-steps wall time per target and prompt; learning rate %s (Adam). Values: mean ± 95%% "
                + "interval over all seeds of all prompts (Student t); FID over all prompts' best images.%n%n",
                seeds, steps, timeFraction, lr));
        for (String target : targets) {
            List<String> heldNames = heldByTarget.get(target);
            md.append("## Target ").append(target).append("\n\n| regime | method | steps run | target ")
                    .append(target);
            for (String h : heldNames) {
                md.append(" | held-out ").append(h);
            }
            md.append(" | FID | latent KS | latent std | L_power natural | s/step |\n|---");
            md.append("|---".repeat(8 + heldNames.size())).append("|\n");
            row(md, "-", "initial", initial, target, heldNames, fid);
            for (String regime : List.of("steps", "time")) {
                for (String mth : order) {
                    row(md, regime, mth, cells, target, heldNames, fid);
                }
            }
            md.append("\nTime to reach MPGR's final mean target (equal-steps runs; per prompt, the mean over seeds of "
                    + "each seed's best target so far), as a fraction of MPGR's wall time and of its steps:\n\n"
                    + "| method | prompts reaching it | wall-time fraction (mean ± 95%) | step fraction (mean ± 95%) |\n"
                    + "|---|---|---|---|\n");
            for (String mth : order) {
                List<Double> frac = new ArrayList<>();
                List<Double> stepFrac = new ArrayList<>();
                int prompts = 0;
                for (Cell c : cells) {
                    if (!c.target().equals(target) || !c.method().equals(mth) || !c.regime().equals("steps")) {
                        continue;
                    }
                    prompts++;
                    Cell ref = find(cells, target, "mpgr", "steps", c.classId());
                    double level = StepRecord.mean(ref.best());
                    double tt = timeToReach(c, level);
                    if (!Double.isNaN(tt)) {
                        frac.add(tt / ref.seconds());
                        stepFrac.add((double) stepToReach(c, level) / ref.stepsRun());
                    }
                }
                md.append("| ").append(mth).append(" | ").append(frac.size()).append(" of ").append(prompts)
                        .append(" | ").append(frac.isEmpty() ? "—" : ExperimentTables.studentT95(frac)).append(" | ")
                        .append(stepFrac.isEmpty() ? "—" : ExperimentTables.studentT95(stepFrac)).append(" |\n");
            }
            md.append("\n");
        }
        AtomicFiles.writeString(folder.file("table.md"), md.toString());
        StringBuilder csv = new StringBuilder("target,method,regime,class,seed,steps_run,seconds,best_target,held_out,"
                + "latent_ks,latent_std,power_natural\n");
        List<Cell> all = new ArrayList<>(initial);
        all.addAll(cells);
        for (Cell c : all) {
            for (int i = 0; i < c.best().length; i++) {
                StringBuilder h = new StringBuilder();
                for (Map.Entry<String, double[]> e : c.held().entrySet()) {
                    h.append(h.length() == 0 ? "" : ";").append(e.getKey()).append('=').append(e.getValue()[i]);
                }
                csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%.4f,%.6f,%s,%.6f,%.6f,%.6f%n", c.target(),
                        c.method(), c.regime(), c.classId(), i, c.stepsRun(), c.seconds(), c.best()[i], h,
                        c.ks()[i], c.std()[i], c.power()[i]));
            }
        }
        AtomicFiles.writeString(folder.file("runs.csv"), csv.toString());
    }

    private static void row(StringBuilder md, String regime, String method, List<Cell> cells, String target,
                            List<String> heldNames, Map<String, Double> fid) {
        List<Double> t = new ArrayList<>();
        Map<String, List<Double>> h = new LinkedHashMap<>();
        List<Double> ks = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        List<Double> pw = new ArrayList<>();
        List<Double> perStep = new ArrayList<>();
        List<Double> stepsRun = new ArrayList<>();
        for (Cell c : cells) {
            if (!c.target().equals(target) || !c.method().equals(method) || !c.regime().equals(regime)) {
                continue;
            }
            for (int i = 0; i < c.best().length; i++) {
                t.add(c.best()[i]);
                ks.add(c.ks()[i]);
                std.add(c.std()[i]);
                pw.add(c.power()[i]);
                for (String k : heldNames) {
                    h.computeIfAbsent(k, x -> new ArrayList<>()).add(c.held().get(k)[i]);
                }
            }
            stepsRun.add((double) c.stepsRun());
            if (c.stepsRun() > 0) {
                perStep.add(c.seconds() / c.stepsRun());
            }
        }
        if (t.isEmpty()) {
            return;
        }
        md.append("| ").append(regime).append(" | ").append(method).append(" | ")
                .append(String.format(Locale.ROOT, "%.1f", Statistics.mean(stepsRun))).append(" | ")
                .append(ExperimentTables.studentT95(t));
        for (String k : heldNames) {
            md.append(" | ").append(ExperimentTables.studentT95(h.get(k)));
        }
        Double f = fid.get(target + "/" + method + "/" + regime);
        md.append(String.format(Locale.ROOT, " | %.2f | %s | %s | %s | %s |%n", f == null ? Double.NaN : f,
                ExperimentTables.studentT95(ks), ExperimentTables.studentT95(std), ExperimentTables.studentT95(pw),
                perStep.isEmpty() ? "—" : String.format(Locale.ROOT, "%.4f", Statistics.mean(perStep))));
    }
}
