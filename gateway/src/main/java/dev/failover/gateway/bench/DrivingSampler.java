package dev.failover.gateway.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples both simulated controllers every half millisecond and counts the samples in which both
 * drove the process at once: the split brain that safety rule 1 forbids.
 */
final class DrivingSampler implements AutoCloseable {

    private final SimPair pair;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong overlaps = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    DrivingSampler(SimPair pair) {
        this.pair = pair;
        this.thread = Thread.ofPlatform().name("driving-sampler").daemon(true).start(this::loop);
    }

    private void loop() {
        while (running) {
            boolean a = pair.plc(SimPair.A).snapshot().driving();
            boolean b = pair.plc(SimPair.B).snapshot().driving();
            samples.incrementAndGet();
            if (a && b) {
                overlaps.incrementAndGet();
            }
            try {
                Thread.sleep(0, 500_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    long samples() {
        return samples.get();
    }

    long overlaps() {
        return overlaps.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1000);
    }
}
