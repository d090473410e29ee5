package dev.failover.gateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a signed command asks the gateway to do, and the arguments each action takes. */
public enum CommandAction {
    /** Write one tag of the pair's tag map on the active controller: args {@code tag}, {@code value}. */
    WRITE_TAG(List.of("tag", "value"), List.of("tag", "value")),
    /** A planned switchover to the standby: optional arg {@code reason}. */
    SWITCHOVER(List.of("reason"), List.of()),
    /** A failover drill (a planned switchover recorded as a drill, RTO measured): optional arg {@code reason}. */
    START_DRILL(List.of("reason"), List.of()),
    /**
     * Ends the heightened mode after a failover to a weaker controller ({@code ACTIVE_LESS_SECURE})
     * for the findings of now, knowingly: required arg {@code reason}. A new finding raises it again.
     */
    WAIVE_POSTURE(List.of("reason"), List.of("reason")),
    /**
     * Ends the lock after a switchover storm ({@code STORM_LOCKED}): automatic switchovers are allowed
     * again and their count starts anew: required arg {@code reason}.
     */
    REARM(List.of("reason"), List.of("reason"));

    private final List<String> arguments;
    private final List<String> required;

    CommandAction(List<String> arguments, List<String> required) {
        this.arguments = arguments;
        this.required = required;
    }

    /** The name used in the JSON envelope, for example {@code write-tag}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The arguments this action takes, sorted; any other is refused ({@link RejectReason#UNKNOWN_ARGUMENT}). */
    public List<String> arguments() {
        return arguments;
    }

    /** The arguments this action cannot do without ({@link RejectReason#BAD_ARGUMENT} when one is missing). */
    public List<String> requiredArguments() {
        return required;
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
