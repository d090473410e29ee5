package dev.failover.gateway.anomaly;

import dev.failover.gateway.config.AnomalyConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.SecurityDetail;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the gateway's events for signs of attack around failover (issue 13, part C): each rule of
 * {@link AnomalyRules} sees every event, in order, and what fires is published as an {@code ANOMALY}
 * event with its rule, severity, ATT&CK technique and evidence. An event sink that only queues: the
 * rules run on the watch's own thread ({@code anomalies}), never on the thread that published (often
 * the one deciding a failover). Thread-safe.
 */
public final class AnomalyWatch implements EventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnomalyWatch.class);

    private final AnomalyRules rules;
    private final EventSink events;
    private final Clock clock;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("anomalies").daemon(true).factory());

    /** @param events where anomalies are published (the gateway's event bus) */
    public AnomalyWatch(AnomalyConfig config, EventSink events, Clock clock) {
        this.rules = new AnomalyRules(config);
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void publish(GatewayEvent event) {
        if (event.detail() instanceof SecurityDetail.Anomaly) {
            return;
        }
        try {
            thread.execute(() -> judge(event));
        } catch (RejectedExecutionException closed) {
            // Stopping: what is left is not watched.
        }
    }

    private void judge(GatewayEvent event) {
        try {
            for (SecurityDetail.Anomaly a : rules.on(event)) {
                events.publish(new GatewayEvent(
                        clock.instant(),
                        event.pair(),
                        event.controller(),
                        "anomaly " + a.rule() + " (" + a.severity() + ", ATT&CK for ICS " + a.technique() + "): "
                                + a.evidence().getLast(),
                        a));
            }
        } catch (RuntimeException e) {
            log.error("the anomaly watch failed on {}", event.type(), e);
        }
    }

    /** Waits until every event published so far has been judged (tests), at most {@code millis}. */
    void drain(long millis) throws Exception {
        thread.submit(() -> {}).get(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
