package dev.failover.gateway.supervisor;

import dev.failover.gateway.events.GatewayEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a pair that retries the same failing step from flooding the event log: of the events a
 * retry repeats word for word ({@link #REPEATING}), the first within a window passes and the
 * repeats are counted; the count is published as one {@code EVENTS_REPEATED} summary when the window
 * ends (at the next repeat after it), when the situation resolves (a completed switchover or a
 * cleared alarm), or at close. Any event that differs in type, controller or message passes, so
 * nothing new is ever hidden; only identical repeats are summarised.
 *
 * <p>Thread-safe.
 */
final class RepeatFilter {

    /** The event types a retried switchover or step repeats. */
    static final Set<String> REPEATING = Set.of("PAIR_STATE", "STEP_DONE", "STEP_FAILED", "SWITCHOVER_FAILED");

    private static final Set<String> RESOLVING = Set.of("SWITCHOVER_COMPLETED", "ALARM_CLEARED");
    private static final int MAX_KEYS = 256;

    private record Key(String type, String controller, String message) {}

    private static final class Seen {
        final GatewayEvent first;
        int repeats;
        GatewayEvent last;

        Seen(GatewayEvent first) {
            this.first = first;
            this.last = first;
        }
    }

    private final long windowMillis;
    private final Map<Key, Seen> seen = new LinkedHashMap<>();

    RepeatFilter(Duration window) {
        this.windowMillis = window.toMillis();
    }

    /** The events to publish for {@code event}: itself or nothing, after any summaries it ends. */
    synchronized List<GatewayEvent> admit(GatewayEvent event) {
        List<GatewayEvent> out = new ArrayList<>(1);
        if (RESOLVING.contains(event.type())) {
            flush(out);
            out.add(event);
            return out;
        }
        if (!REPEATING.contains(event.type())) {
            out.add(event);
            return out;
        }
        Key key = new Key(event.type(), event.controller(), event.message());
        Seen s = seen.get(key);
        long now = event.time().toEpochMilli();
        if (s != null && now - s.first.time().toEpochMilli() < windowMillis) {
            s.repeats++;
            s.last = event;
            return out;
        }
        if (s != null) {
            summary(s).ifPresent(out::add);
            seen.remove(key);
        }
        if (seen.size() == MAX_KEYS) {
            Iterator<Seen> oldest = seen.values().iterator();
            summary(oldest.next()).ifPresent(out::add);
            oldest.remove();
        }
        seen.put(key, new Seen(event));
        out.add(event);
        return out;
    }

    /** The summaries of every repeat counted so far; the filter starts afresh. */
    synchronized List<GatewayEvent> drain() {
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

    private static java.util.Optional<GatewayEvent> summary(Seen s) {
        if (s.repeats == 0) {
            return java.util.Optional.empty();
        }
        GatewayEvent f = s.first;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("repeatedType", f.type());
        fields.put("repeats", s.repeats);
        fields.put("firstAt", f.time().toString());
        fields.put("lastAt", s.last.time().toString());
        return java.util.Optional.of(new GatewayEvent(
                s.last.time(),
                "EVENTS_REPEATED",
                f.pair(),
                f.controller(),
                f.type() + " repeated " + s.repeats + " more time(s) since " + f.time() + ": " + f.message(),
                fields));
    }
}
