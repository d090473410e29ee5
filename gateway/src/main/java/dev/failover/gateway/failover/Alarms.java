package dev.failover.gateway.failover;

import java.util.EnumMap;
import java.util.Map;

/** The raised alarms of one pair; raising and clearing are events, a changed detail is not. */
final class Alarms {

    private final Map<Alarm, String> raised = new EnumMap<>(Alarm.class);
    private final FailoverEvents events;

    Alarms(FailoverEvents events) {
        this.events = events;
    }

    /** Raises {@code alarm}, or updates the detail of it if already raised. */
    void raise(Alarm alarm, String detail) {
        if (raised.put(alarm, detail) == null) {
            events.alarm(alarm, true, detail);
        }
    }

    void clear(Alarm alarm) {
        String was = raised.remove(alarm);
        if (was != null) {
            events.alarm(alarm, false, was);
        }
    }

    Map<Alarm, String> snapshot() {
        return Map.copyOf(raised);
    }
}
