package dev.failover.gateway.bench;

import java.io.IOException;
import java.util.Map;

/**
 * Samples two plc-sim processes through their control ports every few milliseconds: whether each
 * drives the process (both at once is a split brain) and the tank level range.
 */
final class ProcessSampler implements AutoCloseable {

    private final SimProcess a;
    private final SimProcess b;
    private final Thread thread;
    private volatile boolean running = true;
    private long samples;
    private long overlaps;
    private double minLevel = Double.MAX_VALUE;
    private double maxLevel = -Double.MAX_VALUE;

    ProcessSampler(SimProcess a, SimProcess b) {
        this.a = a;
        this.b = b;
        this.thread = Thread.ofPlatform().name("process-sampler").daemon(true).start(this::loop);
    }

    private void loop() {
        while (running) {
            Sample sa = sample(a);
            Sample sb = sample(b);
            synchronized (this) {
                samples++;
                if (sa.driving && sb.driving) {
                    overlaps++;
                }
                for (Sample s : new Sample[] {sa, sb}) {
                    if (!Double.isNaN(s.level)) {
                        minLevel = Math.min(minLevel, s.level);
                        maxLevel = Math.max(maxLevel, s.level);
                    }
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Sample(boolean driving, double level) {}

    /** A crashed controller answers its control port but reports no driving; an error counts as not driving. */
    private static Sample sample(SimProcess p) {
        try {
            Map<String, String> status = p.status();
            return new Sample(
                    Boolean.parseBoolean(status.get("driving")),
                    Double.parseDouble(status.getOrDefault("level", "NaN")));
        } catch (IOException | NumberFormatException e) {
            return new Sample(false, Double.NaN);
        }
    }

    synchronized long samples() {
        return samples;
    }

    synchronized long overlaps() {
        return overlaps;
    }

    synchronized void resetLevelRange() {
        minLevel = Double.MAX_VALUE;
        maxLevel = -Double.MAX_VALUE;
    }

    synchronized double[] levelRange() {
        return new double[] {minLevel, maxLevel};
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1000);
    }
}
