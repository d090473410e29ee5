package dev.failover.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.failover.gateway.config.ConfigException.ConfigProblem;
import dev.failover.gateway.config.FailoverPolicy.FailbackMode;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.config.TagConfig.TagType;
import dev.failover.hardware.GpioPin;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.LedPins;
import dev.failover.hardware.RelayPins;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loader against the fixtures in src/test/resources/config: a full and a minimal file that must
 * load to exactly the expected records, and broken files whose full error text is asserted, because
 * that text is the operator's interface (docs/configuration.md quotes it).
 */
class ConfigLoaderTest {

    /** The fixtures' folder, where the placeholder PKI files are. */
    static final Path FIXTURES = fixture("minimal.yaml").getParent();

    /** A valid security section with absolute paths, so that it loads whatever the source file. */
    static final String SECURITY = """
            security:
              caCertificates: '%s'
              crl: '%s'
              keystore: '%s'
              keystorePassword: {env: GATEWAY_KEYSTORE_PASSWORD}
              stateDirectory: state
            """.formatted(
                    FIXTURES.resolve("pki/ca-chain.placeholder"),
                    FIXTURES.resolve("pki/crl.placeholder"),
                    FIXTURES.resolve("pki/gateway-keystore.placeholder"));

    static final String MINIMAL_PAIRS = """
            pairs:
              - name: tank-1
                controllers:
                  - id: plc-a
                    preferredRole: primary
                    modbus: {host: 127.0.0.1}
                  - id: plc-b
                    preferredRole: standby
                    modbus: {host: 127.0.0.2}
            """;

    @Nested
    class ValidFiles {

        @Test
        void fullFileSetsEveryField() throws Exception {
            Path file = fixture("full.yaml");

            GatewayConfig config = ConfigLoader.load(file);

            GatewayConfig expected = new GatewayConfig(
                    file,
                    "line-3-gateway",
                    "127.0.0.2",
                    7411,
                    file.resolveSibling("logs/events.jsonl"),
                    List.of(
                            new PairConfig(
                                    "tank-1",
                                    List.of(
                                            new ControllerConfig(
                                                    "plc-a",
                                                    PreferredRole.PRIMARY,
                                                    new ModbusEndpoint("10.0.0.11", 5020, 3, false),
                                                    new FenceConfig.Sim("10.0.0.11", 5021)),
                                            new ControllerConfig(
                                                    "plc-b",
                                                    PreferredRole.STANDBY,
                                                    new ModbusEndpoint("10.0.0.12", 5030, 4),
                                                    new FenceConfig.Sim("10.0.0.12", 5031))),
                                    new StatusRegisters(100, 101, 102, 103, 104),
                                    StatusNodes.defaults(),
                                    List.of(
                                            new TagConfig(
                                                    "level",
                                                    10,
                                                    TagType.UINT16,
                                                    0.01,
                                                    "%",
                                                    0,
                                                    100,
                                                    true,
                                                    List.of("operator", "engineer"),
                                                    null,
                                                    2.5),
                                            new TagConfig(
                                                    "flow",
                                                    11,
                                                    TagType.FLOAT32,
                                                    2.5,
                                                    "m3/h",
                                                    -50.5,
                                                    1000,
                                                    false,
                                                    List.of("engineer"))),
                                    new FailoverPolicy(
                                            Duration.ofMillis(50),
                                            Duration.ofMillis(40),
                                            Duration.ofMillis(45),
                                            4,
                                            5,
                                            Duration.ofSeconds(30),
                                            FailbackMode.AUTOMATIC,
                                            Duration.ofMinutes(2),
                                            UnreachableActive.PRESUME_DOWN,
                                            Duration.ofSeconds(7),
                                            6,
                                            Duration.ofHours(1)),
                                    new MirrorPolicy(Duration.ofMillis(200)),
                                    null),
                            new PairConfig(
                                    "pump.station_2",
                                    List.of(
                                            new ControllerConfig(
                                                    "plc-c",
                                                    PreferredRole.STANDBY,
                                                    new ModbusEndpoint("plc-c.local", 502, 0, true),
                                                    new FenceConfig.Relay(5, 6)),
                                            new ControllerConfig(
                                                    "plc-d",
                                                    PreferredRole.PRIMARY,
                                                    new ModbusEndpoint("plc-d.local", 65535, 255),
                                                    new FenceConfig.Relay(0, 40))),
                                    new StatusRegisters(20, 21, 22, 23, 24),
                                    List.of(
                                            new TagConfig(
                                                    "pressure",
                                                    65534,
                                                    TagType.INT32,
                                                    -1,
                                                    "bar",
                                                    -1e9,
                                                    1e9,
                                                    true,
                                                    List.of()),
                                            new TagConfig(
                                                    "setpoint",
                                                    0,
                                                    TagType.INT16,
                                                    1,
                                                    "",
                                                    -100,
                                                    -100,
                                                    false,
                                                    List.of("operator")),
                                            // Overlaps the status registers 20-24 on purpose: allowed, for
                                            // a tag that is not mirrored.
                                            new TagConfig(
                                                    "counter",
                                                    22,
                                                    TagType.UINT32,
                                                    1,
                                                    "pcs",
                                                    0,
                                                    4294967295.0,
                                                    false,
                                                    List.of())),
                                    new FailoverPolicy(
                                                    Duration.ofSeconds(1),
                                                    Duration.ofMillis(999),
                                                    2,
                                                    1,
                                                    Duration.ofHours(1),
                                                    FailbackMode.MANUAL,
                                                    Duration.ofMinutes(10),
                                                    UnreachableActive.FENCE,
                                                    Duration.ofSeconds(30),
                                                    1,
                                                    Duration.ofMinutes(5))
                                            .withStormLock(false),
                                    new BoxConfig(16, 20, 21, 26, Duration.ofMillis(20), Duration.ofMillis(150)))),
                    new SecurityConfig(
                            file.resolveSibling("pki/ca-chain.placeholder"),
                            file.resolveSibling("pki/crl.placeholder"),
                            file.resolveSibling("pki/gateway-keystore.placeholder"),
                            Secret.fromFile(file.resolveSibling("secrets/keystore.pw")),
                            Path.of("/var/lib/failover-gateway"),
                            new CommandPolicy(
                                    512,
                                    Duration.ofMinutes(2),
                                    Duration.ZERO,
                                    Map.of(
                                            CommandAction.SWITCHOVER,
                                            List.of("operator", "supervisor"),
                                            CommandAction.START_DRILL,
                                            List.of(),
                                            CommandAction.WAIVE_POSTURE,
                                            List.of("engineer"),
                                            CommandAction.REARM,
                                            List.of("engineer")))));
            assertThat(config).isEqualTo(expected);
        }

        @Test
        void minimalFileTakesTheDocumentedDefaults() throws Exception {
            Path file = fixture("minimal.yaml");

            GatewayConfig config = ConfigLoader.load(file);

            assertThat(config.source()).isEqualTo(file);
            assertThat(config.name()).isEqualTo("bench");
            assertThat(config.controlHost()).isEqualTo("127.0.0.1");
            assertThat(config.controlPort()).isEqualTo(7410);
            assertThat(config.eventLogPath()).isEmpty();
            assertThat(config.security())
                    .isEqualTo(new SecurityConfig(
                            file.resolveSibling("pki/ca-chain.placeholder"),
                            file.resolveSibling("pki/crl.placeholder"),
                            file.resolveSibling("pki/gateway-keystore.placeholder"),
                            Secret.fromEnvironment("GATEWAY_KEYSTORE_PASSWORD"),
                            file.resolveSibling("state"),
                            CommandPolicy.defaults()));
            assertThat(config.pairs()).hasSize(1);
            PairConfig pair = config.pairs().get(0);
            assertThat(pair.name()).isEqualTo("tank-1");
            assertThat(pair.controllers())
                    .containsExactly(
                            new ControllerConfig(
                                    "plc-a", PreferredRole.PRIMARY, new ModbusEndpoint("127.0.0.1", 802, 1), null),
                            new ControllerConfig(
                                    "plc-b", PreferredRole.STANDBY, new ModbusEndpoint("127.0.0.2", 802, 1), null));
            assertThat(pair.registers()).isEqualTo(new StatusRegisters(0, 1, 2, 3, 4));
            assertThat(pair.tags()).isEmpty();
            assertThat(pair.box()).isNull();
            assertThat(pair.hardware()).isEmpty();
            // Spelled out rather than compared with defaults(): these are the values the doc promises.
            assertThat(pair.failover())
                    .isEqualTo(new FailoverPolicy(
                            Duration.ofMillis(20),
                            Duration.ofMillis(15),
                            3,
                            3,
                            Duration.ofSeconds(10),
                            FailbackMode.MANUAL,
                            Duration.ofSeconds(60),
                            UnreachableActive.FENCE,
                            Duration.ofSeconds(5),
                            3,
                            Duration.ofMinutes(10)));
        }

        @Test
        void aBoxTakesItsRelaysFromTheFencesAndDefaultsItsTimes() throws Exception {
            GatewayConfig config = ConfigLoader.load(fixture("box.yaml"));

            PairConfig pair = config.pairs().get(0);
            assertThat(pair.box())
                    .isEqualTo(new BoxConfig(16, 20, 21, 26, Duration.ofMillis(50), Duration.ofMillis(100)));
            Map<String, RelayPins> relays = new LinkedHashMap<>();
            relays.put("plc-a", RelayPins.withFeedback(GpioPin.activeHigh(5), GpioPin.activeHigh(6)));
            relays.put("plc-b", RelayPins.withFeedback(GpioPin.activeHigh(13), GpioPin.activeHigh(19)));
            // The levels of docs/hardware.md's wiring: coils, feedback contacts and LEDs active high, the
            // key switching to GND against the pull-up, active low.
            assertThat(pair.hardware())
                    .contains(new HardwareConfig(
                            "tank-1",
                            relays,
                            new LedPins(GpioPin.activeHigh(16), GpioPin.activeHigh(20), GpioPin.activeHigh(21)),
                            GpioPin.activeLow(26),
                            Duration.ofMillis(50),
                            Duration.ofMillis(100)));
        }

        @Test
        void tagDefaultsAreUint16ScaleOneAndAWideReadOnlyRange() throws Exception {
            GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + """
                        tags:
                          - name: level
                            address: 10
                    """);

            assertThat(config.pairs().get(0).tags())
                    .containsExactly(new TagConfig("level", 10, TagType.UINT16, 1, "", -1e9, 1e9, false, List.of()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1", "0:0:0:0:0:0:0:1"})
        void controlHostMayBeAnyLoopbackAddress(String host) throws Exception {
            GatewayConfig config =
                    parse("gateway: {name: gw, control: {host: '" + host + "', port: 0}}\n" + SECURITY + MINIMAL_PAIRS);

            assertThat(config.controlHost()).isEqualTo(host);
            assertThat(config.controlPort()).isZero();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "0.0.0.0",
                    "10.0.0.1",
                    "128.0.0.1",
                    "127.0.0.256",
                    "::",
                    "::2",
                    "gateway.local",
                    "localhost:7410"
                })
        void controlHostMustNotBeReachableFromOutside(String host) {
            assertThatThrownBy(() ->
                            parse("gateway: {name: gw, control: {host: '" + host + "'}}\n" + SECURITY + MINIMAL_PAIRS))
                    .hasMessage("test.yaml:1: gateway.control.host: '" + host + "' is not a loopback address: the"
                            + " control endpoint serves operators on this box only (remote clients use the OPC UA"
                            + " server). Use 127.0.0.1, ::1 or localhost.");
        }

        @Test
        void theControlHandshakeTimeoutIsReadAndDefaultsToHalfASecond() throws Exception {
            GatewayConfig set =
                    parse("gateway: {name: gw, control: {port: 0, handshakeTimeout: 2s}}\n" + SECURITY + MINIMAL_PAIRS);
            GatewayConfig unset = parse("gateway: {name: gw, control: {port: 0}}\n" + SECURITY + MINIMAL_PAIRS);

            assertThat(set.controlHandshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(unset.controlHandshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        }

        @ParameterizedTest
        @ValueSource(strings = {"20ms", "2m"})
        void aControlHandshakeTimeoutOutOfRangeNamesTheRange(String timeout) {
            assertThatThrownBy(() -> parse("gateway:\n  name: gw\n  control:\n    handshakeTimeout: " + timeout + "\n"
                            + SECURITY + MINIMAL_PAIRS))
                    .hasMessage("test.yaml:4: gateway.control.handshakeTimeout: " + timeout + " is "
                            + (timeout.equals("20ms")
                                    ? "too short: a client on a loaded box may take that long to start its TLS handshake"
                                    : "so long that silent connections could hold the endpoint's places for that long")
                            + ". Write a duration from 100ms to 30s (default 500ms).");
        }

        @Test
        void relativeEventLogResolvesAgainstTheConfigFolder(@TempDir Path dir) throws Exception {
            Path source = dir.resolve("etc/gateway.yaml");

            GatewayConfig config = ConfigLoader.parse(
                    "gateway: {name: gw, eventLog: ../log/events.jsonl}\n" + SECURITY + MINIMAL_PAIRS, source);

            assertThat(config.eventLog()).isEqualTo(dir.resolve("log/events.jsonl"));
        }

        @Test
        void absoluteEventLogIsKept(@TempDir Path dir) throws Exception {
            Path log = dir.resolve("events.jsonl").toAbsolutePath();

            GatewayConfig config = ConfigLoader.parse(
                    "gateway: {name: gw, eventLog: '" + log + "'}\n" + SECURITY + MINIMAL_PAIRS,
                    Path.of("etc/gateway.yaml"));

            assertThat(config.eventLog()).isEqualTo(log);
        }

        @Test
        void emptySectionsMeanDefaults() throws Exception {
            // A section whose keys are all commented out is an empty value, not an error.
            GatewayConfig config = parse("gateway:\n  name: gw\n  control:\n" + SECURITY + MINIMAL_PAIRS + """
                        registers:
                        failover:
                          # pollPeriod: 50ms
                    """);

            assertThat(config.controlPort()).isEqualTo(7410);
            assertThat(config.pairs().get(0).failover()).isEqualTo(FailoverPolicy.defaults());
        }
    }

    @Nested
    class BrokenFiles {

        @Test
        void syntaxErrorNamesTheLineAndSnakeYamlsProblem() {
            assertThat(problemsOf("broken-syntax.yaml"))
                    .isEqualTo("broken-syntax.yaml:7: not valid YAML (expected <block end>, but found '<block mapping"
                            + " start>'). Fix the syntax near that line.");
        }

        @Test
        void secondDocumentIsASyntaxError() {
            assertThat(problemsOf("broken-multi-doc.yaml"))
                    .isEqualTo("broken-multi-doc.yaml:3: not valid YAML (expected a single document in the stream, but"
                            + " found another document). Fix the syntax near that line.");
        }

        @Test
        void missingPairsIsReportedWhereTheTopLevelStarts() {
            assertThat(problemsOf("broken-missing-pairs.yaml"))
                    .isEqualTo("broken-missing-pairs.yaml:2: pairs: required key is missing. Add a 'pairs:' list with"
                            + " at least one pair.");
        }

        @Test
        void badDurationsShowTheAcceptedForms() {
            assertThat(problemsOf("broken-duration.yaml")).isEqualTo("""
                            broken-duration.yaml:13: pairs[0].failover.pollPeriod: '5x' is not a duration. Write a number with a unit: 20ms, 2s, 5m or 1h.
                            broken-duration.yaml:14: pairs[0].failover.holdDown: '0s' is not a positive duration. Write a number above zero with a unit: 20ms, 2s, 5m or 1h.
                            broken-duration.yaml:15: pairs[0].failover.failbackAfter: '60' is not a duration. Write a number with a unit: 20ms, 2s, 5m or 1h.""");
        }

        @Test
        void unknownKeysSuggestTheNearestKnownKey() {
            assertThat(problemsOf("broken-unknown-key.yaml")).isEqualTo("""
                            broken-unknown-key.yaml:3: gateway.evenLog: unknown key 'evenLog'. Did you mean 'eventLog'?
                            broken-unknown-key.yaml:14: pairs[0].failover.pollperiod: unknown key 'pollperiod'. Did you mean 'pollPeriod'?
                            broken-unknown-key.yaml:15: pairs[0].failover.watchdog: unknown key 'watchdog'. Remove it, or use one of: pollPeriod, responseTimeout, responseTimeoutMax, missesBeforeFault, recoveryPolls, holdDown, failback, failbackAfter, unreachableActive, presumeDownAfter, storm.""");
        }

        @Test
        void aPairNeedsTwoControllers() {
            assertThat(problemsOf("broken-one-controller.yaml"))
                    .isEqualTo("broken-one-controller.yaml:5: pairs[0].controllers: a pair needs exactly two"
                            + " controllers, found 1. Add the pair's second controller.");
        }

        @Test
        void aPairNeedsOnePrimaryAndOneStandby() {
            assertThat(problemsOf("broken-two-primaries.yaml"))
                    .isEqualTo("broken-two-primaries.yaml:10: pairs[0].controllers[1].preferredRole: both controllers"
                            + " are preferred primary. Make one controller primary and the other standby.");
        }

        @Test
        void controllerIdsAreUniqueAcrossPairs() {
            assertThat(problemsOf("broken-duplicate-id.yaml"))
                    .isEqualTo("broken-duplicate-id.yaml:17: pairs[1].controllers[1].id: 'plc-a' is already the id of"
                            + " pairs[0].controllers[0]. Give every controller its own id, across all pairs.");
        }

        @Test
        void responseTimeoutMustBeShorterThanThePollPeriod() {
            // The second pair only shortens pollPeriod, below the default timeout: blamed on the key written.
            assertThat(problemsOf("broken-timeout.yaml")).isEqualTo("""
                            broken-timeout.yaml:14: pairs[0].failover.responseTimeout: 100ms is not shorter than pollPeriod (100ms). Make responseTimeout shorter than pollPeriod: a poll must be answered or missed before the next one.
                            broken-timeout.yaml:24: pairs[1].failover.pollPeriod: 10ms is not longer than responseTimeout (15ms, the default). Set a longer pollPeriod, or a responseTimeout shorter than 10ms.""");
        }

        @Test
        void theDeadlinesCeilingIsNotBelowItsFloor() {
            assertThat(problemsOf("broken-timeout-max.yaml")).isEqualTo("""
                            broken-timeout-max.yaml:15: pairs[0].failover.responseTimeoutMax: 10ms is shorter than responseTimeout (20ms). responseTimeoutMax is the ceiling of the adaptive response deadline and responseTimeout its floor: make it at least 20ms (equal for a fixed deadline).""");
        }

        @Test
        void oneMissedPollIsNotAFault() {
            assertThat(problemsOf("broken-misses.yaml")).isEqualTo("""
                            broken-misses.yaml:13: pairs[0].failover.missesBeforeFault: 1 is too small: one missed poll is not a fault, a single late answer would switch over. Write a count of 2 or more.
                            broken-misses.yaml:14: pairs[0].failover.recoveryPolls: 0 is too small. Write a count of 1 or more.""");
        }

        @Test
        void unknownFenceTypeIsNamedWithTheChoices() {
            assertThat(problemsOf("broken-fence-type.yaml"))
                    .isEqualTo("broken-fence-type.yaml:10: pairs[0].controllers[0].fence.type: 'ssh' is not a fence"
                            + " type. Write sim or relay.");
        }

        @Test
        void relayPinsAreDistinctAndInRange() {
            // A pin shared by two relays would cut the outputs of the wrong controller.
            assertThat(problemsOf("broken-relay-pins.yaml")).isEqualTo("""
                            broken-relay-pins.yaml:12: pairs[0].controllers[0].fence.feedbackPin: 17 is also the relay's 'pin'. Wire the feedback contact to another pin: the coil output cannot confirm itself.
                            broken-relay-pins.yaml:18: pairs[0].controllers[1].fence.pin: GPIO pin 17 is already used by pairs[0].controllers[0].fence.pin. Give every relay its own pins.
                            broken-relay-pins.yaml:19: pairs[0].controllers[1].fence.feedbackPin: 41 is too large. Write a GPIO pin number from 0 to 40.
                            broken-relay-pins.yaml:20: pairs[0].controllers[1].fence.host: a relay fence has no 'host'. Remove it, or set 'type: sim'.""");
        }

        @Test
        void relayFencesNeedTheBox() {
            assertThat(problemsOf("broken-box-missing.yaml")).isEqualTo("""
                            broken-box-missing.yaml:4: pairs[0].box: required key is missing: the relay fences of plc-a and plc-b are driven by the box's GPIO. Add 'box:' with 'leds:' and 'manualSwitch:', the box's other signals for this pair.
                            broken-box-missing.yaml:15: pairs[1].box: required key has no value: the relay fences of plc-c and plc-d are driven by the box's GPIO. Add 'box:' with 'leds:' and 'manualSwitch:', the box's other signals for this pair.""");
        }

        @Test
        void theBoxNeedsARelayFenceOnBothControllers() {
            // The interlock keeps one controller driving; with one relay the box could not keep that promise.
            assertThat(problemsOf("broken-box-one-relay.yaml")).isEqualTo("""
                            broken-box-one-relay.yaml:16: pairs[0].controllers[1].fence: plc-b has a sim fence, but plc-a has a relay fence and the box's interlock needs an output-enable relay on both controllers. Give plc-b 'type: relay' with its own 'pin:' and 'feedbackPin:'.
                            broken-box-one-relay.yaml:17: pairs[1].box: required key is missing: the relay fence of plc-d is driven by the box's GPIO. Add 'box:' with 'leds:' and 'manualSwitch:', the box's other signals for this pair.
                            broken-box-one-relay.yaml:19: pairs[1].controllers[0].fence: required key is missing: plc-d has a relay fence and the box's interlock needs an output-enable relay on both controllers. Add 'fence:' with 'type: relay', 'pin:' and 'feedbackPin:'.""");
        }

        @Test
        void aBoxWithoutRelayFencesIsAnError() {
            assertThat(problemsOf("broken-box-no-relays.yaml"))
                    .isEqualTo("broken-box-no-relays.yaml:5: pairs[0].box: the box drives an output-enable relay per"
                            + " controller, but neither controller has a relay fence. Give both controllers 'fence:'"
                            + " with 'type: relay', 'pin:' and 'feedbackPin:', or remove 'box:'.");
        }

        @Test
        void boxPinsAreDistinctAcrossAllPairsAndItsTimesBounded() {
            // All pairs share the box's one GPIO header: an LED on a relay's pin would switch the relay.
            assertThat(problemsOf("broken-box-pins.yaml")).isEqualTo("""
                            broken-box-pins.yaml:6: pairs[0].box.leds.green: GPIO pin 5 is already used by pairs[0].controllers[0].fence.pin. Give every signal of the box its own pin.
                            broken-box-pins.yaml:6: pairs[0].box.leds.red: GPIO pin 20 is already used by pairs[0].box.leds.amber. Give every signal of the box its own pin.
                            broken-box-pins.yaml:7: pairs[0].box.manualSwitch: 41 is too large. Write a GPIO pin number from 0 to 40.
                            broken-box-pins.yaml:8: pairs[0].box.switchDebounce: 5s is too long: two key presses within it count as one. Write a duration of 2s or less.
                            broken-box-pins.yaml:9: pairs[0].box.feedbackSettle: '0ms' is not a positive duration. Write a number above zero with a unit: 20ms, 2s, 5m or 1h.
                            broken-box-pins.yaml:21: pairs[1].box.leds.blue: unknown key 'blue'. Remove it, or use one of: green, amber, red.
                            broken-box-pins.yaml:21: pairs[1].box.leds.red: required key is missing. Add 'red:' with the GPIO pin of the red LED.
                            broken-box-pins.yaml:22: pairs[1].box.manualSwitch: GPIO pin 20 is already used by pairs[0].box.leds.amber. Give every signal of the box its own pin.""");
        }

        @Test
        void controlEndpointMustBeLoopback() {
            assertThat(problemsOf("broken-control-host.yaml"))
                    .isEqualTo("broken-control-host.yaml:4: gateway.control.host: '0.0.0.0' is not a loopback"
                            + " address: the control endpoint serves operators on this box only (remote clients use"
                            + " the OPC UA server). Use 127.0.0.1, ::1 or localhost.");
        }

        @Test
        void overlappingTagsNameBothTags() {
            // level is a float32 at 10, so it takes 10 and 11; valve at 12 is clear.
            assertThat(problemsOf("broken-overlapping-tags.yaml"))
                    .isEqualTo("broken-overlapping-tags.yaml:17: pairs[0].tags[1].address: tag 'pump' (register 11)"
                            + " overlaps tag 'level' (registers 10-11). Move one of them so that no register belongs"
                            + " to two tags.");
        }

        @Test
        void tagRulesAreCheckedKeyByKey() {
            assertThat(problemsOf("broken-tags.yaml")).isEqualTo("""
                            broken-tags.yaml:13: pairs[0].registers.status: address 0 is also the 'heartbeat' register. Give each status register its own address.
                            broken-tags.yaml:16: pairs[0].tags[0].address: 65535 is too high for a uint32 tag, which takes 2 registers. Write an address of 65534 or less.
                            broken-tags.yaml:18: pairs[0].tags[1].name: 'level' is already the name of pairs[0].tags[0]. Give each tag of a pair its own name.
                            broken-tags.yaml:20: pairs[0].tags[1].type: 'uint8' is not a tag type. Write one of uint16, int16, uint32, int32, float32.
                            broken-tags.yaml:23: pairs[0].tags[2].scale: 0 is not allowed: every value would read as 0. Write a non-zero number, e.g. 1 or 0.01.
                            broken-tags.yaml:24: pairs[0].tags[2].min: 10 is above max (5). Make min less than or equal to max.
                            broken-tags.yaml:28: pairs[0].tags[3].min: 2000000000 is above max (1000000000, the default). Make min less than or equal to max.
                            broken-tags.yaml:29: pairs[0].tags[4].name: required key is missing. Add 'name: level', unique within the pair.""");
        }

        @Test
        void portsOutOfRangeShowTheRange() {
            assertThat(problemsOf("broken-port-range.yaml")).isEqualTo("""
                            broken-port-range.yaml:4: gateway.control.port: -1 is too small. Write a port number from 0 to 65535.
                            broken-port-range.yaml:12: pairs[0].controllers[0].modbus.port: 70000 is too large. Write a port number from 1 to 65535.
                            broken-port-range.yaml:17: pairs[0].controllers[1].modbus.port: 0 is too small. Write a port number from 1 to 65535.
                            broken-port-range.yaml:18: pairs[0].controllers[1].modbus.unitId: 256 is too large. Write a unit id from 0 to 255.""");
        }

        @Test
        void wrongTypesNameTheExpectedType() {
            assertThat(problemsOf("broken-wrong-type.yaml")).isEqualTo("""
                            broken-wrong-type.yaml:10: pairs[0].controllers[0].modbus.port: 'abc' is not an integer. Write a port number from 1 to 65535.
                            broken-wrong-type.yaml:13: pairs[0].controllers[1].modbus: expected a mapping, found the value '127.0.0.2'. Write indented 'key: value' lines here.
                            broken-wrong-type.yaml:17: pairs[0].tags[0].scale: 'ten' is not a number. Write a decimal number such as 0.01, -40 or 1e6.
                            broken-wrong-type.yaml:18: pairs[0].tags[0].mirrored: 'yes' is not a boolean. Write true or false.
                            broken-wrong-type.yaml:19: pairs[0].tags[0].writableBy: expected a list, found the value 'operator'. Write one '- ' item per line, or [a, b].""");
        }

        @Test
        void duplicateYamlKeysAreErrorsNotLastOneWins() {
            assertThat(problemsOf("broken-duplicate-key.yaml")).isEqualTo("""
                            broken-duplicate-key.yaml:3: gateway.name: 'name' is set twice, first on line 2. Remove one of the two.
                            broken-duplicate-key.yaml:12: pairs[0].controllers[1].modbus.host: 'host' is set twice, first on line 12. Remove one of the two.""");
        }

        @Test
        void oneModbusEndpointCannotBeTwoControllers() {
            assertThat(problemsOf("broken-duplicate-endpoint.yaml")).isEqualTo("""
                            broken-duplicate-endpoint.yaml:11: pairs[0].controllers[1].modbus: 127.0.0.1:5020 unit 1 is also the endpoint of pairs[0].controllers[0]. Give each controller its own host, port or unitId.
                            broken-duplicate-endpoint.yaml:12: pairs[1].name: 'tank-1' is already the name of pairs[0]. Give each pair its own name.""");
        }

        @Test
        void namesEmptyValuesAndMissingKeysAreAllReportedInOnePass() {
            assertThat(problemsOf("broken-names.yaml")).isEqualTo("""
                            broken-names.yaml:2: gateway.name: must not be empty. Write the gateway's name, e.g. line-3-gateway.
                            broken-names.yaml:4: pairs[0].name: 'tank 1' is not a valid pair name. Use only letters, digits, '_', '.' and '-'.
                            broken-names.yaml:6: pairs[0].controllers[0].id: 'plc/a' is not a valid id. Use only letters, digits, '_', '.' and '-'.
                            broken-names.yaml:7: pairs[0].controllers[0].preferredRole: 'master' is not a preferred role. Write primary or standby.
                            broken-names.yaml:8: pairs[0].controllers[0].modbus: required key has no value. Add 'modbus:' with at least 'host:' under it, or 'opcua:' with 'endpoint:'.
                            broken-names.yaml:9: pairs[0].controllers[1].id: required key is missing. Add 'id: plc-a', a name unique across all pairs.
                            broken-names.yaml:11: pairs[1]: expected a mapping, found a list. Write indented 'key: value' lines here.""");
        }

        @Test
        void onlyPlainYamlIsAccepted() {
            assertThat(problemsOf("broken-plain-yaml.yaml")).isEqualTo("""
                            broken-plain-yaml.yaml:3: gateway.name: the YAML tag !!binary is not supported. Remove the tag and write a plain value.
                            broken-plain-yaml.yaml:9: pairs[0].controllers[0].modbus: anchors and aliases (&endpoint, *endpoint) are not supported. Write the value out in full.
                            broken-plain-yaml.yaml:12: pairs[0].controllers[1].modbus: anchors and aliases (&endpoint, *endpoint) are not supported. Write the value out in full.
                            broken-plain-yaml.yaml:14: pairs[0].failover: merge keys (<<) are not supported. Write the keys out in full.""");
        }

        @Test
        void problemsCarryFileLineAndKeySeparately() {
            Path file = fixture("broken-misses.yaml");

            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

            assertThat(e.problems())
                    .extracting(ConfigProblem::file, ConfigProblem::line, ConfigProblem::key)
                    .containsExactly(
                            tuple(file, 13, "pairs[0].failover.missesBeforeFault"),
                            tuple(file, 14, "pairs[0].failover.recoveryPolls"));
        }

        @Test
        void missingFileKeepsTheCause(@TempDir Path dir) {
            Path file = dir.resolve("missing.yaml");

            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

            assertThat(e)
                    .hasMessage("missing.yaml: cannot read the file (no such file). Check the path and permissions.")
                    .hasCauseInstanceOf(NoSuchFileException.class);
            assertThat(e.problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p.line()).isZero());
        }

        @Test
        void emptyFileSaysWhatToWrite() {
            assertThatThrownBy(() -> parse("# nothing yet\n"))
                    .hasMessage(
                            "test.yaml:1: the file is empty. Write a 'gateway:' section, a 'security:' section and a"
                                    + " 'pairs:' list.");
        }

        @Test
        void emptyPairsListIsAnError() {
            assertThatThrownBy(() -> parse("gateway: {name: gw}\n" + SECURITY + "pairs: []\n"))
                    .hasMessage("test.yaml:8: pairs: the list is empty. Add at least one pair.");
        }
    }

    @Nested
    class SecuritySection {

        /** The fixtures' valid security section up to keystorePassword, to be completed by each test. */
        private static final String FILES = """
                gateway: {name: gw}
                security:
                  caCertificates: pki/ca-chain.placeholder
                  crl: pki/crl.placeholder
                  keystore: pki/gateway-keystore.placeholder
                  stateDirectory: state
                """;

        @Test
        void aFileWithoutSecurityIsRefused() {
            // No silent fallback to an unauthenticated gateway: a file from before security must be updated.
            assertThat(problemsOf("broken-security-missing.yaml"))
                    .isEqualTo("broken-security-missing.yaml:2: security: required key is missing: the gateway does"
                            + " not run without it. Add 'security:' with caCertificates, crl, keystore,"
                            + " keystorePassword and stateDirectory, as docs/security.md describes.");
        }

        @Test
        void securityRulesAreCheckedKeyByKey() {
            String pki = FIXTURES.resolve("pki").toString();
            String fix = " there, or correct the path (a relative path starts at this file's folder).";
            assertThat(problemsOf("broken-security.yaml")).isEqualTo("""
                            broken-security.yaml:5: security.crl: %s is not a file. Copy the revocation lists (crl.pem)%s
                            broken-security.yaml:6: security.keystore: %s/gateway.p12 does not exist. Copy the gateway's key store (issued/<name>.p12)%s
                            broken-security.yaml:7: security.keystorePassword: both 'file' and 'env' are set. Keep one of the two: the password is read from one place.
                            broken-security.yaml:8: security.stateDirectory: %s/crl.placeholder is a file, not a folder. Write the path of a folder; the gateway creates it when it is missing.
                            broken-security.yaml:10: security.commands.maxEnvelopeBytes: 100 is too small: a signed command with its certificates needs more. Write a size in bytes of 512 or more.
                            broken-security.yaml:11: security.commands.maxWindow: '0s' is not a positive duration. Write a number above zero with a unit: 20ms, 2s, 5m or 1h.
                            broken-security.yaml:12: security.commands.clockSkew: '-5s' is not a duration. Write a number with a unit: 20ms, 2s, 5m or 1h.
                            broken-security.yaml:15: security.commands.roles.write-tag: tag writes are allowed per tag, by the tag's 'writableBy' list. Remove 'write-tag' here and give each writable tag 'writableBy:' with its roles.
                            broken-security.yaml:16: security.commands.roles.reboot: unknown key 'reboot'. Remove it, or use one of: switchover, start-drill, waive-posture, rearm.
                            broken-security.yaml:17: security.commands.roles.start_drill: unknown key 'start_drill'. Did you mean 'start-drill'?
                            broken-security.yaml:23: pairs[0].controllers[0].modbus.insecure: 'yes' is not a boolean. Write true or false.""".formatted(pki, fix, pki, fix, pki));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "keystorePassword: hunter2-Secret",
                    "keystorePassword: {value: hunter2-Secret}",
                    "keystorePassword:\n    password: hunter2-Secret"
                })
        void aPasswordWrittenInTheFileIsRefusedWithoutQuotingIt(String line) {
            String key = line.contains("value")
                    ? "security.keystorePassword.value"
                    : line.contains("password:") ? "security.keystorePassword.password" : "security.keystorePassword";
            int lineNumber = line.contains("\n") ? 8 : 7;

            ConfigException e = catchThrowableOfType(
                    ConfigException.class, () -> parseInFixtures(FILES + "  " + line + "\n" + MINIMAL_PAIRS));

            assertThat(e)
                    .hasMessage("test.yaml:" + lineNumber + ": " + key + ": passwords are read from a file or the"
                            + " environment only, never from this file. Write {file: secrets/keystore.pw} or {env:"
                            + " GATEWAY_KEYSTORE_PASSWORD} (see docs/security.md).");
            assertThat(e.getMessage()).doesNotContain("hunter2");
        }

        @Test
        void thePasswordNeedsAFileOrAnEnvironmentVariable() {
            assertThatThrownBy(() -> parseInFixtures(FILES + "  keystorePassword: {}\n" + MINIMAL_PAIRS))
                    .hasMessage("test.yaml:7: security.keystorePassword: neither 'file' nor 'env' is set. Write {file:"
                            + " secrets/keystore.pw} or {env: GATEWAY_KEYSTORE_PASSWORD} (see docs/security.md).");
            assertThatThrownBy(() -> parseInFixtures(FILES + "  keystorePassword: {env: 1PASSWORD}\n" + MINIMAL_PAIRS))
                    .hasMessage("test.yaml:7: security.keystorePassword.env: '1PASSWORD' is not an environment"
                            + " variable name. Use letters, digits and '_', not starting with a digit, e.g."
                            + " GATEWAY_KEYSTORE_PASSWORD.");
        }

        @Test
        void requiredKeysAreNamedWithTheirFix() {
            assertThatThrownBy(
                            () -> parseInFixtures("gateway: {name: gw}\nsecurity:\n  commands: {}\n" + MINIMAL_PAIRS))
                    .hasMessage("""
                            test.yaml:2: security.caCertificates: required key is missing. Add 'caCertificates: pki/ca-chain.pem', the plant's CA certificates.
                            test.yaml:2: security.crl: required key is missing. Add 'crl: pki/crl.pem', the revocation lists published with 'certs crl'.
                            test.yaml:2: security.keystore: required key is missing. Add 'keystore: pki/gateway.p12', the gateway's key store issued with 'certs issue --kind gateway'.
                            test.yaml:2: security.keystorePassword: required key is missing. Add 'keystorePassword:', where the key store's password is read from. Write {file: secrets/keystore.pw} or {env: GATEWAY_KEYSTORE_PASSWORD} (see docs/security.md).
                            test.yaml:2: security.stateDirectory: required key is missing. Add 'stateDirectory: state', the folder where the gateway keeps its replay store.""");
        }

        @Test
        void aZeroClockSkewIsAllowedAndActionsLeftOutKeepTheirDefaultRoles() throws Exception {
            GatewayConfig config = parseInFixtures(FILES + """
                      keystorePassword: {env: GATEWAY_KEYSTORE_PASSWORD}
                      commands:
                        clockSkew: 0s
                        roles:
                          switchover: [supervisor]
                    """ + MINIMAL_PAIRS);

            CommandPolicy commands = config.security().commands();
            assertThat(commands.clockSkew()).isZero();
            assertThat(commands.maxWindow()).isEqualTo(Duration.ofMinutes(5));
            assertThat(commands.maxEnvelopeBytes()).isEqualTo(16384);
            assertThat(commands.rolesFor(CommandAction.SWITCHOVER)).containsExactly("supervisor");
            assertThat(commands.rolesFor(CommandAction.START_DRILL)).containsExactly("engineer");
        }

        @Test
        void theSecurityFilesResolveAgainstTheConfigFolder() throws Exception {
            GatewayConfig config =
                    parseInFixtures(FILES + "  keystorePassword: {file: ../secrets/keystore.pw}\n" + MINIMAL_PAIRS);

            SecurityConfig security = config.security();
            assertThat(security.caCertificates()).isEqualTo(FIXTURES.resolve("pki/ca-chain.placeholder"));
            assertThat(security.stateDirectory()).isEqualTo(FIXTURES.resolve("state"));
            assertThat(security.keystorePassword())
                    .isEqualTo(Secret.fromFile(FIXTURES.resolveSibling("secrets/keystore.pw")));
        }

        @Test
        void secureControllersDefaultToPort802AndInsecureOnesTo502() throws Exception {
            GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + """
                    pairs:
                      - name: tank-1
                        controllers:
                          - id: plc-a
                            preferredRole: primary
                            modbus: {host: 10.0.0.11}
                          - id: plc-b
                            preferredRole: standby
                            modbus: {host: 10.0.0.12, insecure: true}
                    """);

            List<ControllerConfig> controllers = config.pairs().get(0).controllers();
            assertThat(controllers.get(0).modbus()).isEqualTo(new ModbusEndpoint("10.0.0.11", 802, 1, false));
            assertThat(controllers.get(1).modbus()).isEqualTo(new ModbusEndpoint("10.0.0.12", 502, 1, true));
            assertThat(controllers.get(0).modbus()).hasToString("modbus-tcp://10.0.0.11:802/1");
            assertThat(controllers.get(1).modbus())
                    .hasToString("modbus-tcp://10.0.0.12:502/1 (INSECURE plain Modbus TCP)");
        }

        @Test
        void anInsecureControllerKeepsAnExplicitPort() throws Exception {
            GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + """
                    pairs:
                      - name: tank-1
                        controllers:
                          - id: plc-a
                            preferredRole: primary
                            modbus: {host: 10.0.0.11, port: 5020, insecure: true}
                          - id: plc-b
                            preferredRole: standby
                            modbus: {host: 10.0.0.12, port: 5021, insecure: false}
                    """);

            List<ControllerConfig> controllers = config.pairs().get(0).controllers();
            assertThat(controllers.get(0).modbus()).isEqualTo(new ModbusEndpoint("10.0.0.11", 5020, 1, true));
            assertThat(controllers.get(1).modbus()).isEqualTo(new ModbusEndpoint("10.0.0.12", 5021, 1, false));
        }
    }

    /** The records refuse what the loader reports, so a config built in code obeys the same rules. */
    @Nested
    class Records {

        private final FailoverPolicy policy = FailoverPolicy.defaults();

        private List<ControllerConfig> relayFenced(int pinA, int pinB) {
            return List.of(
                    new ControllerConfig(
                            "plc-a",
                            PreferredRole.PRIMARY,
                            new ModbusEndpoint("127.0.0.1", 502, 1),
                            new FenceConfig.Relay(pinA, pinA + 1)),
                    new ControllerConfig(
                            "plc-b",
                            PreferredRole.STANDBY,
                            new ModbusEndpoint("127.0.0.2", 502, 1),
                            new FenceConfig.Relay(pinB, pinB + 1)));
        }

        @Test
        void aRelayFenceWithoutABoxIsRefused() {
            assertThatThrownBy(() -> new PairConfig(
                            "tank-1", relayFenced(5, 13), StatusRegisters.defaults(), List.of(), policy, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pair tank-1 has a relay fence but no box to drive it");
        }

        @Test
        void aBoxTheHardwareModuleRefusesIsRefused() {
            BoxConfig ledOnACoil = new BoxConfig(5, 20, 21, 26, null, null);

            assertThatThrownBy(() -> new PairConfig(
                            "tank-1", relayFenced(5, 13), StatusRegisters.defaults(), List.of(), policy, ledOnACoil))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leds.green uses BCM 5, already used by relays.plc-a.coil");
        }

        @Test
        void aModbusEndpointIsSecureUnlessSaidOtherwise() {
            assertThat(new ModbusEndpoint("10.0.0.11", 802, 1))
                    .isEqualTo(new ModbusEndpoint("10.0.0.11", 802, 1, false));
            assertThat(ModbusEndpoint.defaultPort(false)).isEqualTo(802);
            assertThat(ModbusEndpoint.defaultPort(true)).isEqualTo(502);
        }

        @Test
        void aConfigBuiltWithoutSecurityHasNone() {
            GatewayConfig config = new GatewayConfig(
                    Path.of("test.yaml"),
                    "gw",
                    "127.0.0.1",
                    0,
                    null,
                    List.of(new PairConfig(
                            "tank-1", relayFenced(5, 13), StatusRegisters.defaults(), List.of(), policy, box())));

            assertThat(config.security()).isNull();
        }

        @Test
        void securityNeedsEveryPart() {
            Path file = Path.of("x");
            Secret env = Secret.fromEnvironment("GATEWAY_KEYSTORE_PASSWORD");

            assertThatThrownBy(() -> new SecurityConfig(file, file, file, env, file, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("commands");
            assertThatThrownBy(() -> new SecurityConfig(file, file, file, null, file, CommandPolicy.defaults()))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("keystorePassword");
        }

        private BoxConfig box() {
            return new BoxConfig(16, 20, 21, 26, null, null);
        }

        @Test
        void aBoxWithoutADurationTakesTheHardwareDefaults() {
            assertThat(new BoxConfig(16, 20, 21, 26, null, null))
                    .isEqualTo(new BoxConfig(16, 20, 21, 26, Duration.ofMillis(50), Duration.ofMillis(100)));
        }
    }

    static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Path.of("test.yaml"));
    }

    /** Parses as if the text were the file test.yaml next to the fixtures, so relative paths find pki/. */
    static GatewayConfig parseInFixtures(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, FIXTURES.resolve("test.yaml"));
    }

    /** The full message of the ConfigException that loading the fixture throws. */
    static String problemsOf(String name) {
        Path file = fixture(name);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("%s must not load", name).isNotNull();
        return e.getMessage();
    }

    static Path fixture(String name) {
        URL url = Objects.requireNonNull(ConfigLoaderTest.class.getResource("/config/" + name), name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
