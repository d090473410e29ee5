package dev.failover.gateway.config;

import dev.failover.hardware.HardwareConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a pair's {@code box:} section (the gateway box's LEDs and key switch for the pair) and checks
 * it against the pair's fences: the box drives an output-enable relay per controller, so a box needs a
 * relay fence on both controllers, and a relay fence needs a box.
 */
final class BoxReader {

    static final List<String> BOX_KEYS = List.of("leds", "manualSwitch", "switchDebounce", "feedbackSettle");
    static final List<String> LED_KEYS = List.of("green", "amber", "red");

    private final CrossChecks crossChecks;

    BoxReader(CrossChecks crossChecks) {
        this.crossChecks = crossChecks;
    }

    Optional<BoxConfig> box(YamlValue value) {
        Optional<YamlMap> map = value.map(BOX_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        Optional<List<Integer>> leds =
                m.require("leds", "Add 'leds: {green: 16, amber: 20, red: 21}' with the LEDs' GPIO pins.", this::leds);
        Optional<Integer> key =
                m.require("manualSwitch", "Add 'manualSwitch:' with the GPIO pin of the key switch.", this::pin);
        Optional<Duration> debounce = m.get(
                "switchDebounce",
                HardwareConfig.DEFAULT_SWITCH_DEBOUNCE,
                atMost("two key presses within it count as one"));
        Optional<Duration> settle = m.get(
                "feedbackSettle",
                HardwareConfig.DEFAULT_FEEDBACK_SETTLE,
                atMost("fencing waits up to this long for the relay's feedback, and the failover with it"));
        if (leds.isEmpty() || key.isEmpty() || debounce.isEmpty() || settle.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> l = leds.get();
        return Optional.of(new BoxConfig(l.get(0), l.get(1), l.get(2), key.get(), debounce.get(), settle.get()));
    }

    private Optional<List<Integer>> leds(YamlValue value) {
        Optional<YamlMap> map = value.map(LED_KEYS);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = map.get();
        List<Optional<Integer>> pins = LED_KEYS.stream()
                .map(colour -> m.require(
                        colour, "Add '" + colour + ":' with the GPIO pin of the " + colour + " LED.", this::pin))
                .toList();
        return PairReader.allPresent(pins);
    }

    private Optional<Integer> pin(YamlValue value) {
        return value.integer(IntRange.GPIO_PIN).filter(p -> crossChecks.boxPin(p, value));
    }

    /** The hardware module bounds both durations, because a relay cut blocks its caller that long. */
    private static Function<YamlValue, Optional<Duration>> atMost(String why) {
        return value -> value.duration().filter(d -> {
            if (d.compareTo(HardwareConfig.MAX_DURATION) <= 0) {
                return true;
            }
            value.report(YamlValue.format(d) + " is too long: " + why + ". Write a duration of "
                    + YamlValue.format(HardwareConfig.MAX_DURATION) + " or less.");
            return false;
        });
    }

    /**
     * Checks the box against the controllers' fences, once both were read without problems. Reports
     * every rule broken and returns whether all hold.
     *
     * @param pairName the pair's name, for the hardware module's own check
     * @param pair the pair's mapping, where a missing {@code box:} is reported
     * @param box the box, or empty when the pair has none
     * @param controllers the pair's two controllers, all read
     */
    boolean fits(String pairName, YamlMap pair, Optional<BoxConfig> box, List<ControllerReader.Read> controllers) {
        List<ControllerReader.Read> relays = controllers.stream()
                .filter(r -> r.config().orElseThrow().fence() instanceof FenceConfig.Relay)
                .toList();
        boolean fits = true;
        if (relays.size() == 1) {
            ControllerReader.Read without = controllers.stream()
                    .filter(r -> r != relays.getFirst())
                    .findFirst()
                    .orElseThrow();
            oneRelayOnly(id(relays.getFirst()), id(without), without);
            fits = false;
        }
        if (!relays.isEmpty() && box.isEmpty()) {
            String fences = relays.size() == 1
                    ? "the relay fence of " + id(relays.getFirst()) + " is"
                    : "the relay fences of " + id(relays.get(0)) + " and " + id(relays.get(1)) + " are";
            pair.missing(
                    "box",
                    ": " + fences + " driven by the box's GPIO. Add 'box:' with 'leds:' and 'manualSwitch:', the"
                            + " box's other signals for this pair.");
            return false;
        }
        YamlValue boxAt = pair.optional("box").orElse(null);
        if (boxAt == null) {
            return fits;
        }
        if (relays.isEmpty()) {
            boxAt.report("the box drives an output-enable relay per controller, but neither controller has a"
                    + " relay fence. Give both controllers 'fence:' with 'type: relay', 'pin:' and 'feedbackPin:',"
                    + " or remove 'box:'.");
            return false;
        }
        if (!fits) {
            return false;
        }
        List<ControllerConfig> configs =
                controllers.stream().map(r -> r.config().orElseThrow()).toList();
        try {
            // The checks above and the GPIO cross-checks should leave nothing for the hardware module to
            // refuse; if it still does, the operator gets its reason on the box's line, not a failed start.
            box.orElseThrow().hardware(pairName, configs);
        } catch (IllegalArgumentException e) {
            boxAt.report("the hardware module refuses this box (" + e.getMessage()
                    + "). Fix the pins or durations it names.");
            return false;
        }
        return true;
    }

    private static void oneRelayOnly(String withRelay, String withoutId, ControllerReader.Read without) {
        String why = withRelay + " has a relay fence and the box's interlock needs an output-enable relay on both"
                + " controllers";
        Optional<YamlValue> fenceAt = without.fenceAt();
        if (fenceAt.isPresent()) {
            // FenceConfig is sealed: a fence that is not a relay is the bench's simulated one.
            fenceAt.get()
                    .report(withoutId + " has a sim fence, but " + why + ". Give " + withoutId
                            + " 'type: relay' with its own 'pin:' and 'feedbackPin:'.");
        } else {
            YamlValue at = without.at();
            at.problems()
                    .add(
                            at.line(),
                            at.path() + ".fence",
                            "required key is missing: " + why + ". Add 'fence:' with 'type: relay', 'pin:' and"
                                    + " 'feedbackPin:'.");
        }
    }

    private static String id(ControllerReader.Read read) {
        return read.config().orElseThrow().id();
    }
}
