package dev.failover.gateway.supervisor;

import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a pair's tags from its active controller once per scan period, for the northbound servers.
 * Only a controller that can take commands (active, running, not failed) is read: during a
 * switchover, or while the active is unreachable, the values are kept as {@link
 * TagImage.Quality#LAST_USABLE} and never read from the standby. While the active is SUSPECT (a poll
 * just missed) a scan is skipped and the values keep their last read: the control connection is left
 * to the gateway's corroborating probe.
 *
 * <p>One thread per pair; listeners are called on it after every scan with the new image.
 * Thread-safe.
 */
public final class TagScanner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TagScanner.class);

    private final String pairName;
    private final List<TagConfig> tags;
    private final Supplier<PairStatus> status;
    private final Function<String, ControllerLink> links;
    private final Duration period;
    private final Clock clock;
    private final List<Consumer<TagImage>> listeners = new CopyOnWriteArrayList<>();
    private volatile TagImage image;
    private ScheduledExecutorService thread;
    private boolean started;

    TagScanner(
            String pairName,
            List<TagConfig> tags,
            Supplier<PairStatus> status,
            Function<String, ControllerLink> links,
            Duration period,
            Clock clock) {
        this.pairName = pairName;
        this.tags = List.copyOf(tags);
        this.status = status;
        this.links = links;
        this.period = period;
        this.clock = clock;
        Map<String, TagImage.Value> empty = new LinkedHashMap<>();
        for (TagConfig tag : tags) {
            empty.put(tag.name(), TagImage.Value.noData("not read yet"));
        }
        this.image = new TagImage(empty);
    }

    /** The latest image. */
    public TagImage image() {
        return image;
    }

    /**
     * Calls {@code listener} with every new image, on the scan thread; it must not block. The scans run
     * only while someone listens (the SCADA server): without one they would cost a read of the active
     * every period for nothing (about 1 % of a core on a small box).
     */
    public synchronized void onScan(Consumer<TagImage> listener) {
        listeners.add(listener);
        if (started) {
            startScanning();
        }
    }

    /** Whether the scan thread runs. */
    synchronized boolean scanning() {
        return thread != null;
    }

    /** Lets the scans run, from now on or from the first listener. */
    synchronized void start() {
        started = true;
        if (!listeners.isEmpty()) {
            startScanning();
        }
    }

    private void startScanning() {
        if (tags.isEmpty() || thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tags-" + pairName).daemon(true).factory());
        long origin = System.nanoTime();
        thread.execute(() -> scanAndReschedule(origin));
    }

    /**
     * Scans, then schedules the next scan at the next slot of a fixed grid. A scan that overran its
     * period skips the slots it covered instead of running them back to back (as the polls do).
     */
    private void scanAndReschedule(long origin) {
        try {
            scan();
        } catch (RuntimeException e) {
            // A dead scan thread would freeze every value at GOOD.
            log.error("tag scan of pair {} failed", pairName, e);
        }
        long periodNanos = period.toNanos();
        long now = System.nanoTime();
        long next = origin + ((now - origin) / periodNanos + 1) * periodNanos;
        try {
            thread.schedule(() -> scanAndReschedule(origin), next - now, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("tag scanner of pair {} stopped", pairName);
        }
    }

    /** One scan: reads the active controller's tags, or marks the values last usable. */
    void scan() {
        PairStatus now = status.get();
        String active = now.activeId();
        Health health = active == null ? null : now.health().get(active);
        String why = null;
        if (active == null) {
            why = "pair " + pairName + " has no active controller (" + now.state() + ")";
        } else if (now.state() == PairState.SWITCHING) {
            why = "pair " + pairName + " is switching over";
        } else if (health == null || !health.canTakeCommands()) {
            why = "active controller " + active + " is " + (health == null ? "unknown" : health.describe());
        }
        if (why == null && health.condition() == Condition.SUSPECT) {
            // A poll of the active just missed: the control connection belongs to the corroborating
            // probe now (safety rule 10), and a tag read on a hung controller would hold it for a whole
            // deadline. The values keep their last read and time until the verdict is in.
            return;
        }
        Map<String, TagImage.Value> values = new LinkedHashMap<>();
        if (why == null) {
            LinkResult<double[]> read = links.apply(active).readTags(tags);
            if (read instanceof LinkResult.Ok<double[]> ok) {
                java.time.Instant at = clock.instant();
                for (int i = 0; i < tags.size(); i++) {
                    TagConfig tag = tags.get(i);
                    values.put(
                            tag.name(),
                            new TagImage.Value(tag.engineering(ok.value()[i]), TagImage.Quality.GOOD, at, active, ""));
                }
            } else {
                LinkResult.Failed<double[]> failed = (LinkResult.Failed<double[]>) read;
                why = "reading the tags of " + active + " failed: " + failed.error() + ": " + failed.detail();
            }
        }
        if (why != null) {
            for (Map.Entry<String, TagImage.Value> e : image.values().entrySet()) {
                values.put(e.getKey(), e.getValue().lastUsable(why));
            }
        }
        TagImage next = new TagImage(values);
        image = next;
        for (Consumer<TagImage> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.error("tag listener of pair {} failed", pairName, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
