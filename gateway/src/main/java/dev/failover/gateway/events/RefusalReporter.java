package dev.failover.gateway.events;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the gateway's doors refuse (the control endpoint, the OPC UA server for SCADA) as
 * events, so that alarms, rules and MQTT see an attack, without letting a flood of attempts flood the
 * event log: the first refusal of a kind (event type and {@code reason}) is published at once; the
 * repeats within the interval are counted and published as one {@code EVENTS_REPEATED} summary with
 * the reason and the count when the interval ends; at most one summary per kind and interval follows,
 * for as long as the flood lasts ({@link RepeatFilter#byReason}). Every refusal is also counted by
 * type and reason for the status answer.
 *
 * <p>Thread-safe. A daemon thread ends the intervals; {@link #close} publishes the summaries still
 * open.
 */
public final class RefusalReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefusalReporter.class);

    /** How long the repeats of one kind are counted before their summary. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    /**
     * The refusals it summarises. A signed command refused before its signer was known (too large,
     * malformed, an algorithm not allowed, a bad signature) is one: anyone can send those. Refusals of
     * a known signer's command are each an event of their own ({@code CommandService}).
     */
    private static final Set<Class<? extends Refusal>> TYPES = Set.of(
            SecurityDetail.ControlRefused.class,
            SecurityDetail.ScadaSessionRefused.class,
            SecurityDetail.ScadaClientRejected.class,
            CommandDetail.CommandRejected.class);

    private final EventSink sink;
    private final Clock clock;
    private final RepeatFilter repeats;
    private final ScheduledExecutorService timer;
    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    /**
     * @param sink where the events go (the gateway's event bus)
     * @param interval how long repeats of one kind are counted into one summary
     */
    public RefusalReporter(EventSink sink, Clock clock, Duration interval) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.repeats = RepeatFilter.byReason(interval, TYPES);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("refusal-summaries").daemon(true).factory());
        // A tenth of the interval: a summary comes at most 10 % late.
        long tick = Math.max(10, interval.toMillis() / 10);
        timer.scheduleWithFixedDelay(this::expire, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Reports one refusal.
     *
     * @param refusal what was refused, with the reason code (docs/security.md) and the peer's details
     * @param message a sentence naming the peer and the reason
     */
    public void refused(Refusal refusal, String message) {
        EventDetail detail = refusal.detail();
        counts.computeIfAbsent(detail.type(), t -> new ConcurrentHashMap<>())
                .computeIfAbsent(refusal.reason(), r -> new LongAdder())
                .increment();
        repeats.admit(new GatewayEvent(clock.instant(), "", "", message, detail))
                .forEach(sink::publish);
    }

    /** The refusals since start: event type, then reason code, then count; sorted by name. */
    public Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        counts.forEach((type, reasons) -> {
            Map<String, Long> byReason = new TreeMap<>();
            reasons.forEach((reason, n) -> byReason.put(reason, n.sum()));
            out.put(type, byReason);
        });
        return out;
    }

    private void expire() {
        try {
            repeats.expire(clock.instant()).forEach(sink::publish);
        } catch (RuntimeException e) {
            // The timer must keep running: a failed summary is logged, the next one is tried.
            log.error("publishing a summary of refusals failed", e);
        }
    }

    /** Stops the timer and publishes the summaries of the repeats counted so far. */
    @Override
    public void close() {
        timer.shutdownNow();
        repeats.drain().forEach(sink::publish);
    }
}
