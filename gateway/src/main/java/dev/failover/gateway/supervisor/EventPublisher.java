package dev.failover.gateway.supervisor;

import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.RepeatFilter;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.FailoverEvents;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.failover.Transition;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;

/** Turns the failover controller's decisions into gateway events with their reasons and timings. */
final class EventPublisher implements FailoverEvents {

    private final String pair;
    private final Clock clock;
    private final EventSink sink;
    private final Consumer<SwitchoverReport> reports;
    /** The event types a retried switchover or step repeats word for word. */
    static final Set<Class<? extends EventDetail>> REPEATING = Set.of(
            PairDetail.PairState.class,
            PairDetail.StepDone.class,
            PairDetail.StepFailed.class,
            PairDetail.SwitchoverFailed.class);

    /** A pair that retries a failing step repeats the same events: the first passes, then a summary. */
    private final RepeatFilter repeats = RepeatFilter.identicalRepeats(
            Duration.ofMinutes(1),
            REPEATING,
            Set.of(PairDetail.SwitchoverCompleted.class, PairDetail.AlarmCleared.class));

    EventPublisher(String pair, Clock clock, EventSink sink, Consumer<SwitchoverReport> reports) {
        this.pair = pair;
        this.clock = clock;
        this.sink = sink;
        this.reports = reports;
    }

    void publish(String controller, String message, PairDetail detail) {
        repeats.admit(new GatewayEvent(clock.instant(), pair, controller, message, detail))
                .forEach(sink::publish);
    }

    /** Publishes the summaries of repeats not yet reported (at close). */
    void flushRepeats() {
        repeats.drain().forEach(sink::publish);
    }

    @Override
    public void transition(Transition t) {
        publish("", t.reason(), new PairDetail.PairState(t.from().name(), t.to().name(), t.activeId()));
    }

    @Override
    public void alarm(Alarm alarm, boolean raised, String detail) {
        publish(
                "",
                detail,
                raised ? new PairDetail.AlarmRaised(alarm.name()) : new PairDetail.AlarmCleared(alarm.name()));
    }

    @Override
    public void switchover(SwitchoverReport r) {
        String kind = r.kind().name();
        publish(
                r.to(),
                r.ok()
                        ? r.kind() + " " + (r.from() == null ? "" : r.from() + " -> ") + r.to() + " complete; trigger: "
                                + r.reason()
                        : r.reason(),
                switch (r.outcome()) {
                    case COMPLETED -> completed(r);
                    case FAILED ->
                        new PairDetail.SwitchoverFailed(
                                kind, r.from(), r.to(), r.requestId(), r.failure(), r.attempts());
                    case REFUSED ->
                        new PairDetail.SwitchoverRefused(kind, r.from(), r.to(), r.requestId(), r.failure());
                });
        reports.accept(r);
    }

    /** The figures of a completed switchover, as {@link SwitchoverReport#figures()} states them. */
    private static PairDetail.SwitchoverCompleted completed(SwitchoverReport r) {
        OptionalDouble detection = r.detectionMillis();
        OptionalDouble rto = r.rtoMillis();
        return new PairDetail.SwitchoverCompleted(
                r.kind().name(),
                r.from(),
                r.to(),
                r.requestId(),
                detection.isPresent() ? SwitchoverReport.round(detection.getAsDouble()) : null,
                detection.isPresent() ? null : r.detectionUnknown(),
                SwitchoverReport.round(r.switchoverMillis()),
                rto.isPresent() ? SwitchoverReport.round(rto.getAsDouble()) : null,
                rto.isPresent() ? null : r.rtoUnknown(),
                r.oldActive().text(),
                r.attempts());
    }
}
