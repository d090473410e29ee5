package dev.failover.gateway.config;

import dev.failover.gateway.config.AnomalyConfig.Rule;
import dev.failover.gateway.config.AnomalyConfig.Settings;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
        List<String> keys =
                new ArrayList<>(Arrays.stream(Rule.values()).map(Rule::key).toList());
        keys.add("changeWindows");
        keys.add("changeWindowZone");
        Optional<YamlMap> map = value.map(keys);
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
        Optional<List<ChangeWindow>> windows = map.get().get("changeWindows", List.of(), AnomalyReader::windows);
        Optional<ZoneId> zone = map.get().get("changeWindowZone", ZoneOffset.UTC, AnomalyReader::zone);
        valid &= windows.isPresent() && zone.isPresent();
        return valid ? Optional.of(new AnomalyConfig(rules, windows.get(), zone.get())) : Optional.empty();
    }

    private static Optional<List<ChangeWindow>> windows(YamlValue value) {
        Optional<List<YamlValue>> items = value.list();
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<Optional<ChangeWindow>> parsed = new ArrayList<>();
        for (YamlValue item : items.get()) {
            parsed.add(item.nonBlank("Write a window as '<days> HH:MM-HH:MM', e.g. 'Sat 06:00-10:00'.")
                    .flatMap(text -> {
                        try {
                            return Optional.of(ChangeWindow.parse(text));
                        } catch (IllegalArgumentException e) {
                            item.report(e.getMessage() + ".");
                            return Optional.empty();
                        }
                    }));
        }
        return PairReader.allPresent(parsed);
    }

    private static Optional<ZoneId> zone(YamlValue value) {
        return value.nonBlank("Write a time zone, e.g. UTC or Europe/Berlin.").flatMap(text -> {
            try {
                return Optional.of(ZoneId.of(text));
            } catch (java.time.DateTimeException e) {
                value.report(YamlValue.quote(text) + " is not a time zone. Write one such as UTC or Europe/Berlin.");
                return Optional.empty();
            }
        });
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
