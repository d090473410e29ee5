package dev.failover.gateway.config;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules of the anomaly watch (issue 13, part C; docs/security.md, "Anomaly watch"), each on or
 * off with its window and count.
 *
 * @param rules the settings of each rule
 * @param changeWindows when changes to the controllers are planned: a change of a controller's
 *     program, firmware, configuration, certificate or endpoints seen inside one fires no {@code
 *     controllerChanged} and does not count as suspicious before a failover
 * @param zone the time zone of the change windows
 */
public record AnomalyConfig(Map<Rule, Settings> rules, List<ChangeWindow> changeWindows, ZoneId zone) {

    /** The rules, with the names the configuration uses. */
    public enum Rule {
        /** A failover preceded, within the window, by refusals, posture drift or unauthorised changes. */
        FAILOVER_UNDER_ATTACK("failoverUnderAttack", Duration.ofMinutes(5), 1),
        /** At least count failovers away from the same controller within the window. */
        REPEATED_FAULTS("repeatedFaults", Duration.ofHours(1), 3),
        /** At least count refusals from one source (peer, signer) within the window. */
        REFUSAL_BURST("refusalBurst", Duration.ofMinutes(1), 20),
        /** A controller the gateway did not promote claims ACTIVE. */
        CLAIMED_ACTIVE("claimedActive", Duration.ofMinutes(1), 1),
        /** A controller left RUN for STOP. */
        MODE_CHANGE("modeChange", Duration.ofMinutes(1), 1),
        /** A controller presents another certificate, or reports another program, firmware or configuration. */
        CONTROLLER_CHANGED("controllerChanged", Duration.ofMinutes(1), 1),
        /** A controller's heartbeat ran backwards or jumped while it answered every poll. */
        HEARTBEAT_IRREGULAR("heartbeatIrregular", Duration.ofMinutes(1), 1),
        /** A controller's setpoints were written by another client than this gateway. */
        FOREIGN_WRITER("foreignWriter", Duration.ofMinutes(1), 1);

        private final String key;
        private final Duration window;
        private final int count;

        Rule(String key, Duration window, int count) {
            this.key = key;
            this.window = window;
            this.count = count;
        }

        /** The name in the configuration and in events. */
        public String key() {
            return key;
        }

        /** The rule's default settings. */
        public Settings defaults() {
            return new Settings(true, window, count);
        }
    }

    /**
     * @param enabled whether the rule fires
     * @param window how far back it looks
     * @param count how many occurrences make it fire (where it counts)
     */
    public record Settings(boolean enabled, Duration window, int count) {
        public Settings {
            Objects.requireNonNull(window, "window");
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1, not " + count);
            }
        }
    }

    public AnomalyConfig {
        Map<Rule, Settings> all = new EnumMap<>(Rule.class);
        for (Rule rule : Rule.values()) {
            all.put(rule, rule.defaults());
        }
        all.putAll(rules);
        rules = Map.copyOf(all);
        changeWindows = List.copyOf(changeWindows);
        Objects.requireNonNull(zone, "zone");
    }

    /** These rules, without change windows. */
    public AnomalyConfig(Map<Rule, Settings> rules) {
        this(rules, List.of(), ZoneOffset.UTC);
    }

    /** Whether {@code time} falls in a change window. */
    public boolean inChangeWindow(Instant time) {
        ZonedDateTime local = time.atZone(zone);
        return changeWindows.stream().anyMatch(w -> w.contains(local));
    }

    /** Every rule on, with its default window and count. */
    public static AnomalyConfig defaults() {
        return new AnomalyConfig(Map.of());
    }

    public Settings settings(Rule rule) {
        return rules.get(rule);
    }
}
