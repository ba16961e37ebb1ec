package io.genalign.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.genalign.cli.support.AtomicFiles;
import io.genalign.cli.support.HtmlReport;
import io.genalign.cli.support.ImageGrids;
import io.genalign.cli.support.Plots;
import io.genalign.cli.support.RunFolder;
import io.genalign.core.io.Npy;
import io.genalign.core.noise.AlignmentResult;
import io.genalign.core.noise.StepRecord;
import io.genalign.core.noise.StopReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The report folder of a noise-alignment run, for any model set; used by {@code genalign align} and the API. */
public final class AlignmentReport {
    private AlignmentReport() {}

    /**
     * Writes the report of {@code r} into {@code f}: grids before/after, latents, per-step metrics (CSV, JSON),
     * plots (non-finite points skipped) and index.html titled with {@code prompt}.
     */
    public static void write(RunFolder f, AlignmentResult r, Map<String, Double> targets, String regularizer,
                             String prompt) throws IOException {
        int n = r.bestTarget().length;
        ImageGrids.write(f.file("initial.png"), r.initialImages(), n, scale(r.initialImages()));
        ImageGrids.write(f.file("best.png"), r.bestImages(), n, scale(r.initialImages()));
        NDArray both = NDArrays.concat(new NDList(r.initialImages(), r.bestImages()), 0);
        ImageGrids.write(f.file("before-after.png"), both, n, scale(r.initialImages()));
        Npy.writeNDArray(f.file("initial_latents.npy"), r.initialLatents());
        Npy.writeNDArray(f.file("best_latents.npy"), r.bestLatents());
        List<StepRecord> h = r.history();
        StringBuilder csv = new StringBuilder("step,seed,target");
        List<String> rewardNames = new ArrayList<>(h.get(0).rewards().keySet());
        List<String> heldNames = new ArrayList<>(h.get(0).heldOut().keySet());
        for (String k : rewardNames) {
            csv.append(",reward_").append(k);
        }
        for (String k : heldNames) {
            csv.append(",heldout_").append(k);
        }
        csv.append(",regularizer,grad_norm,latent_mean,latent_std,latent_ks,power_natural,improved\n");
        List<Map<String, Object>> json = new ArrayList<>();
        for (StepRecord s : h) {
            for (int i = 0; i < n; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", s.step());
                row.put("seed", i);
                row.put("target", s.target()[i]);
                csv.append(s.step()).append(',').append(i).append(',').append(s.target()[i]);
                for (String k : rewardNames) {
                    csv.append(',').append(s.rewards().get(k)[i]);
                    row.put("reward_" + k, s.rewards().get(k)[i]);
                }
                for (String k : heldNames) {
                    csv.append(',').append(s.heldOut().get(k)[i]);
                    row.put("heldout_" + k, s.heldOut().get(k)[i]);
                }
                csv.append(',').append(s.regularizer()[i]).append(',').append(s.gradNorm()[i]).append(',')
                        .append(s.latentMean()[i]).append(',').append(s.latentStd()[i]).append(',')
                        .append(s.latentKs()[i]).append(',').append(s.powerNatural()[i]).append(',')
                        .append(s.improved()[i]).append('\n');
                row.put("regularizer", s.regularizer()[i]);
                row.put("grad_norm", Double.isNaN(s.gradNorm()[i]) ? null : s.gradNorm()[i]);
                row.put("latent_mean", s.latentMean()[i]);
                row.put("latent_std", s.latentStd()[i]);
                row.put("latent_ks", s.latentKs()[i]);
                row.put("power_natural", s.powerNatural()[i]);
                row.put("improved", s.improved()[i]);
                json.add(row);
            }
        }
        AtomicFiles.writeString(f.file("metrics.csv"), csv.toString());
        AtomicFiles.writeString(f.file("metrics.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        double[] x = new double[h.size()];
        for (int t = 0; t < x.length; t++) {
            x[t] = h.get(t).step();
        }
        Map<String, double[]> tr = new LinkedHashMap<>();
        tr.put("target (weighted sum)", series(h, s -> StepRecord.mean(s.target())));
        for (String k : rewardNames) {
            tr.put(k, series(h, s -> StepRecord.mean(s.rewards().get(k))));
        }
        Plots.lines(f.file("target.png"), "Target rewards (mean over seeds)", "step", "reward", x, tr);
        Map<String, double[]> ho = new LinkedHashMap<>();
        for (String k : heldNames) {
            ho.put(k, series(h, s -> StepRecord.mean(s.heldOut().get(k))));
        }
        if (!ho.isEmpty()) {
            Plots.lines(f.file("heldout.png"), "Held-out rewards (mean over seeds, never optimised)", "step", "reward",
                    x, ho);
        }
        Map<String, double[]> ga = new LinkedHashMap<>();
        ga.put("KS distance to N(0,1)", series(h, s -> StepRecord.mean(s.latentKs())));
        ga.put("|std - 1|", series(h, s -> Math.abs(StepRecord.mean(s.latentStd()) - 1)));
        ga.put("|mean|", series(h, s -> Math.abs(StepRecord.mean(s.latentMean()))));
        ga.put("MPGR L_power (natural)", series(h, s -> StepRecord.mean(s.powerNatural())));
        Plots.lines(f.file("gaussianity.png"), "Gaussianity of the latents (mean over seeds)", "step", "value", x, ga);

        HtmlReport html = new HtmlReport("genalign align: " + prompt);
        html.paragraph(String.format(Locale.ROOT, "Optimised %d seeds for %s with regularizer %s; %s. Mean target "
                        + "%.4f before, %.4f at the best iterates.", n, targets, regularizer, r.message(),
                StepRecord.mean(r.initialTarget()), StepRecord.mean(r.bestTarget())));
        if (r.stopReason() == StopReason.DIVERGED) {
            html.paragraph("WARNING: the run diverged; the best iterates before it are shown.");
        }
        html.heading("Images");
        html.figures(List.of("initial.png", "best.png"), List.of("before: the initial noise, one column per seed",
                "after: each seed's best iterate by the target reward"));
        html.heading("Rewards");
        List<String> figs = new ArrayList<>(List.of("target.png"));
        List<String> caps = new ArrayList<>(List.of("optimised rewards"));
        if (!ho.isEmpty()) {
            figs.add("heldout.png");
            caps.add("held-out rewards: if they fall while the target rises, the target is being hacked");
        }
        html.figures(figs, caps);
        html.heading("Gaussianity of the noise");
        html.figures(List.of("gaussianity.png"), List.of("statistics of the latents over the steps"));
        List<List<String>> rows = new ArrayList<>();
        StepRecord first = h.get(0);
        StepRecord last = h.get(h.size() - 1);
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>();
            row.add(String.valueOf(i));
            row.add(fmt(r.initialTarget()[i]));
            row.add(fmt(r.bestTarget()[i]));
            row.add(String.valueOf(r.bestStep()[i]));
            for (String k : heldNames) {
                row.add(fmt(first.heldOut().get(k)[i]) + " → " + fmt(last.heldOut().get(k)[i]));
            }
            row.add(fmt(first.latentKs()[i]) + " → " + fmt(last.latentKs()[i]));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("seed", "target before", "best target", "best step"));
        for (String k : heldNames) {
            header.add(k + " first → last");
        }
        header.add("latent KS first → last");
        html.table(header, rows);
        html.heading("Files");
        html.links(List.of("metrics.csv", "metrics.json", "initial_latents.npy", "best_latents.npy", "provenance.json",
                "before-after.png"));
        html.write(f.file("index.html"));
    }

    private static double[] series(List<StepRecord> h, ToDoubleFunction<StepRecord> f) {
        double[] v = new double[h.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(h.get(i));
        }
        return v;
    }

    /** Pixel scale of a grid: small images are enlarged to about 168 pixels, large ones are shown as they are. */
    static int scale(NDArray images) {
        long h = images.getShape().get(2);
        return (int) Math.max(1, Math.min(8, 168 / Math.max(1, h)));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
