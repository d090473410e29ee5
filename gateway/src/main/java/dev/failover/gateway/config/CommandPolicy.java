package dev.failover.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may do what with signed commands, and how fresh a command must be. Tag writes are governed
 * by each tag's {@code writableBy}; the other actions by {@code rolesByAction}.
 *
 * @param maxEnvelopeBytes larger envelopes are refused before they are parsed
 * @param maxWindow the longest allowed {@code expiresAt - issuedAt}
 * @param clockSkew how far in the future {@code issuedAt} may be (the operator's clock may be ahead)
 * @param rolesByAction the roles allowed for each action other than {@code write-tag}
 */
public record CommandPolicy(
        int maxEnvelopeBytes, Duration maxWindow, Duration clockSkew, Map<CommandAction, List<String>> rolesByAction) {

    public CommandPolicy {
        Objects.requireNonNull(maxWindow, "maxWindow");
        Objects.requireNonNull(clockSkew, "clockSkew");
        rolesByAction = Map.copyOf(rolesByAction);
        if (maxEnvelopeBytes < 512) {
            throw new IllegalArgumentException("maxEnvelopeBytes must be at least 512");
        }
    }

    /** 16 KiB envelopes, 5 minute windows, 30 s skew; switchover and drills for supervisors and engineers. */
    public static CommandPolicy defaults() {
        return new CommandPolicy(
                16 * 1024,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Map.of(
                        CommandAction.SWITCHOVER, List.of("supervisor", "engineer"),
                        CommandAction.START_DRILL, List.of("engineer"),
                        CommandAction.WAIVE_POSTURE, List.of("engineer"),
                        CommandAction.REARM, List.of("engineer")));
    }

    public List<String> rolesFor(CommandAction action) {
        return rolesByAction.getOrDefault(action, List.of());
    }
}
