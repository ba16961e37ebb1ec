package io.genalign.cli.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line plots written as PNG files (XChart), atomically. */
public final class Plots {
    private Plots() {}

    /**
     * Writes a line chart of several series over a common x axis.
     *
     * @param file   the PNG file
     * @param title  chart title
     * @param xLabel x axis label
     * @param yLabel y axis label
     * @param x      x values
     * @param series name to y values (same length as x), in legend order
     */
    public static void lines(Path file, String title, String xLabel, String yLabel, double[] x,
                             Map<String, double[]> series) throws IOException {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        int omitted = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            int keep = 0;
            double[] xs = new double[x.length];
            double[] ys = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                if (plottable(x[i]) && plottable(y[i])) {
                    xs[keep] = x[i];
                    ys[keep++] = y[i];
                }
            }
            omitted += x.length - keep;
            if (keep == 0) {
                continue;
            }
            XYSeries s = chart.addSeries(e.getKey(), Arrays.copyOf(xs, keep), Arrays.copyOf(ys, keep));
            s.setMarker(SeriesMarkers.NONE);
        }
        if (omitted > 0) {
            chart.setTitle(title + " (" + omitted + " non-finite points omitted)");
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no finite values", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * Whether a value can be drawn: finite and small enough that the chart's axis arithmetic cannot overflow (a
     * diverging run's values are dropped, not allowed to break the report).
     */
    static boolean plottable(double v) {
        return Double.isFinite(v) && Math.abs(v) < 1e150;
    }

    /** Convenience for one series. */
    public static void line(Path file, String title, String xLabel, String yLabel, double[] x, double[] y)
            throws IOException {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put(yLabel, y);
        lines(file, title, xLabel, yLabel, x, m);
    }
}
