package dev.failover.gateway.failover;

/** Receives what the failover controller decides. Called on the controller's caller thread. */
public interface FailoverEvents {

    default void transition(Transition transition) {}

    default void alarm(Alarm alarm, boolean raised, String detail) {}

    default void switchover(SwitchoverReport report) {}

    FailoverEvents NONE = new FailoverEvents() {};
}
