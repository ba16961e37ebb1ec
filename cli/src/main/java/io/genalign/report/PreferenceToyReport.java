package io.genalign.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.zoo.preference.DivergenceConfig;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.preference.GradientField;
import io.genalign.zoo.preference.toy.PreferenceToy;
import io.genalign.zoo.preference.toy.RingMixture;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * The results folder of {@code genalign experiment preference-toy} (spec §8 checks 3 and 4): the gradient-field
 * figure, the fitted densities, the reward-versus-modes plot, results.md and results.json. Only writing; the
 * numbers come from {@link PreferenceToy} and {@link GradientField}.
 */
public final class PreferenceToyReport {
    private PreferenceToyReport() {}

    private static final int PANEL = 300;
    private static final int MARGIN = 36;
    private static final int TOP = 28;
    private static final double LOG_MIN = -6;
    private static final double LOG_MAX = 2;

    /** Writes every file of the report into {@code f}. */
    public static void write(RunFolder f, PreferenceToy.Outcome out, List<GradientField.Field> fields, String command)
            throws IOException {
        AtomicFiles.write(f.file("gradient-field.png"), os -> ImageIO.write(gradientFigure(fields), "png", os));
        AtomicFiles.write(f.file("densities.png"), os -> ImageIO.write(densityFigure(out), "png", os));
        XYChart chart = rewardVersusModes(out);
        AtomicFiles.write(f.file("reward-vs-modes.png"),
                os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("options", out.options().toMap());
        json.put("seeds", out.seeds());
        json.put("seconds", out.seconds());
        AtomicFiles.writeString(f.file("results.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(json) + "\n");
        AtomicFiles.writeString(f.file("results.md"), markdown(out, command));
    }

    /** mean and sample standard deviation. */
    static double[] meanSd(List<Double> v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.size();
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return new double[] {m, v.size() > 1 ? Math.sqrt(s / (v.size() - 1)) : Double.NaN};
    }

    private static String cell(List<Double> v, String fmt) {
        double[] ms = meanSd(v);
        String m = String.format(Locale.ROOT, fmt, ms[0]);
        return Double.isNaN(ms[1]) ? m : m + " ± " + String.format(Locale.ROOT, fmt.replace("+", ""), ms[1]);
    }

    /** Per row ("reference" then each configuration): the per-seed values of one measure. */
    static Map<String, List<Double>> column(PreferenceToy.Outcome out, java.util.function.ToDoubleFunction<RingMixture.Stats> m) {
        Map<String, List<Double>> c = new LinkedHashMap<>();
        c.put("reference", new ArrayList<>());
        for (String name : out.options().configs()) {
            c.put(name, new ArrayList<>());
        }
        for (PreferenceToy.SeedResult s : out.seeds()) {
            c.get("reference").add(m.applyAsDouble(s.reference()));
            for (PreferenceToy.Run r : s.runs()) {
                c.get(r.config()).add(m.applyAsDouble(r.stats()));
            }
        }
        return c;
    }

    static String markdown(PreferenceToy.Outcome out, String command) {
        PreferenceToy.Options o = out.options();
        StringBuilder md = new StringBuilder("# f-divergence Diffusion-DPO on a 2-D Gaussian mixture (spec §8 checks 3 "
                + "and 4)\n\n");
        md.append("Command (").append(String.format(Locale.ROOT, "%.0f s", out.seconds())).append(", one CPU thread):\n\n```\n")
                .append(command).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "Data: %d equal Gaussians (std %.3g) on a ring of radius %.3g. Reward "
                        + "r(x) = cos(angle of x): mode 0 (angle 0) r = 1, its neighbours 0.71, modes 2 and 6 r = 0, "
                        + "the opposite mode r = −1; the data's mean reward is 0. Reference: an MLP epsilon network "
                        + "(3 × %d GELU, sinusoidal time features), cosine schedule T = %d, %d Adam steps of %d "
                        + "points. Pairs: %d pairs of two independent reference samples, winner by Bradley–Terry "
                        + "P(a ≻ b) = sigmoid(%.3g·(r(a) − r(b))). DPO: genalign's Diffusion-DPO trainer and FDpoLoss, "
                        + "%d steps of %d pairs, AdamW lr %.3g (weight decay %.3g, warm-up %d steps, clip 1), "
                        + "beta_dpo %.4g (kappa %.4g) for every divergence, beta_out 1 unless `@`; every configuration "
                        + "starts from the same reference and sees the same pairs, timesteps and noise. Evaluation: %d "
                        + "DDIM samples (%d steps, eta 0) from the same noise for every row. A sample belongs to a "
                        + "mode within %.0f std of its centre; a mode **survives** with at least %.2f%% of the samples "
                        + "(the data: %.1f%%); *effective modes* = exp(entropy of the mode shares among in-mode "
                        + "samples). Mean ± sample standard deviation over %d seeds %s (each seed: its own reference, "
                        + "pairs and fine-tuning).%n%n", o.modes(), o.std(), o.radius(), o.hidden(), o.scheduleSteps(),
                o.refSteps(), o.refBatch(), o.pairs(), o.btScale(), o.dpoSteps(), o.pairsPerStep(), o.dpoLr(),
                o.weightDecay(), Math.max(1, o.dpoSteps() / 10), o.betaDpo(), o.betaDpo() / 2, o.samples(),
                o.ddimSteps(), RingMixture.MODE_RADIUS_STDS, 100 * o.surviveShare(), 100.0 / o.modes(),
                o.seeds().size(), o.seeds()));
        Map<String, List<Double>> reward = column(out, RingMixture.Stats::meanReward);
        Map<String, List<Double>> surv = column(out, s -> s.surviving());
        Map<String, List<Double>> eff = column(out, RingMixture.Stats::effectiveModes);
        Map<String, List<Double>> off = column(out, RingMixture.Stats::offMode);
        Map<String, List<Double>> top = column(out, s -> s.shares()[0]);
        Map<String, List<Double>> opposite = column(out, s -> s.shares()[s.shares().length / 2]);
        Map<String, List<Double>> acc = new LinkedHashMap<>();
        Map<String, List<Double>> sw = new LinkedHashMap<>();
        Map<String, List<Double>> sl = new LinkedHashMap<>();
        for (PreferenceToy.SeedResult s : out.seeds()) {
            for (PreferenceToy.Run r : s.runs()) {
                acc.computeIfAbsent(r.config(), k -> new ArrayList<>()).add(r.accEnd());
                sw.computeIfAbsent(r.config(), k -> new ArrayList<>()).add(r.sWEnd());
                sl.computeIfAbsent(r.config(), k -> new ArrayList<>()).add(r.sLEnd());
            }
        }
        md.append("| row | mean reward | surviving modes | effective modes | share of mode 0 | share of the opposite "
                + "mode | off-mode share | implicit acc. (last 10%) | s_w / s_l (last 10%) |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (String row : reward.keySet()) {
            boolean ref = row.equals("reference");
            md.append("| ").append(row).append(" | ").append(cell(reward.get(row), "%.3f")).append(" | ")
                    .append(cell(surv.get(row), "%.1f")).append(" | ").append(cell(eff.get(row), "%.2f")).append(" | ")
                    .append(cell(top.get(row), "%.3f")).append(" | ").append(cell(opposite.get(row), "%.3f"))
                    .append(" | ").append(cell(off.get(row), "%.3f")).append(" | ")
                    .append(ref ? "–" : cell(acc.get(row), "%.2f")).append(" | ")
                    .append(ref ? "–" : cell(sw.get(row), "%.2f") + " / " + cell(sl.get(row), "%.2f")).append(" |\n");
        }
        Map<String, List<Double>> above = aboveReverseKlCurve(out);
        if (!above.isEmpty()) {
            md.append("\n**Against the reverse KL's own strength curve.** Per seed, the reverse-KL rows (beta_out varied) "
                    + "give a piecewise-linear curve of effective modes against mean reward; for every other row, "
                    + "*above curve* = its effective modes minus the curve's at its mean reward (positive: more modes "
                    + "kept than reverse KL at the same reward, a better trade-off), over the seeds where its reward "
                    + "lies within the curve's range.\n\n| row | above curve (effective modes) | seeds in range | "
                    + "seeds above |\n|---|---|---|---|\n");
            for (Map.Entry<String, List<Double>> e : above.entrySet()) {
                List<Double> v = e.getValue();
                long pos = v.stream().filter(x -> x > 0).count();
                md.append("| ").append(e.getKey()).append(" | ").append(v.isEmpty() ? "–" : cell(v, "%+.3f"))
                        .append(" | ").append(v.size()).append(" of ").append(out.seeds().size()).append(" | ")
                        .append(pos).append(" |\n");
            }
        }
        md.append("\nPer seed (reward, surviving modes, effective modes):\n\n| seed | reference |");
        for (String c : o.configs()) {
            md.append(' ').append(c).append(" |");
        }
        md.append("\n|---|---|").append("---|".repeat(o.configs().size())).append('\n');
        for (PreferenceToy.SeedResult s : out.seeds()) {
            md.append("| ").append(s.seed()).append(" | ").append(brief(s.reference())).append(" |");
            for (PreferenceToy.Run r : s.runs()) {
                md.append(' ').append(brief(r.stats())).append(" |");
            }
            md.append('\n');
        }
        md.append("\nPairs per seed (mean reward of winners / losers) and the reference's final epsilon MSE: ");
        List<String> ps = new ArrayList<>();
        for (PreferenceToy.SeedResult s : out.seeds()) {
            ps.add(String.format(Locale.ROOT, "seed %d: %.3f / %.3f, MSE %.4f", s.seed(), s.winnerReward(),
                    s.loserReward(), s.refLoss()));
        }
        md.append(String.join("; ", ps)).append(".\n\n");
        md.append("Figures: `gradient-field.png` (check 3: direction of −∇L over (s_w, s_l) ∈ [−4, 4]², colour "
                + "log10 |∇L|, dashed s_w = s_l), `densities.png` (2-D histograms of the samples of seed "
                + o.seeds().get(0) + ", log colour scale; circles: 3 std around the mode centres, red: mode 0), "
                + "`reward-vs-modes.png` (effective modes versus mean reward, mean ± sd over seeds).\n");
        return md.toString();
    }

    /**
     * Per non-reverse-KL row: per seed, its effective modes minus the piecewise-linear interpolation of the reverse-KL
     * rows (effective modes against mean reward) at its mean reward; seeds where its reward lies outside the
     * reverse-KL rows' range are left out. Empty when fewer than two reverse-KL rows were run.
     */
    static Map<String, List<Double>> aboveReverseKlCurve(PreferenceToy.Outcome out) {
        Map<String, List<Double>> res = new LinkedHashMap<>();
        List<String> rklRows = new ArrayList<>();
        for (String c : out.options().configs()) {
            if (DivergenceConfig.parse(c).divergence().kind()
                    == io.genalign.core.preference.DivergenceKind.REVERSE_KL) {
                rklRows.add(c);
            } else {
                res.put(c, new ArrayList<>());
            }
        }
        if (rklRows.size() < 2) {
            return new LinkedHashMap<>();
        }
        for (PreferenceToy.SeedResult s : out.seeds()) {
            List<double[]> curve = new ArrayList<>();
            for (PreferenceToy.Run r : s.runs()) {
                if (rklRows.contains(r.config())) {
                    curve.add(new double[] {r.stats().meanReward(), r.stats().effectiveModes()});
                }
            }
            curve.sort(java.util.Comparator.comparingDouble(p -> p[0]));
            for (PreferenceToy.Run r : s.runs()) {
                if (!res.containsKey(r.config())) {
                    continue;
                }
                double x = r.stats().meanReward();
                for (int i = 0; i + 1 < curve.size(); i++) {
                    double[] a = curve.get(i);
                    double[] b = curve.get(i + 1);
                    if (x >= a[0] && x <= b[0] && b[0] > a[0]) {
                        double y = a[1] + (x - a[0]) / (b[0] - a[0]) * (b[1] - a[1]);
                        res.get(r.config()).add(r.stats().effectiveModes() - y);
                        break;
                    }
                }
            }
        }
        return res;
    }

    private static String brief(RingMixture.Stats s) {
        return String.format(Locale.ROOT, "%.3f, %d, %.2f", s.meanReward(), s.surviving(), s.effectiveModes());
    }

    static XYChart rewardVersusModes(PreferenceToy.Outcome out) {
        XYChart chart = new XYChartBuilder().width(720).height(480).title("Effective modes vs mean reward (mean ± sd "
                + "over seeds)").xAxisTitle("mean reward").yAxisTitle("effective number of modes").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(10);
        Map<String, List<Double>> reward = column(out, RingMixture.Stats::meanReward);
        Map<String, List<Double>> eff = column(out, RingMixture.Stats::effectiveModes);
        List<double[]> rkl = new ArrayList<>();
        for (String row : reward.keySet()) {
            double[] r = meanSd(reward.get(row));
            double[] e = meanSd(eff.get(row));
            chart.addSeries(row, new double[] {r[0]}, new double[] {e[0]},
                    new double[] {Double.isNaN(e[1]) ? 0 : e[1]});
            if (!row.equals("reference") && DivergenceConfig.parse(row).divergence().kind()
                    == io.genalign.core.preference.DivergenceKind.REVERSE_KL) {
                rkl.add(new double[] {r[0], e[0]});
            }
        }
        if (rkl.size() >= 2) {
            // the reverse KL's own strength curve (beta_out varied): a divergence above it trades better
            rkl.sort(java.util.Comparator.comparingDouble(p -> p[0]));
            XYSeries line = chart.addSeries("reverse-kl, beta_out varied", rkl.stream().mapToDouble(p -> p[0]).toArray(),
                    rkl.stream().mapToDouble(p -> p[1]).toArray());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            line.setLineColor(Color.GRAY);
        }
        return chart;
    }

    // ---- pictures ---------------------------------------------------------------------------------------------

    private static Color colour(double v) {
        // a small perceptual map: dark blue -> teal -> yellow
        double t = Math.max(0, Math.min(1, v));
        float[][] stops = {{0.18f, 0.0f, 0.33f}, {0.13f, 0.45f, 0.56f}, {0.20f, 0.72f, 0.47f}, {0.99f, 0.91f, 0.14f}};
        double p = t * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) p);
        double a = p - i;
        return new Color((float) (stops[i][0] + a * (stops[i + 1][0] - stops[i][0])),
                (float) (stops[i][1] + a * (stops[i + 1][1] - stops[i][1])),
                (float) (stops[i][2] + a * (stops[i + 1][2] - stops[i][2])));
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    /** One panel per field (4 per row) and a colour bar: heat map of log10 |∇L|, arrows along −∇L. */
    static BufferedImage gradientFigure(List<GradientField.Field> fields) {
        int cols = 4;
        int rows = (fields.size() + 1 + cols - 1) / cols;
        int cw = PANEL + 2 * MARGIN;
        int ch = PANEL + MARGIN + TOP + 8;
        BufferedImage img = new BufferedImage(cols * cw, rows * ch + 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setColor(Color.BLACK);
        g.drawString("Gradient field of the per-pair loss L(s_w, s_l): arrows = −∇L (the descent direction, unit length), "
                + "colour = log10 |∇L|", 8, 16);
        for (int k = 0; k < fields.size(); k++) {
            int ox = (k % cols) * cw + MARGIN;
            int oy = (k / cols) * ch + TOP + 24;
            drawField(g, fields.get(k), ox, oy);
        }
        int k = fields.size();
        int ox = (k % cols) * cw + MARGIN;
        int oy = (k / cols) * ch + TOP + 24;
        for (int y = 0; y < PANEL; y++) {
            g.setColor(colour(1.0 - (double) y / (PANEL - 1)));
            g.fillRect(ox, oy + y, 30, 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(ox, oy, 30, PANEL);
        for (double v = LOG_MIN; v <= LOG_MAX + 1e-9; v += 1) {
            int y = oy + (int) Math.round((LOG_MAX - v) / (LOG_MAX - LOG_MIN) * PANEL);
            g.drawLine(ox + 30, y, ox + 36, y);
            g.drawString(String.format(Locale.ROOT, "%.0f", v), ox + 40, y + 4);
        }
        g.drawString("log10 |∇L|", ox, oy - 6);
        g.drawString("(clamped to [" + LOG_MIN + ", " + LOG_MAX + "])", ox, oy + PANEL + 16);
        g.dispose();
        return img;
    }

    private static void drawField(Graphics2D g, GradientField.Field f, int ox, int oy) {
        int n = f.axis().length;
        double lo = f.axis()[0];
        double hi = f.axis()[n - 1];
        double cell = (double) PANEL / n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = (Math.log10(Math.max(1e-300, f.norm(i, j))) - LOG_MIN) / (LOG_MAX - LOG_MIN);
                g.setColor(colour(v));
                int x0 = ox + (int) Math.floor(j * cell);
                int y0 = oy + PANEL - (int) Math.floor((i + 1) * cell);
                g.fillRect(x0, y0, (int) Math.ceil(cell) + 1, (int) Math.ceil(cell) + 1);
            }
        }
        // arrows on a coarser grid: every `stride`-th point
        int stride = Math.max(1, (n - 1) / 16);
        double len = stride * cell * 0.8;
        g.setStroke(new BasicStroke(1.2f));
        g.setColor(Color.WHITE);
        for (int i = 0; i < n; i += stride) {
            for (int j = 0; j < n; j += stride) {
                double dx = -f.dW()[i][j];
                double dy = -f.dL()[i][j];
                double norm = Math.hypot(dx, dy);
                if (!(norm > 0)) {
                    continue;
                }
                dx /= norm;
                dy /= norm;
                double cx = ox + (j + 0.5) * cell;
                double cy = oy + PANEL - (i + 0.5) * cell;
                double x1 = cx - dx * len / 2;
                double y1 = cy + dy * len / 2;
                double x2 = cx + dx * len / 2;
                double y2 = cy - dy * len / 2;
                g.drawLine((int) Math.round(x1), (int) Math.round(y1), (int) Math.round(x2), (int) Math.round(y2));
                double ang = Math.atan2(y2 - y1, x2 - x1);
                double h = len * 0.35;
                for (double s : new double[] {-0.45, 0.45}) {
                    g.drawLine((int) Math.round(x2), (int) Math.round(y2), (int) Math.round(x2 - h * Math.cos(ang + s)),
                            (int) Math.round(y2 - h * Math.sin(ang + s)));
                }
            }
        }
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
        g.drawLine(ox, oy + PANEL, ox + PANEL, oy);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawRect(ox, oy, PANEL, PANEL);
        for (double v = Math.ceil(lo); v <= hi + 1e-9; v += 2) {
            int x = ox + (int) Math.round((v - lo) / (hi - lo) * PANEL);
            int y = oy + PANEL - (int) Math.round((v - lo) / (hi - lo) * PANEL);
            g.drawLine(x, oy + PANEL, x, oy + PANEL + 4);
            g.drawString(String.format(Locale.ROOT, "%.0f", v), x - 4, oy + PANEL + 16);
            g.drawLine(ox - 4, y, ox, y);
            g.drawString(String.format(Locale.ROOT, "%.0f", v), ox - 22, y + 4);
        }
        g.drawString("s_w", ox + PANEL / 2 - 8, oy + PANEL + 30);
        g.drawString("s_l", ox - 34, oy + PANEL / 2 - 14);
        String title = f.divergence().label() + (f.betaOut() == 1.0 ? "" : " (beta_out " + f.betaOut() + ")");
        g.drawString(title, ox, oy - 6);
    }

    /** One 2-D histogram per row of the outcome's pictures, 4 per row. */
    static BufferedImage densityFigure(PreferenceToy.Outcome out) {
        RingMixture mix = out.options().mixture();
        Map<String, float[]> pics = out.samples();
        int cols = 4;
        int rows = (pics.size() + cols - 1) / cols;
        int cw = PANEL + 2 * 12;
        int ch = PANEL + TOP + 12;
        BufferedImage img = new BufferedImage(cols * cw, rows * ch + 24, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setColor(Color.BLACK);
        g.drawString("Samples (2-D histograms, log colour) of the reference and each fine-tuned model, same noise; "
                + "seed " + out.options().seeds().get(0) + "; red: the favoured mode 0", 8, 16);
        double ext = 1.6 * out.options().radius();
        int bins = 100;
        int k = 0;
        for (Map.Entry<String, float[]> e : pics.entrySet()) {
            int ox = (k % cols) * cw + 12;
            int oy = (k / cols) * ch + TOP + 24;
            k++;
            float[] p = e.getValue();
            double[][] h = new double[bins][bins];
            double max = 0;
            for (int i = 0; i < p.length / 2; i++) {
                int bx = (int) Math.floor((p[2 * i] + ext) / (2 * ext) * bins);
                int by = (int) Math.floor((p[2 * i + 1] + ext) / (2 * ext) * bins);
                if (bx >= 0 && bx < bins && by >= 0 && by < bins) {
                    h[by][bx]++;
                    max = Math.max(max, h[by][bx]);
                }
            }
            double cell = (double) PANEL / bins;
            for (int by = 0; by < bins; by++) {
                for (int bx = 0; bx < bins; bx++) {
                    if (h[by][bx] == 0) {
                        continue;
                    }
                    g.setColor(colour(0.15 + 0.85 * Math.log1p(h[by][bx]) / Math.log1p(max)));
                    g.fillRect(ox + (int) Math.floor(bx * cell), oy + PANEL - (int) Math.floor((by + 1) * cell),
                            (int) Math.ceil(cell) + 1, (int) Math.ceil(cell) + 1);
                }
            }
            for (int m = 0; m < mix.modes(); m++) {
                int cx = ox + (int) Math.round((mix.centreX(m) + ext) / (2 * ext) * PANEL);
                int cy = oy + PANEL - (int) Math.round((mix.centreY(m) + ext) / (2 * ext) * PANEL);
                int r = (int) Math.round(RingMixture.MODE_RADIUS_STDS * mix.std() / (2 * ext) * PANEL);
                g.setColor(m == 0 ? new Color(220, 30, 30) : new Color(120, 120, 120));
                g.drawOval(cx - r, cy - r, 2 * r, 2 * r);
            }
            g.setColor(Color.BLACK);
            g.drawRect(ox, oy, PANEL, PANEL);
            RingMixture.Stats s = mix.stats(p, out.options().surviveShare());
            g.drawString(String.format(Locale.ROOT, "%s: reward %.3f, modes %d (eff. %.2f)", e.getKey(),
                    s.meanReward(), s.surviving(), s.effectiveModes()), ox, oy - 6);
        }
        g.dispose();
        return img;
    }
}
