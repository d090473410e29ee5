package dev.failover.gateway.supervisor;

import dev.failover.gateway.failover.Action;
import dev.failover.gateway.failover.Input;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RuntimeRole;
import java.util.Map;

/**
 * Performs the failover controller's actions over the links and fences, and verifies each: a step
 * is {@code ok} only when the controller (or fence) confirmed the new state afterwards.
 */
final class ActionExecutor {

    private final Map<String, ControllerLink> links;
    private final Map<String, Fence> fences;

    ActionExecutor(Map<String, ControllerLink> links, Map<String, Fence> fences) {
        this.links = Map.copyOf(links);
        this.fences = Map.copyOf(fences);
    }

    Input.StepDone execute(Action action) {
        String id = action.controllerId();
        return switch (action) {
            case Action.Demote d -> role(action, links.get(id).writeRole(RuntimeRole.STANDBY), RuntimeRole.STANDBY);
            case Action.Promote p -> role(action, links.get(id).writeRole(RuntimeRole.ACTIVE), RuntimeRole.ACTIVE);
            case Action.Fence f -> fence(action, fences.containsKey(id) ? fences.get(id).cut() : null, false);
            case Action.Unfence u -> fence(action, fences.containsKey(id) ? fences.get(id).restore() : null, true);
        };
    }

    private static Input.StepDone role(Action action, LinkResult<RuntimeRole> result, RuntimeRole wanted) {
        return switch (result) {
            case LinkResult.Ok<RuntimeRole> ok when ok.value() == wanted ->
                new Input.StepDone(action, true, "controller reports " + wanted);
            case LinkResult.Ok<RuntimeRole> ok ->
                new Input.StepDone(action, false, "controller reports " + ok.value() + " after writing " + wanted);
            case LinkResult.Failed<RuntimeRole> failed ->
                new Input.StepDone(action, false, failed.error() + ": " + failed.detail());
        };
    }

    private static Input.StepDone fence(Action action, LinkResult<Boolean> result, boolean wantEnabled) {
        if (result == null) {
            return new Input.StepDone(action, false, "no fence configured for " + action.controllerId());
        }
        return switch (result) {
            case LinkResult.Ok<Boolean> ok when ok.value() == wantEnabled ->
                new Input.StepDone(action, true, "outputs " + (wantEnabled ? "enabled" : "cut") + ", confirmed");
            case LinkResult.Ok<Boolean> ok ->
                new Input.StepDone(action, false, "fence reports outputs " + (ok.value() ? "enabled" : "cut"));
            case LinkResult.Failed<Boolean> failed ->
                new Input.StepDone(action, false, failed.error() + ": " + failed.detail());
        };
    }
}
