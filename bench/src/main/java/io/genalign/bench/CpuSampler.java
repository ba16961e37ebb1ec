package io.genalign.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Measures how much CPU processes other than this JVM and its children (the JMH forks) use while the benchmark
 * runs: every interval, the busy jiffies of the whole machine ({@code /proc/stat}) minus the user + system
 * jiffies of this process tree ({@code /proc/PID/stat}), divided by the elapsed jiffies. Linux only; elsewhere
 * it reports NaN. Time used by a fork that ended within an interval is counted as other work, which can only
 * overstate sharing.
 */
final class CpuSampler implements AutoCloseable {
    private static final long INTERVAL_S = 10;
    private static final double HZ = 100.0; // USER_HZ on Linux

    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cpu-sampler");
        t.setDaemon(true);
        return t;
    });
    private final List<Double> others = new ArrayList<>();
    private long lastBusy = -1;
    private long lastOurs;
    private long lastNanos;
    private final java.util.Map<Long, Long> lastPerPid = new java.util.HashMap<>();

    CpuSampler() {
        sample();
        exec.scheduleAtFixedRate(this::sample, INTERVAL_S, INTERVAL_S, TimeUnit.SECONDS);
    }

    private synchronized void sample() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(f[i]);
            }
            long ours = ourJiffies();
            long now = System.nanoTime();
            if (lastBusy >= 0) {
                double seconds = (now - lastNanos) / 1e9;
                double otherCores = Math.max(0, (busy - lastBusy) - (ours - lastOurs)) / HZ / seconds;
                others.add(otherCores);
            }
            lastBusy = busy;
            lastOurs = ours;
            lastNanos = now;
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: no numbers
        }
    }

    /** Cumulative jiffies of this process and its live descendants, accumulating those of ended ones. */
    private long ourJiffies() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(ProcessHandle.current());
        ProcessHandle.current().descendants().forEach(tree::add);
        long total = 0;
        for (ProcessHandle p : tree) {
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String[] g = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
                long j = Long.parseLong(g[11]) + Long.parseLong(g[12]); // utime, stime (fields 14, 15)
                lastPerPid.put(p.pid(), j);
            } catch (IOException | RuntimeException e) {
                // the process ended between listing and reading; its last value stays in lastPerPid
            }
        }
        for (long j : lastPerPid.values()) {
            total += j;
        }
        return total;
    }

    @Override
    public synchronized void close() {
        exec.shutdownNow();
        sample();
    }

    synchronized double meanOtherCores() {
        return others.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    synchronized double maxOtherCores() {
        return others.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    synchronized int samples() {
        return others.size();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
