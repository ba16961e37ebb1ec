package io.genalign.cli.batch;

import io.genalign.cli.options.RunOptions;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.HtmlReport;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Gathers a batch's result rows into {@code results.csv}, {@code results.jsonl}, one grid image per prompt
 * ({@code grids/PROMPT.png}: the tasks' images side by side, seed by seed) and {@code index.html}: a summary table
 * per prompt (mean and 95% interval over seeds), the grids, the slowest tasks and every failed task with its error.
 * Every file is written atomically.
 */
public final class BatchReport {
    /** Slowest tasks listed in the report. */
    public static final int SLOWEST = 5;

    private BatchReport() {}

    /** Rows in task order (prompt by prompt, seed by seed). */
    public static List<TaskResult> ordered(List<BatchTask> tasks, Map<String, TaskResult> byId) {
        List<TaskResult> rows = new ArrayList<>();
        for (BatchTask t : tasks) {
            TaskResult r = byId.get(t.id());
            if (r != null) {
                rows.add(r);
            }
        }
        return rows;
    }

    /** Writes the CSV and JSON-lines tables; returns their names. */
    public static List<String> writeTables(BatchJob job, List<TaskResult> rows) throws IOException {
        StringBuilder csv = new StringBuilder(String.join(",", TaskResult.csvHeader(job.heldOut()))).append('\n');
        StringBuilder jsonl = new StringBuilder();
        for (TaskResult r : rows) {
            csv.append(r.csvLine(job.heldOut())).append('\n');
            jsonl.append(r.toJsonLine()).append('\n');
        }
        AtomicFiles.writeString(job.outDir().resolve("results.csv"), csv.toString());
        AtomicFiles.writeString(job.outDir().resolve("results.jsonl"), jsonl.toString());
        return List.of("results.csv", "results.jsonl");
    }

    /** Writes the grids and index.html. */
    public static void writeReport(BatchJob job, List<String> prompts, List<TaskResult> rows, List<String> tables,
                                   String runner, String command) throws IOException {
        Path out = job.outDir();
        HtmlReport html = new HtmlReport("genalign batch: " + job.method() + " on " + job.model());
        long ok = rows.stream().filter(TaskResult::ok).count();
        html.paragraph(String.format(Locale.ROOT, "%d tasks (%d prompts x %d seeds): %d ok, %d failed. Runner: %s. "
                        + "Targets %s, held out %s, %d steps.", rows.size(), prompts.size(), job.seeds(), ok,
                rows.size() - ok, runner, job.targets(), job.heldOut(), job.steps()));
        html.code(command);
        html.heading("Summary per prompt (mean and 95% interval over seeds, ok tasks only)");
        List<String> header = new ArrayList<>(List.of("prompt", "ok", "failed", "target before", "target after",
                "gain"));
        for (String h : job.heldOut()) {
            header.add(h + " before");
            header.add(h + " after");
        }
        header.addAll(List.of("KS before", "KS after", "std after", "mean wall s"));
        List<List<String>> table = new ArrayList<>();
        for (String p : prompts) {
            List<TaskResult> pr = rows.stream().filter(r -> r.prompt().equals(p)).toList();
            List<TaskResult> good = pr.stream().filter(TaskResult::ok).toList();
            List<String> line = new ArrayList<>(List.of(p, Integer.toString(good.size()),
                    Integer.toString(pr.size() - good.size()), interval(good, TaskResult::targetBefore),
                    interval(good, TaskResult::targetAfter),
                    interval(good, r -> r.targetAfter() - r.targetBefore())));
            for (String h : job.heldOut()) {
                line.add(interval(good, r -> r.heldOutBefore().getOrDefault(h, Double.NaN)));
                line.add(interval(good, r -> r.heldOutAfter().getOrDefault(h, Double.NaN)));
            }
            line.add(interval(good, TaskResult::ksBefore));
            line.add(interval(good, TaskResult::ksAfter));
            line.add(interval(good, TaskResult::stdAfter));
            line.add(fmt(good.stream().mapToDouble(TaskResult::wallSeconds).average().orElse(Double.NaN)));
            table.add(line);
        }
        html.table(header, table);
        html.heading("Grids per prompt (columns: seeds; " + ("sample".equals(job.method()) ? "the sample"
                : "top: before, bottom: after") + ")");
        List<String> files = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (String p : prompts) {
            List<TaskResult> good = rows.stream().filter(r -> r.prompt().equals(p) && r.ok()).toList();
            if (good.isEmpty()) {
                continue;
            }
            String name = "grids/" + RunOptions.slug(p) + "-" + BatchTask.hex(p).substring(0, 8) + ".png";
            if (writeGrid(out, good, out.resolve(name))) {
                files.add(name);
                captions.add(p);
            }
        }
        html.figures(files, captions);
        html.heading("Slowest tasks");
        List<List<String>> slow = new ArrayList<>();
        rows.stream().sorted(Comparator.comparingDouble(TaskResult::wallSeconds).reversed()).limit(SLOWEST)
                .forEach(r -> slow.add(List.of(r.taskId(), r.prompt(), Integer.toString(r.seedIndex()),
                        fmt(r.wallSeconds()), r.status())));
        html.table(List.of("task", "prompt", "seed", "wall s", "status"), slow);
        html.heading("Failed tasks");
        List<List<String>> failed = new ArrayList<>();
        for (TaskResult r : rows) {
            if (!r.ok()) {
                failed.add(List.of(r.taskId(), r.prompt(), Integer.toString(r.seedIndex()),
                        Integer.toString(r.attempts()), r.error()));
            }
        }
        if (failed.isEmpty()) {
            html.paragraph("None.");
        } else {
            html.table(List.of("task", "prompt", "seed", "attempts", "error"), failed);
        }
        html.heading("Files");
        List<String> links = new ArrayList<>(tables);
        links.add("job.json");
        links.add("run.json");
        links.add("tasks/");
        html.links(links);
        html.write(out.resolve("index.html"));
    }

    /** Mean ± half-width of the 95% Student-t interval, or the value alone for one row; empty for none. */
    static String interval(List<TaskResult> rows, ToDoubleFunction<TaskResult> f) {
        double[] v = rows.stream().mapToDouble(f).filter(Double::isFinite).toArray();
        if (v.length == 0) {
            return "";
        }
        double mean = 0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        if (v.length == 1) {
            return fmt(mean);
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double half = tQuantile(v.length - 1) * Math.sqrt(ss / (v.length - 1) / v.length);
        return fmt(mean) + " ± " + fmt(half);
    }

    /** The 0.975 quantile of Student's t with {@code df} degrees of freedom. */
    static double tQuantile(int df) {
        double[] t = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
                2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
                2.048, 2.045, 2.042};
        if (df <= t.length) {
            return t[df - 1];
        }
        return df <= 60 ? 2.000 : df <= 120 ? 1.980 : 1.960;
    }

    static String fmt(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4g", d) : "";
    }

    /** The tasks' images side by side; false when none could be read. */
    static boolean writeGrid(Path out, List<TaskResult> rows, Path file) throws IOException {
        List<BufferedImage> imgs = new ArrayList<>();
        for (TaskResult r : rows) {
            Path f = out.resolve(r.image());
            if (Files.isRegularFile(f)) {
                BufferedImage i = ImageIO.read(f.toFile());
                if (i != null) {
                    imgs.add(i);
                }
            }
        }
        if (imgs.isEmpty()) {
            return false;
        }
        int gap = 4;
        int w = gap;
        int h = 0;
        for (BufferedImage i : imgs) {
            w += i.getWidth() + gap;
            h = Math.max(h, i.getHeight());
        }
        BufferedImage grid = new BufferedImage(w, h + 2 * gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        int x = gap;
        for (BufferedImage i : imgs) {
            g.drawImage(i, x, gap, null);
            x += i.getWidth() + gap;
        }
        g.dispose();
        AtomicFiles.write(file, o -> ImageIO.write(grid, "png", o));
        return true;
    }

    /** A JSON object as pretty text. */
    static String json(Map<String, Object> m) throws IOException {
        return TaskResult.JSON.writeValueAsString(new LinkedHashMap<>(m)) + "\n";
    }
}
