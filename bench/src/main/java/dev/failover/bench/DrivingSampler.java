package dev.failover.bench;

import dev.failover.testkit.SimPair;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the pair's plant every half millisecond and counts the samples in which more than one
 * controller fed it at once: the split brain that safety rule 1 forbids. The plant, not the
 * controllers' own flags: a controller whose relay the fence has cut still says it drives until its
 * next scan, while its output no longer reaches the process (two flags read one after the other
 * counted that as an overlap about once a run).
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
            int drivers = pair.plant().read().drivers();
            samples.incrementAndGet();
            if (drivers > 1) {
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
