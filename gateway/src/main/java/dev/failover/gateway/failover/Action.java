package dev.failover.gateway.failover;

/**
 * What the failover controller asks its executor to do to one controller. The executor performs the
 * action over the controller's link or fence, verifies it, and reports a {@link Input.StepDone}.
 */
public sealed interface Action {

    String controllerId();

    /** Write role STANDBY and confirm the controller reports it. */
    record Demote(String controllerId) implements Action {}

    /** Write role ACTIVE and confirm the controller reports it. */
    record Promote(String controllerId) implements Action {}

    /** Cut the controller's outputs with its fence (output-enable relay) and confirm. */
    record Fence(String controllerId) implements Action {}

    /** Restore the controller's outputs through its fence and confirm. */
    record Unfence(String controllerId) implements Action {}
}
