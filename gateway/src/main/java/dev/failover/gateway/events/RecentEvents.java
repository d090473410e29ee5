package dev.failover.gateway.events;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Keeps the most recent events in memory, for status output. Thread-safe. */
public final class RecentEvents implements EventSink {

    private final int capacity;
    private final Deque<GatewayEvent> events = new ArrayDeque<>();

    public RecentEvents(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void publish(GatewayEvent event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    public synchronized List<GatewayEvent> snapshot() {
        return List.copyOf(events);
    }
}
