package dev.failover.gateway.failover;

import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What {@link FailoverController#decide} decided for one input: at most one action to perform, and
 * the effects to report (state transitions, alarms raised and cleared, switchover reports), in the
 * order they happened. A value: it is delivered after the controller's lock is released, so no
 * listener (the mirror's gate, which may wait for a write to end; the event bus) runs under it.
 */
public record Decision(List<Action> actions, List<Effect> effects) {

    /** One reported effect of a decision. */
    public sealed interface Effect {
        void deliverTo(FailoverEvents events);
    }

    /** The pair changed state. */
    public record TransitionMade(Transition transition) implements Effect {
        @Override
        public void deliverTo(FailoverEvents events) {
            events.transition(transition);
        }
    }

    /** An alarm was raised or cleared. */
    public record AlarmChanged(Alarm alarm, boolean raised, String detail) implements Effect {
        @Override
        public void deliverTo(FailoverEvents events) {
            events.alarm(alarm, raised, detail);
        }
    }

    /** A switchover ended: completed, failed or refused. */
    public record Reported(SwitchoverReport report) implements Effect {
        @Override
        public void deliverTo(FailoverEvents events) {
            events.switchover(report);
        }
    }

    public Decision {
        actions = List.copyOf(actions);
        effects = List.copyOf(effects);
        if (actions.size() > 1) {
            throw new IllegalArgumentException("at most one action at a time, got " + actions);
        }
    }

    /**
     * Reports every effect to {@code events}, in order. A listener that throws is logged and the next
     * effect still goes out: the caller must go on to perform the action, or the controller would wait
     * for its step for ever.
     */
    public void deliverTo(FailoverEvents events) {
        for (Effect effect : effects) {
            try {
                effect.deliverTo(events);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Decision.class).error("reporting {} failed; going on", effect, e);
            }
        }
    }
}
