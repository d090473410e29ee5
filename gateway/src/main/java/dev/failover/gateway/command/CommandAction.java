package dev.failover.gateway.command;

import java.util.Locale;
import java.util.Optional;

/** What a signed command asks the gateway to do. */
public enum CommandAction {
    /** Write one tag of the pair's tag map on the active controller: args {@code tag}, {@code value}. */
    WRITE_TAG,
    /** A planned switchover to the standby: args {@code reason}. */
    SWITCHOVER,
    /** A failover drill (a planned switchover recorded as a drill, RTO measured): args {@code reason}. */
    START_DRILL;

    /** The name used in the JSON envelope, for example {@code write-tag}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<CommandAction> fromWire(String name) {
        for (CommandAction a : values()) {
            if (a.wireName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
