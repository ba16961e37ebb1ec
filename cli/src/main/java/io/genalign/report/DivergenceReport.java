package io.genalign.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.eval.Statistics;
import java.awt.Color;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * The files of {@code genalign experiment divergences}: results.json, the reward-versus-diversity chart and
 * results.md (Student-t 95% intervals over the training seeds, {@link Statistics#studentT95}).
 */
public final class DivergenceReport {
    /** The measures of every configuration, in the table's column order. */
    public static final List<String> MEASURES = List.of("judge", "classifier_a_logp", "classifier_a_share",
            "diversity", "per_class_fid", "implicit_accuracy");

    private DivergenceReport() {}

    /**
     * What the experiment measured and how.
     *
     * @param command      the command line that made it
     * @param configs      configuration names in the order run
     * @param runs         configuration → measure → one value per training seed
     * @param base         the base model's figures
     * @param seconds      wall time
     * @param pairsPerClass preference pairs per class
     * @param steps        DPO steps per run
     * @param pairsPerStep pairs per step
     * @param lr           AdamW learning rate
     * @param betaDpo      beta_dpo
     * @param seeds        training seeds per configuration
     * @param evalPerClass evaluation samples per class
     */
    public record Results(String command, List<String> configs, Map<String, Map<String, List<Double>>> runs,
                          Map<String, Double> base, double seconds, int pairsPerClass, int steps, int pairsPerStep,
                          float lr, double betaDpo, int seeds, int evalPerClass) {}

    /** Writes results.json, reward-vs-diversity.png and results.md into {@code f}. */
    public static void write(RunFolder f, Results r) throws IOException {
        Map<String, Map<String, List<Double>>> results = r.runs();
        Map<String, Double> base = r.base();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("base", base);
        json.put("runs", results);
        json.put("seconds", r.seconds());
        AtomicFiles.writeString(f.file("results.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(json) + "\n");
        XYChart chart = new XYChartBuilder().width(720).height(480).title("Judge score vs diversity (mean over seeds, "
                + "95% CI bars)").xAxisTitle("diversity (mean pairwise feature distance within a class)")
                .yAxisTitle("judge score").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(10);
        chart.addSeries("base", new double[] {base.get("diversity")}, new double[] {base.get("judge")});
        for (String c : r.configs()) {
            Statistics.Interval j = Statistics.studentT95(results.get(c).get("judge"));
            Statistics.Interval d = Statistics.studentT95(results.get(c).get("diversity"));
            XYSeries s = chart.addSeries(c, new double[] {d.mean()}, new double[] {j.mean()},
                    new double[] {Double.isNaN(j.halfWidth()) ? 0 : j.halfWidth()});
            s.setLabel(c);
        }
        AtomicFiles.write(f.file("reward-vs-diversity.png"),
                os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
        StringBuilder md = new StringBuilder();
        md.append("# f-divergence Diffusion-DPO on the built-in diffusion model\n\n");
        md.append(String.format(Locale.ROOT, "Produced by `genalign experiment divergences` (%s) in %.0f s. %d pairs "
                        + "per class judged by realism + contrast; %d DPO steps of %d pairs per run, AdamW lr %.3g, "
                        + "beta_dpo %.4g (kappa %.4g) for every divergence; %d training seeds per row; evaluation on "
                        + "%d samples per class from the same noise for every row.%n%n",
                r.command(), r.seconds(), r.pairsPerClass(), r.steps(), r.pairsPerStep(), r.lr(), r.betaDpo(),
                r.betaDpo() / 2, r.seeds(), r.evalPerClass()));
        md.append("| configuration | judge | classifier-A log p | classifier-A top-1 | diversity | per-class FID | "
                + "implicit acc. (last 25%) |\n|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| base | %.4f | %.4f | %.3f | %.4f | %.2f | – |%n", base.get("judge"),
                base.get("classifier_a_logp"), base.get("classifier_a_share"), base.get("diversity"),
                base.get("per_class_fid")));
        for (String c : r.configs()) {
            Map<String, List<Double>> cell = results.get(c);
            md.append("| ").append(c);
            for (String k : MEASURES) {
                Statistics.Interval mc = Statistics.studentT95(cell.get(k));
                md.append(String.format(Locale.ROOT, " | %.4f ± %.4f", mc.mean(), mc.halfWidth()));
            }
            md.append(" |\n");
        }
        md.append("\n`± ` is the Student-t 95% half-width over the training seeds. `js@2` is Jensen-Shannon with "
                + "beta_out = 2.\n");
        AtomicFiles.writeString(f.file("results.md"), md.toString());
    }
}
