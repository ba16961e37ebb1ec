package io.genalign.cli.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The loss curve of a training run (PNG, XChart): every loss in the history as a moving mean over 1% of the steps.
 * A {@code io.genalign.zoo.train.LossHistory.Plotter}, so that zoo training itself draws nothing.
 */
public final class LossCurves {
    private LossCurves() {}

    /** Writes the curve of {@code history} (step i + 1 is element i) of {@code model} to {@code file}. */
    public static void write(Path file, String model, List<Map<String, Double>> history) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        XYChart chart = new XYChartBuilder().width(640).height(400).title(model + " training loss").xAxisTitle("step")
                .yAxisTitle("loss").build();
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        int n = history.size();
        int window = Math.max(1, n / 100);
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, Double> h : history) {
            keys.addAll(h.keySet());
        }
        for (String k : keys) {
            List<Double> steps = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Double v = history.get(i).get(k);
                if (v != null && !v.isNaN()) {
                    steps.add(i + 1.0);
                    values.add(v);
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            double[] x = new double[values.size()];
            double[] y = new double[values.size()];
            double acc = 0;
            for (int i = 0; i < values.size(); i++) {
                acc += values.get(i);
                if (i >= window) {
                    acc -= values.get(i - window);
                }
                x[i] = steps.get(i);
                y[i] = acc / Math.min(i + 1, window);
            }
            chart.addSeries(k + " (moving mean of " + window + ")", x, y).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
