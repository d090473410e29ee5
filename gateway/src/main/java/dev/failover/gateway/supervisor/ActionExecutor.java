package dev.failover.gateway.supervisor;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.failover.Action;
import dev.failover.gateway.failover.Input;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.fence.FenceLedger;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Performs the failover controller's actions over the links and fences, and verifies each: a step
 * is {@code ok} only when the controller (or fence) confirmed the new state afterwards.
 *
 * <p>A controller applies a role change at its next scan, so a demotion is confirmed only when the
 * controller reports STANDBY <em>and</em> that it no longer drives its outputs (safety rule 1: the
 * standby is promoted only after the old active has stopped driving). The executor re-reads the
 * status for up to {@code settleTimeout} to see that. Likewise a promotion is confirmed only when the
 * controller reports ACTIVE <em>and</em> drives its outputs (safety rule 8: a controller whose
 * outputs are cut is not an active that drives the process).
 *
 * <p>A fence step's intent is recorded in the {@link FenceLedger} (synced) before the relay is
 * commanded, and its outcome after, so a restarted gateway knows what this one left cut.
 */
final class ActionExecutor {

    private static final long PAUSE_NANOS = 500_000;

    private final Map<String, ControllerLink> links;
    private final Map<String, Fence> fences;
    private final Ticker ticker;
    private final Duration settleTimeout;
    private volatile FenceLedger ledger;

    ActionExecutor(Map<String, ControllerLink> links, Map<String, Fence> fences, Ticker ticker, Duration settle) {
        this.links = Map.copyOf(links);
        this.fences = Map.copyOf(fences);
        this.ticker = ticker;
        this.settleTimeout = settle;
    }

    /** Where fence actions are recorded before they are carried out; without one they are not recorded. */
    void attachLedger(FenceLedger ledger) {
        this.ledger = ledger;
    }

    Input.StepDone execute(Action action) {
        String id = action.controllerId();
        return switch (action) {
            case Action.Demote d -> demote(action, links.get(id));
            case Action.Promote p -> promote(action, links.get(id));
            case Action.Fence f -> recordedFence(action, true);
            case Action.Unfence u -> recordedFence(action, false);
        };
    }

    private Input.StepDone recordedFence(Action action, boolean cut) {
        String id = action.controllerId();
        Fence fence = fences.get(id);
        if (fence == null) {
            return new Input.StepDone(action, false, "no fence configured for " + id);
        }
        FenceLedger record = ledger;
        if (record != null) {
            try {
                record.intent(id, cut);
            } catch (IOException e) {
                // Not recorded, not done: a relay moved without a durable trace could mislead the next start.
                return new Input.StepDone(
                        action, false, "could not record the fence action in " + record.file() + ": " + e);
            }
        }
        Input.StepDone done = fence(action, cut ? fence.cut() : fence.restore(), !cut);
        if (record != null) {
            try {
                record.outcome(id, cut, done.ok());
            } catch (IOException e) {
                // The relay moved; the record stays "uncertain", which the next start reconciles with the relay.
                return new Input.StepDone(
                        action,
                        done.ok(),
                        done.detail() + " (outcome not recorded in " + record.file() + ": " + e + ")");
            }
        }
        return done;
    }

    private Input.StepDone demote(Action action, ControllerLink link) {
        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.STANDBY);
        long deadline = ticker.nanos() + settleTimeout.toNanos();
        while (result instanceof LinkResult.Ok<StatusReading> ok
                && ok.value().role() == RuntimeRole.STANDBY
                && ok.value().driving()
                && ticker.nanos() < deadline) {
            LockSupport.parkNanos(PAUSE_NANOS);
            result = link.readStatusForControl();
        }
        return switch (result) {
            case LinkResult.Ok<StatusReading> ok
            when ok.value().role() != RuntimeRole.STANDBY ->
                new Input.StepDone(
                        action, false, "controller reports " + ok.value().role() + " after writing STANDBY");
            case LinkResult.Ok<StatusReading> ok
            when ok.value().driving() ->
                new Input.StepDone(
                        action,
                        false,
                        "controller reports STANDBY but still drives its outputs after " + settleTimeout.toMillis()
                                + " ms");
            case LinkResult.Ok<StatusReading> ok ->
                new Input.StepDone(action, true, "controller reports STANDBY, outputs no longer driven");
            case LinkResult.Failed<StatusReading> failed ->
                new Input.StepDone(action, false, failed.error() + ": " + failed.detail());
        };
    }

    private Input.StepDone promote(Action action, ControllerLink link) {
        LinkResult<StatusReading> result = link.writeRole(RuntimeRole.ACTIVE);
        long deadline = ticker.nanos() + settleTimeout.toNanos();
        while (result instanceof LinkResult.Ok<StatusReading> ok
                && ok.value().role() == RuntimeRole.ACTIVE
                && !ok.value().driving()
                && ok.value().outputsEnabled()
                && ticker.nanos() < deadline) {
            // It drives from its next scan on.
            LockSupport.parkNanos(PAUSE_NANOS);
            result = link.readStatusForControl();
        }
        return switch (result) {
            case LinkResult.Ok<StatusReading> ok
            when ok.value().role() == RuntimeRole.ACTIVE && ok.value().driving() ->
                new Input.StepDone(action, true, "controller reports ACTIVE and drives its outputs");
            case LinkResult.Ok<StatusReading> ok
            when ok.value().role() == RuntimeRole.ACTIVE ->
                new Input.StepDone(
                        action,
                        false,
                        "controller reports ACTIVE but does not drive its outputs"
                                + (ok.value().outputsEnabled()
                                        ? " after " + settleTimeout.toMillis() + " ms"
                                        : ": its output-enable input is off"));
            case LinkResult.Ok<StatusReading> ok ->
                new Input.StepDone(
                        action, false, "controller reports " + ok.value().role() + " after writing ACTIVE");
            case LinkResult.Failed<StatusReading> failed ->
                new Input.StepDone(action, false, failed.error() + ": " + failed.detail());
        };
    }

    private static Input.StepDone fence(Action action, LinkResult<Boolean> result, boolean wantEnabled) {
        if (result == null) {
            return new Input.StepDone(action, false, "no fence configured for " + action.controllerId());
        }
        return switch (result) {
            case LinkResult.Ok<Boolean> ok
            when ok.value() == wantEnabled ->
                new Input.StepDone(action, true, "outputs " + (wantEnabled ? "enabled" : "cut") + ", confirmed");
            case LinkResult.Ok<Boolean> ok ->
                new Input.StepDone(action, false, "fence reports outputs " + (ok.value() ? "enabled" : "cut"));
            case LinkResult.Failed<Boolean> failed ->
                new Input.StepDone(action, false, failed.error() + ": " + failed.detail());
        };
    }
}
