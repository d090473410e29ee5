package dev.failover.gateway.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to every registered sink. A failing sink is logged and does not keep the event
 * from the others. Thread-safe.
 *
 * <p><b>Two kinds of sink.</b> A sink added with {@link #add} gets each event on the publishing
 * thread, before {@link #publish} returns: for sinks that only keep the event in memory (the recent
 * events of {@code status}, a test's collector). A sink added with {@link #addWriter} gets it on the
 * bus's writer thread, in publishing order, shortly after: for sinks that format and write (the log,
 * the event log file, a console). The thread that publishes is often the one deciding a failover,
 * and it must not wait on a disk or a console in the middle of one: measured on the 2-core bench
 * under full CPU load, the event log, the log and the demo's console together held a failover up
 * for 20-35 ms. Where an answer must not be given before its events are written (a command's
 * outcome: its evidence must survive a crash right after the answer), the publisher calls {@link
 * #flush} first. A sink added with {@link #add} may itself write later, on a thread of its own (the
 * audit log queues each event and syncs batches): {@link #flush} waits for it too, through its own
 * {@link EventSink#flush}.
 *
 * <p>The writer's queue is bounded ({@value #QUEUE_LIMIT} events). When a disk stalls for so long
 * that it fills, further events are dropped rather than blocking the publishers (a failover must
 * never wait on the disk); the count is logged as an error once the writer catches up.
 */
public final class EventBus implements EventSink {

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    static final int QUEUE_LIMIT = 10_000;

    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
    private final List<EventSink> writers = new CopyOnWriteArrayList<>();

    // Guarded by this; only the writer thread waits on it.
    private final ArrayDeque<GatewayEvent> queue = new ArrayDeque<>();
    private long queued;
    private long dropped;
    private volatile boolean closed;

    /** Guards {@link #written}; the flushers wait on it, woken once per batch the writer delivers. */
    private final Object progress = new Object();

    private long written;
    private Thread writer;

    /** Adds a sink that gets each event on the publishing thread; it must be quick and must not block. */
    public EventBus add(EventSink sink) {
        sinks.add(sink);
        return this;
    }

    /** Adds a sink that gets each event on the bus's writer thread, in order: one that writes or formats. */
    public synchronized EventBus addWriter(EventSink sink) {
        writers.add(sink);
        if (writer == null && !closed) {
            writer = Thread.ofPlatform().name("event-writer").daemon(true).start(this::writeLoop);
        }
        return this;
    }

    public void remove(EventSink sink) {
        sinks.remove(sink);
        writers.remove(sink);
    }

    @Override
    public void publish(GatewayEvent event) {
        for (EventSink sink : sinks) {
            deliver(sink, event);
        }
        if (!writers.isEmpty()) {
            enqueue(event);
        }
    }

    private synchronized void enqueue(GatewayEvent event) {
        if (closed) {
            // After close (the gateway is stopping): write it here rather than lose it.
            writers.forEach(w -> deliver(w, event));
            return;
        }
        if (queue.size() >= QUEUE_LIMIT) {
            dropped++;
            return;
        }
        queue.addLast(event);
        queued++;
        // Only the writer waits on this monitor; flushers wait on progress.
        notify();
    }

    /**
     * Waits until every event published before this call has been given to the writer sinks, and
     * until each sink added with {@link #add} has {@linkplain EventSink#flush flushed}, or {@code max}
     * has passed.
     *
     * @return whether they all were
     */
    @Override
    public boolean flush(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        boolean all = true;
        for (EventSink sink : sinks) {
            all &= sink.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return writersFlushed(deadline) && all;
    }

    private boolean writersFlushed(long deadline) {
        long target;
        synchronized (this) {
            target = queued;
        }
        synchronized (progress) {
            while (written < target && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return written >= target;
        }
    }

    /** Events dropped because the writer's queue was full, since start. */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Writes what is queued (waiting at most {@code max}) and stops the writer thread; events
     * published afterwards go to the writer sinks on the publishing thread.
     */
    public void close(Duration max) {
        flush(max);
        Thread t;
        synchronized (this) {
            closed = true;
            t = writer;
            notifyAll();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        if (t != null) {
            try {
                t.join(max.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop() {
        long reportedDrops = 0;
        List<GatewayEvent> batch = new ArrayList<>();
        while (true) {
            long drops;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                // All that is queued: the flushers are woken once per batch, not once per event.
                batch.addAll(queue);
                queue.clear();
                drops = dropped;
            }
            if (drops > reportedDrops) {
                log.error(
                        "{} event(s) were dropped: the event writers fell {} events behind (a stalled disk?)",
                        drops - reportedDrops,
                        QUEUE_LIMIT);
                reportedDrops = drops;
            }
            for (GatewayEvent event : batch) {
                for (EventSink w : writers) {
                    deliver(w, event);
                }
            }
            synchronized (progress) {
                written += batch.size();
                progress.notifyAll();
            }
            batch.clear();
        }
    }

    private static void deliver(EventSink sink, GatewayEvent event) {
        try {
            sink.publish(event);
        } catch (RuntimeException e) {
            log.error("event sink {} failed on {}", sink, event.type(), e);
        }
    }
}
