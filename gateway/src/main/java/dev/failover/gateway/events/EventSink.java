package dev.failover.gateway.events;

/** Receives gateway events. Implementations must be thread-safe and must not block for long. */
@FunctionalInterface
public interface EventSink {

    void publish(GatewayEvent event);
}
