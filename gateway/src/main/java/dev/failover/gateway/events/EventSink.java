package dev.failover.gateway.events;

import java.time.Duration;

/** Receives gateway events. Implementations must be thread-safe and must not block for long. */
@FunctionalInterface
public interface EventSink {

    void publish(GatewayEvent event);

    /**
     * Waits until the events published so far are written where this sink writes them, or {@code max}
     * has passed; whether they are. A sink that writes on the publishing thread has nothing to wait for.
     */
    default boolean flush(Duration max) {
        return true;
    }
}
