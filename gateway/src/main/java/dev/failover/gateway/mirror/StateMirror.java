package dev.failover.gateway.mirror;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.failover.FailoverEvents;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.link.ControllerLink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one pair's standby a hot standby: every mirror period it copies the mirrored tags from the
 * active controller to the standby, validated, and measures how far the standby is behind.
 *
 * <p>A cycle runs only while the pair is PROTECTED or UNPROTECTED, the active can take commands and
 * is HEALTHY, and the standby is reachable and reports STANDBY. It reads the mirrored tags from the
 * active in one {@link ControllerLink#readTags} call and validates every value ({@link
 * MirrorValidator}: type, bounds, rate); a value that fails is not copied, the standby keeps its last
 * good value, and {@code MIRROR_REJECTED} is raised for the tag until a value passes again. It then
 * reads the standby, writes only the values that differ, all in one {@link ControllerLink#writeTags}
 * call, and checks the values the standby holds afterwards ({@code MIRROR_MISMATCH} when they differ).
 * The events are listed in {@link MirrorEvents}.
 *
 * <p>It never writes the active controller, never a controller that reports ACTIVE, and never during
 * a switchover: the supervisor passes the failover controller's events through {@link #gate}, which
 * stops writes before the first step of every switchover ({@link SwitchGate}).
 *
 * <p>Lag ({@link #status()}): the time and the cycles since the standby last matched the active on
 * every mirrored tag, 0 when it does; a cycle that cannot run (the standby down, the pair switching)
 * counts as not matching. {@code MIRROR_LAGGING} is published once the standby has not matched for
 * {@value #LAGGING_AFTER_CYCLES} cycles, {@code MIRROR_IN_SYNC} when it matches again.
 *
 * <p>Threads: one per pair ({@code mirror-<pair>}), only when the pair has mirrored tags; cycles run
 * on a fixed grid and a cycle that overran skips the slots it covered. Public methods are
 * thread-safe.
 */
public final class StateMirror implements AutoCloseable {

    /** Cycles without a match before {@code MIRROR_LAGGING}: one skipped cycle (a missed poll) is not lag. */
    public static final int LAGGING_AFTER_CYCLES = 2;

    private static final Logger log = LoggerFactory.getLogger(StateMirror.class);

    private final String pair;
    private final Duration period;
    private final boolean enabled;
    private final Supplier<PairStatus> status;
    private final Ticker ticker;
    private final SwitchGate gate;
    private final MirrorEvents events;
    private final Replicator replicator;
    private final List<Consumer<MirrorWrite>> writeListeners = new CopyOnWriteArrayList<>();

    // Written by the mirror's thread only; read through the snapshot.
    private long lastMatchNanos;
    private long cyclesSinceMatch;
    private long lastCompletedNanos = Long.MIN_VALUE;
    private long cycles;
    private long copied;
    private boolean lagAnnounced;
    private boolean syncAnnounced;
    private volatile Snapshot snapshot;
    private ScheduledExecutorService thread;

    /** What {@link #status()} computes the lag from, replaced after each cycle. */
    private record Snapshot(
            boolean inSync,
            long lastMatchNanos,
            long cyclesSinceMatch,
            long lastCompletedNanos,
            long cycles,
            long copied,
            String activeId,
            String standbyId,
            Map<String, Rejection> rejected,
            Map<String, String> unauthorised,
            String why) {}

    /**
     * @param status the pair's current failover status
     * @param links the link to each controller of the pair, by id
     * @param ticker the time source of the lag and of the rate checks
     * @param clock the time of events
     */
    public StateMirror(
            PairConfig config,
            Supplier<PairStatus> status,
            Function<String, ControllerLink> links,
            Ticker ticker,
            Clock clock,
            EventSink events) {
        this.pair = config.name();
        this.period = config.mirror().period();
        this.status = status;
        this.ticker = ticker;
        this.gate = new SwitchGate(pair);
        this.events = new MirrorEvents(pair, clock, events);
        List<TagConfig> mirrored =
                config.tags().stream().filter(TagConfig::mirrored).toList();
        this.enabled = !mirrored.isEmpty();
        this.replicator = new Replicator(
                config.primary().id(),
                config.secondary().id(),
                mirrored,
                links,
                ticker,
                gate,
                this.events,
                writeListeners);
        // Before the first match, the lag counts from the start.
        this.lastMatchNanos = ticker.nanos();
        this.snapshot = new Snapshot(
                !enabled,
                lastMatchNanos,
                0,
                Long.MIN_VALUE,
                0,
                0,
                "",
                "",
                Map.of(),
                Map.of(),
                enabled ? "not run yet" : "");
    }

    /**
     * {@code next} with every pair state change reported to the mirror first, on the failover
     * controller's thread: give the failover controller this instead of {@code next}, so that a
     * switchover's first step waits for a mirror write in flight and no write starts until the pair
     * is steady again.
     */
    public FailoverEvents gate(FailoverEvents next) {
        return gate.guarding(next);
    }

    /**
     * Calls {@code listener} after every write to a standby, on the mirror's thread, while
     * switchovers wait: it must be quick and must not call into the pair's supervisor.
     */
    public void onWrite(Consumer<MirrorWrite> listener) {
        writeListeners.add(listener);
    }

    /**
     * Where the values of gateway-only tags that the command journal explains come from: without
     * it, only the first value seen is authorised (see {@link ChangeWatch}). Set before {@link #start}.
     */
    public void explainWith(Supplier<Map<String, Explained>> source) {
        replicator.explainWith(source);
    }

    /** The mirror period. */
    public Duration period() {
        return period;
    }

    /** The replication state now. */
    public MirrorStatus status() {
        Snapshot s = snapshot;
        long now = ticker.nanos();
        long sinceMatch = Math.max(0, now - s.lastMatchNanos());
        return new MirrorStatus(
                pair,
                s.inSync(),
                s.inSync() ? 0 : TimeUnit.NANOSECONDS.toMillis(sinceMatch),
                s.cyclesSinceMatch(),
                s.lastCompletedNanos() == Long.MIN_VALUE
                        ? -1
                        : TimeUnit.NANOSECONDS.toMillis(Math.max(0, now - s.lastCompletedNanos())),
                s.cycles(),
                s.copied(),
                s.activeId(),
                s.standbyId(),
                s.rejected(),
                s.unauthorised(),
                s.why());
    }

    /** Whether a mirror cycle completed after {@code tickerNanos} (for example the pair's last transition). */
    public boolean cycledSince(long tickerNanos) {
        long last = snapshot.lastCompletedNanos();
        return last != Long.MIN_VALUE && last - tickerNanos >= 0;
    }

    /** Starts the mirror's thread, if the pair has mirrored tags. */
    public synchronized void start() {
        if (!enabled || thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mirror-" + pair).daemon(true).factory());
        long origin = ticker.nanos();
        thread.execute(() -> cycleAndReschedule(origin));
        log.info("mirroring pair {} every {}", pair, period);
    }

    private void cycleAndReschedule(long origin) {
        try {
            cycle();
        } catch (RuntimeException e) {
            // A dead mirror thread would leave the standby behind without a word.
            log.error("mirror cycle of pair {} failed", pair, e);
        }
        long periodNanos = period.toNanos();
        long now = ticker.nanos();
        long next = origin + ((now - origin) / periodNanos + 1) * periodNanos;
        try {
            thread.schedule(() -> cycleAndReschedule(origin), next - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("mirror of pair {} stopped", pair);
        }
    }

    /** One cycle, then the lag bookkeeping and its events. */
    void cycle() {
        MDC.put("pair", pair);
        try {
            long epoch = gate.epoch();
            Replicator.Outcome outcome = replicator.run(status.get(), epoch);
            record(outcome, ticker.nanos());
        } finally {
            MDC.remove("pair");
        }
    }

    private void record(Replicator.Outcome outcome, long now) {
        cycles++;
        copied += outcome.copied();
        if (outcome.completed()) {
            lastCompletedNanos = now;
        }
        if (outcome.inSync()) {
            if (lagAnnounced || !syncAnnounced) {
                events.inSync(
                        outcome.activeId(),
                        outcome.standbyId(),
                        TimeUnit.NANOSECONDS.toMillis(now - lastMatchNanos),
                        cyclesSinceMatch);
                lagAnnounced = false;
                syncAnnounced = true;
            }
            lastMatchNanos = now;
            cyclesSinceMatch = 0;
        } else {
            cyclesSinceMatch++;
            if (cyclesSinceMatch >= LAGGING_AFTER_CYCLES && !lagAnnounced) {
                events.lagging(
                        outcome.activeId(),
                        outcome.standbyId(),
                        TimeUnit.NANOSECONDS.toMillis(now - lastMatchNanos),
                        cyclesSinceMatch,
                        outcome.why());
                lagAnnounced = true;
            }
        }
        snapshot = new Snapshot(
                outcome.inSync(),
                lastMatchNanos,
                cyclesSinceMatch,
                lastCompletedNanos,
                cycles,
                copied,
                outcome.activeId(),
                outcome.standbyId(),
                replicator.rejected(),
                replicator.unauthorised(),
                outcome.inSync() ? "" : outcome.why());
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
