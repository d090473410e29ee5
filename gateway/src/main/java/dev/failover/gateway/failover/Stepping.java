package dev.failover.gateway.failover;

import java.util.List;
import java.util.Objects;

/**
 * One action outstanding, asked for by the phase it wraps: a step of a {@link Switching}, or a
 * corrective step taken in any other phase without changing the pair's state (the unfence of a
 * STANDBY, the demotion of a second controller reporting ACTIVE). The pair reports the wrapped phase's
 * state. Nothing else is decided until the step's {@link Input.StepDone}, which the wrapped phase
 * then handles: this is the only phase that holds an action, and it cannot wrap another, so at most
 * one action is ever outstanding.
 *
 * @param step the action outstanding
 * @param resume the phase that asked for it, and handles its result
 */
record Stepping(Action step, Phase resume) implements Phase {

    Stepping {
        Objects.requireNonNull(step, "step");
        if (resume instanceof Stepping outstanding) {
            throw new IllegalStateException(step + " asked for while " + outstanding.step() + " is outstanding");
        }
    }

    @Override
    public PairState state() {
        return resume.state();
    }

    @Override
    public String active() {
        return resume.active();
    }

    /** A poll while the step runs is recorded, and judged once the step is done. */
    @Override
    public List<Action> evaluate(PairContext c) {
        return List.of();
    }

    /** The step ended: the wrapped phase is back, learns the step's facts and decides what next. */
    List<Action> done(PairContext c, Input.StepDone result) {
        c.replace(resume);
        c.stepFacts(result);
        return resume.afterStep(c, result);
    }

    @Override
    public String refusal(PairContext c) {
        return resume.active() == null ? resume.refusal(c) : "a switchover or recovery step is in progress";
    }
}
