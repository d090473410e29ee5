package dev.failover.gateway.supervisor;

import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.RepeatFilter;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.FailoverEvents;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.failover.Transition;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Turns the failover controller's decisions into gateway events with their reasons and timings. */
final class EventPublisher implements FailoverEvents {

    private final String pair;
    private final Clock clock;
    private final EventSink sink;
    private final Consumer<SwitchoverReport> reports;
    /** The event types a retried switchover or step repeats word for word. */
    static final Set<String> REPEATING = Set.of("PAIR_STATE", "STEP_DONE", "STEP_FAILED", "SWITCHOVER_FAILED");

    /** A pair that retries a failing step repeats the same events: the first passes, then a summary. */
    private final RepeatFilter repeats = RepeatFilter.identicalRepeats(
            Duration.ofMinutes(1), REPEATING, Set.of("SWITCHOVER_COMPLETED", "ALARM_CLEARED"));

    EventPublisher(String pair, Clock clock, EventSink sink, Consumer<SwitchoverReport> reports) {
        this.pair = pair;
        this.clock = clock;
        this.sink = sink;
        this.reports = reports;
    }

    void publish(String type, String controller, String message, Map<String, Object> fields) {
        repeats.admit(new GatewayEvent(clock.instant(), type, pair, controller, message, fields))
                .forEach(sink::publish);
    }

    /** Publishes the summaries of repeats not yet reported (at close). */
    void flushRepeats() {
        repeats.drain().forEach(sink::publish);
    }

    @Override
    public void transition(Transition t) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("from", t.from().name());
        fields.put("to", t.to().name());
        fields.put("active", String.valueOf(t.activeId()));
        publish("PAIR_STATE", "", t.reason(), fields);
    }

    @Override
    public void alarm(Alarm alarm, boolean raised, String detail) {
        publish(raised ? "ALARM_RAISED" : "ALARM_CLEARED", "", detail, Map.of("alarm", alarm.name()));
    }

    @Override
    public void switchover(SwitchoverReport r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("kind", r.kind().name());
        fields.put("from", String.valueOf(r.from()));
        fields.put("to", r.to());
        if (r.requestId() != null) {
            fields.put("requestId", r.requestId());
        }
        if (r.ok()) {
            fields.putAll(r.figures());
            publish(
                    "SWITCHOVER_COMPLETED",
                    r.to(),
                    r.kind() + " " + (r.from() == null ? "" : r.from() + " -> ") + r.to() + " complete; trigger: "
                            + r.reason(),
                    fields);
        } else {
            fields.put("failure", r.failure());
            if (r.outcome() == SwitchoverReport.Outcome.FAILED) {
                fields.put("attempts", r.attempts());
            }
            publish("SWITCHOVER_" + r.outcome().name(), r.to(), r.reason(), fields);
        }
        reports.accept(r);
    }
}
