package dev.failover.gateway.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * must pass); {@link #byField} summarises by type and one field (a flood of refusals at one of the
 * gateway's doors, where every attempt names another peer but only the count and the reason matter).
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
    private final Set<String> repeating;
    private final Set<String> resolving;
    private final Function<GatewayEvent, Object> kind;
    private final List<String> carried;
    private final Map<Object, Seen> seen = new LinkedHashMap<>();

    private RepeatFilter(
            Duration window,
            Set<String> repeating,
            Set<String> resolving,
            Function<GatewayEvent, Object> kind,
            List<String> carried) {
        this.windowMillis = window.toMillis();
        this.repeating = Set.copyOf(repeating);
        this.resolving = Set.copyOf(resolving);
        this.kind = kind;
        this.carried = List.copyOf(carried);
    }

    /**
     * A filter of word-for-word repeats of the {@code repeating} types; an event of a {@code
     * resolving} type publishes every pending summary before itself.
     */
    public static RepeatFilter identicalRepeats(Duration window, Set<String> repeating, Set<String> resolving) {
        return new RepeatFilter(
                window, repeating, resolving, e -> List.of(e.type(), e.controller(), e.message()), List.of());
    }

    /**
     * A filter of the {@code repeating} types by type, pair, controller and the value of {@code field}:
     * the summaries carry that field (for example the reason of a refusal).
     */
    public static RepeatFilter byField(Duration window, Set<String> repeating, String field) {
        return new RepeatFilter(
                window,
                repeating,
                Set.of(),
                e -> List.of(
                        e.type(),
                        e.pair(),
                        e.controller(),
                        String.valueOf(e.fields().get(field))),
                List.of(field));
    }

    /** The events to publish for {@code event}: itself or nothing, after any summaries it ends. */
    public synchronized List<GatewayEvent> admit(GatewayEvent event) {
        List<GatewayEvent> out = new ArrayList<>(1);
        if (resolving.contains(event.type())) {
            flush(out);
            out.add(event);
            return out;
        }
        if (!repeating.contains(event.type())) {
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
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("repeatedType", f.type());
        for (String name : carried) {
            Object value = f.fields().get(name);
            if (value != null) {
                fields.put(name, value);
            }
        }
        fields.put("repeats", s.repeats);
        fields.put("firstAt", s.windowStart.toString());
        fields.put("lastAt", s.last.time().toString());
        return Optional.of(new GatewayEvent(
                s.last.time(),
                "EVENTS_REPEATED",
                f.pair(),
                f.controller(),
                f.type() + " repeated " + s.repeats + " more time(s) since " + s.windowStart + ": " + s.last.message(),
                fields));
    }
}
