package dev.failover.gateway.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Keeps repeated events from flooding the event log. Of the events of the types it summarises, the
 * first of a kind passes and the repeats of that kind within a window are counted; the count is
 * published as one {@code EVENTS_REPEATED} summary when the window ends, when the situation resolves
 * (an event of a resolving type), or at {@link #drain}. Events of other types always pass.
 *
 * <p>What a kind is depends on the use: {@link #identicalRepeats} summarises only word-for-word
 * repeats (type, controller and message: a pair retrying the same failing step, where anything new
 * must pass); {@link #byReason} summarises {@link Refusal}s by type and reason (a flood of refusals at
 * one of the gateway's doors, where every attempt names another peer but only the count and the
 * reason matter).
 *
 * <p>A window ends at the next repeat after it (that repeat then passes as the first of a new
 * window) or at {@link #expire}: a kind that had repeats gets its summary and a new window, so a
 * steady flood yields one summary per window; a kind that had none is forgotten, so its next event
 * passes at once. At most {@value #MAX_KINDS} kinds are tracked; the oldest is summarised and
 * forgotten to make room.
 *
 * <p>Thread-safe.
 */
public final class RepeatFilter {

    private static final int MAX_KINDS = 256;

    private static final class Seen {
        final GatewayEvent first;
        Instant windowStart;
        int repeats;
        GatewayEvent last;

        Seen(GatewayEvent first) {
            this.first = first;
            this.windowStart = first.time();
            this.last = first;
        }
    }

    private final long windowMillis;
    private final Set<Class<? extends EventDetail>> repeating;
    private final Set<Class<? extends EventDetail>> resolving;
    private final Function<GatewayEvent, Object> kind;
    private final Map<Object, Seen> seen = new LinkedHashMap<>();

    private RepeatFilter(
            Duration window,
            Set<Class<? extends EventDetail>> repeating,
            Set<Class<? extends EventDetail>> resolving,
            Function<GatewayEvent, Object> kind) {
        this.windowMillis = window.toMillis();
        this.repeating = Set.copyOf(repeating);
        this.resolving = Set.copyOf(resolving);
        this.kind = kind;
    }

    /**
     * A filter of word-for-word repeats of the {@code repeating} types; an event of a {@code
     * resolving} type publishes every pending summary before itself.
     */
    public static RepeatFilter identicalRepeats(
            Duration window, Set<Class<? extends EventDetail>> repeating, Set<Class<? extends EventDetail>> resolving) {
        return new RepeatFilter(
                window, repeating, resolving, e -> List.of(e.detail().getClass(), e.controller(), e.message()));
    }

    /**
     * A filter of the {@code repeating} refusal types by type, pair, controller and reason: the
     * summaries carry the reason.
     */
    public static RepeatFilter byReason(Duration window, Set<Class<? extends Refusal>> repeating) {
        Set<Class<? extends EventDetail>> types = new HashSet<>();
        for (Class<? extends Refusal> type : repeating) {
            types.add(type.asSubclass(EventDetail.class));
        }
        return new RepeatFilter(
                window, types, Set.of(), e -> List.of(e.detail().getClass(), e.pair(), e.controller(), reason(e)));
    }

    private static String reason(GatewayEvent e) {
        return e.detail() instanceof Refusal r ? r.reason() : "";
    }

    /** The events to publish for {@code event}: itself or nothing, after any summaries it ends. */
    public synchronized List<GatewayEvent> admit(GatewayEvent event) {
        List<GatewayEvent> out = new ArrayList<>(1);
        if (resolving.contains(event.detail().getClass())) {
            flush(out);
            out.add(event);
            return out;
        }
        if (!repeating.contains(event.detail().getClass())) {
            out.add(event);
            return out;
        }
        Object key = kind.apply(event);
        Seen s = seen.get(key);
        if (s != null && within(s, event.time())) {
            s.repeats++;
            s.last = event;
            return out;
        }
        if (s != null) {
            summary(s).ifPresent(out::add);
            seen.remove(key);
        }
        if (seen.size() == MAX_KINDS) {
            Iterator<Seen> oldest = seen.values().iterator();
            summary(oldest.next()).ifPresent(out::add);
            oldest.remove();
        }
        seen.put(key, new Seen(event));
        out.add(event);
        return out;
    }

    /**
     * Ends the windows that are over at {@code now}: the summaries of the kinds that had repeats
     * (which start a new window at {@code now}); the kinds that had none are forgotten.
     */
    public synchronized List<GatewayEvent> expire(Instant now) {
        List<GatewayEvent> out = new ArrayList<>();
        Iterator<Seen> all = seen.values().iterator();
        while (all.hasNext()) {
            Seen s = all.next();
            if (within(s, now)) {
                continue;
            }
            Optional<GatewayEvent> summary = summary(s);
            if (summary.isEmpty()) {
                all.remove();
                continue;
            }
            out.add(summary.get());
            s.windowStart = now;
            s.repeats = 0;
        }
        return out;
    }

    /**
     * Whether {@code time} falls in the window of {@code s}. A time before the window's start (the wall
     * clock stepped back) ends it, like one past its end: otherwise a flood would be counted but not
     * summarised until the clock caught up again.
     */
    private boolean within(Seen s, Instant time) {
        long elapsed = time.toEpochMilli() - s.windowStart.toEpochMilli();
        return elapsed >= 0 && elapsed < windowMillis;
    }

    /** The summaries of every repeat counted so far; the filter starts afresh. */
    public synchronized List<GatewayEvent> drain() {
        List<GatewayEvent> out = new ArrayList<>();
        flush(out);
        return out;
    }

    private void flush(List<GatewayEvent> out) {
        for (Seen s : seen.values()) {
            summary(s).ifPresent(out::add);
        }
        seen.clear();
    }

    private Optional<GatewayEvent> summary(Seen s) {
        if (s.repeats == 0) {
            return Optional.empty();
        }
        GatewayEvent f = s.first;
        String reason = f.detail() instanceof Refusal r ? r.reason() : null;
        return Optional.of(new GatewayEvent(
                s.last.time(),
                f.pair(),
                f.controller(),
                f.type() + " repeated " + s.repeats + " more time(s) since " + s.windowStart + ": " + s.last.message(),
                new GatewayDetail.EventsRepeated(f.type(), reason, s.repeats, s.windowStart, s.last.time())));
    }
}
