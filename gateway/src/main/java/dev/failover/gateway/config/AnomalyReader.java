package dev.failover.gateway.config;

import dev.failover.gateway.config.AnomalyConfig.Rule;
import dev.failover.gateway.config.AnomalyConfig.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code security.anomalies}: each rule's {@code enabled}, {@code window} and {@code count}. */
final class AnomalyReader {

    private static final List<String> RULE_KEYS = List.of("enabled", "window", "count");
    private static final IntRange COUNT = IntRange.atLeast(1, "a count");

    private AnomalyReader() {}

    static Optional<AnomalyConfig> read(YamlValue value) {
        Optional<YamlMap> map =
                value.map(Arrays.stream(Rule.values()).map(Rule::key).toList());
        if (map.isEmpty()) {
            return Optional.empty();
        }
        Map<Rule, Settings> rules = new EnumMap<>(Rule.class);
        boolean valid = true;
        for (Rule rule : Rule.values()) {
            Optional<Settings> settings = map.get().get(rule.key(), rule.defaults(), v -> rule(v, rule.defaults()));
            settings.ifPresent(s -> rules.put(rule, s));
            valid &= settings.isPresent();
        }
        return valid ? Optional.of(new AnomalyConfig(rules)) : Optional.empty();
    }

    private static Optional<Settings> rule(YamlValue value, Settings defaults) {
        Optional<YamlMap> map = value.map(RULE_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<Boolean> enabled = m.get("enabled", defaults.enabled(), YamlValue::bool);
        Optional<Duration> window = m.get("window", defaults.window(), YamlValue::duration);
        Optional<Integer> count = m.get("count", defaults.count(), v -> v.integer(COUNT));
        if (enabled.isEmpty() || window.isEmpty() || count.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Settings(enabled.get(), window.get(), count.get()));
    }
}
