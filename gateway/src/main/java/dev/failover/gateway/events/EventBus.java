package dev.failover.gateway.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to every registered sink. A failing sink is logged and does not keep the event
 * from the others. Thread-safe.
 */
public final class EventBus implements EventSink {

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();

    public EventBus add(EventSink sink) {
        sinks.add(sink);
        return this;
    }

    public void remove(EventSink sink) {
        sinks.remove(sink);
    }

    @Override
    public void publish(GatewayEvent event) {
        for (EventSink sink : sinks) {
            try {
                sink.publish(event);
            } catch (RuntimeException e) {
                log.error("event sink {} failed on {}", sink, event.type(), e);
            }
        }
    }
}
