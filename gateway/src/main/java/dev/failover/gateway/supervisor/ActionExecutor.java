package dev.failover.gateway.supervisor;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.failover.Action;
import dev.failover.gateway.failover.Input;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
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
 * status for up to {@code settleTimeout} to see that.
 */
final class ActionExecutor {

    private static final long PAUSE_NANOS = 500_000;

    private final Map<String, ControllerLink> links;
    private final Map<String, Fence> fences;
    private final Ticker ticker;
    private final Duration settleTimeout;

    ActionExecutor(Map<String, ControllerLink> links, Map<String, Fence> fences, Ticker ticker, Duration settle) {
        this.links = Map.copyOf(links);
        this.fences = Map.copyOf(fences);
        this.ticker = ticker;
        this.settleTimeout = settle;
    }

    Input.StepDone execute(Action action) {
        String id = action.controllerId();
        return switch (action) {
            case Action.Demote d -> demote(action, links.get(id));
            case Action.Promote p -> promote(action, links.get(id).writeRole(RuntimeRole.ACTIVE));
            case Action.Fence f ->
                fence(action, fences.containsKey(id) ? fences.get(id).cut() : null, false);
            case Action.Unfence u ->
                fence(action, fences.containsKey(id) ? fences.get(id).restore() : null, true);
        };
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

    private static Input.StepDone promote(Action action, LinkResult<StatusReading> result) {
        return switch (result) {
            case LinkResult.Ok<StatusReading> ok
            when ok.value().role() == RuntimeRole.ACTIVE ->
                new Input.StepDone(action, true, "controller reports ACTIVE");
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
