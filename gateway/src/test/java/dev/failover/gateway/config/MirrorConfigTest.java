package dev.failover.gateway.config;

import static dev.failover.gateway.config.ConfigLoaderTest.FIXTURES;
import static dev.failover.gateway.config.ConfigLoaderTest.MINIMAL_PAIRS;
import static dev.failover.gateway.config.ConfigLoaderTest.SECURITY;
import static dev.failover.gateway.config.ConfigLoaderTest.fixture;
import static dev.failover.gateway.config.ConfigLoaderTest.parse;
import static dev.failover.gateway.config.ConfigLoaderTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.config.TagConfig.TagType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The state mirror's configuration: a pair's {@code mirror:} section, a tag's {@code maxRate}, and
 * the rule that a mirrored tag is never part of the status block (the mirror writes every mirrored
 * tag on the standby, and writing the active's role there would promote it). As in {@link
 * ConfigLoaderTest}, the full error text is asserted: it is the operator's interface.
 */
class MirrorConfigTest {

    @Nested
    class ValidFiles {

        @Test
        void theFullFileSetsThePeriodAndTheRate() throws Exception {
            GatewayConfig config = ConfigLoader.load(fixture("full.yaml"));

            PairConfig tank = config.pairs().get(0);
            assertThat(tank.mirror()).isEqualTo(new MirrorPolicy(Duration.ofMillis(200)));
            assertThat(tank.tags().get(0).maxRate()).isEqualTo(2.5);
            assertThat(tank.tags().get(0).hasMaxRate()).isTrue();
            assertThat(tank.tags().get(1).hasMaxRate()).isFalse();
        }

        @Test
        void theDefaultPeriodIs100MillisecondsOrThePollPeriodIfThatIsLonger() throws Exception {
            // pump.station_2 polls every second and has no mirror section.
            GatewayConfig full = ConfigLoader.load(fixture("full.yaml"));
            GatewayConfig minimal = ConfigLoader.load(fixture("minimal.yaml"));

            assertThat(minimal.pairs().get(0).mirror()).isEqualTo(new MirrorPolicy(Duration.ofMillis(100)));
            assertThat(full.pairs().get(1).mirror()).isEqualTo(new MirrorPolicy(Duration.ofSeconds(1)));
        }

        @Test
        void aMirroredTagWithoutMaxRateHasNoRateLimit() throws Exception {
            GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + """
                        tags:
                          - name: level_setpoint
                            address: 20
                            mirrored: true
                        mirror:
                          period: 20ms
                    """);

            PairConfig pair = config.pairs().get(0);
            assertThat(pair.tags())
                    .containsExactly(new TagConfig(
                            "level_setpoint",
                            20,
                            TagType.UINT16,
                            1,
                            "",
                            -1e9,
                            1e9,
                            true,
                            List.of(),
                            null,
                            TagConfig.NO_RATE_LIMIT));
            assertThat(pair.mirror().period()).isEqualTo(Duration.ofMillis(20));
        }

        @Test
        void aSetpointOperatorsWriteIsChangedOnlyByTheGatewayUnlessTheProgramMayChangeItToo() throws Exception {
            GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + """
                        tags:
                          - {name: level_setpoint, address: 20, mirrored: true, writableBy: [operator]}
                          - {name: trim, address: 21, mirrored: true, writableBy: [operator], changedBy: program}
                          - {name: level, address: 22, mirrored: true}
                          - {name: dose, address: 23, mirrored: true, changedBy: gateway}
                    """);

            assertThat(config.pairs().get(0).tags())
                    .extracting(TagConfig::changedBy)
                    .containsExactly(
                            TagConfig.ChangedBy.GATEWAY,
                            TagConfig.ChangedBy.PROGRAM,
                            TagConfig.ChangedBy.PROGRAM,
                            TagConfig.ChangedBy.GATEWAY);
        }

        @Test
        void anEmptyMirrorSectionMeansTheDefault() throws Exception {
            GatewayConfig config = parse("gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + "    mirror:\n");

            assertThat(config.pairs().get(0).mirror()).isEqualTo(new MirrorPolicy(Duration.ofMillis(100)));
        }
    }

    @Nested
    class BrokenFiles {

        @Test
        void rateAndPeriodProblemsNameTheKeyAndTheFix() {
            assertThat(problemsOf("broken-mirror.yaml")).isEqualTo("""
                    broken-mirror.yaml:16: pairs[0].tags[0].maxRate: 0 is not a positive rate: every change would be rejected. Write the largest change per second the value may make, in the tag's unit, e.g. 2.
                    broken-mirror.yaml:19: pairs[0].tags[1].maxRate: 'level' is not mirrored, and a rate is checked only on mirrored values. Add 'mirrored: true', or remove maxRate.
                    broken-mirror.yaml:23: pairs[0].tags[2].mirrored: tag 'role_copy' (registers 1-2) holds the status registers status at 1 and role at 2, which the mirror would write on the standby. Write 'mirrored: false', or move the tag off the status block.
                    broken-mirror.yaml:27: pairs[0].tags[3].maxRate: 'fast' is not a number. Write a decimal number such as 0.01, -40 or 1e6.
                    broken-mirror.yaml:29: pairs[0].mirror.period: 10ms is shorter than failover.pollPeriod (20ms, the default). Make the mirror period at least the poll period: the mirror acts on the controllers' health, which changes once a poll.
                    broken-mirror.yaml:42: pairs[1].mirror.period: 40ms is shorter than failover.pollPeriod (50ms). Make the mirror period at least the poll period: the mirror acts on the controllers' health, which changes once a poll.
                    broken-mirror.yaml:43: pairs[1].mirror.every: unknown key 'every'. Remove it, or use one of: period.""");
        }

        @Test
        void changedByIsForMirroredTagsAndNamesItsChoices() {
            String yaml = "gateway: {name: gw}\n" + SECURITY + MINIMAL_PAIRS + """
                        tags:
                          - {name: level, address: 20, changedBy: program}
                          - {name: trim, address: 21, mirrored: true, changedBy: hmi}
                    """;

            assertThatThrownBy(() -> parse(yaml))
                    .hasMessage("test.yaml:18: pairs[0].tags[0].changedBy: 'level' is not mirrored, and who changed a"
                            + " value is checked only on mirrored values. Add 'mirrored: true', or remove changedBy.\n"
                            + "test.yaml:19: pairs[0].tags[1].changedBy: 'hmi' is not who may change the value."
                            + " Write gateway or program.");
        }

        @Test
        void aMirroredTagMustNotBeAStatusNode() {
            String yaml = "gateway: {name: gw}\n" + SECURITY
                    + """
                      opcua:
                        keystore: '%s'
                        keystorePassword: {env: GATEWAY_UA_PASSWORD}
                        userKeystore: '%s'
                        userKeystorePassword: {env: GATEWAY_UA_USER_PASSWORD}
                    pairs:
                      - name: tank-1
                        controllers:
                          - id: plc-a
                            preferredRole: primary
                            opcua: {endpoint: 'opc.tcp://10.0.0.11:4840/plc'}
                          - id: plc-b
                            preferredRole: standby
                            opcua: {endpoint: 'opc.tcp://10.0.0.12:4840/plc'}
                        tags:
                          - name: role
                            node: nsu=urn:dev.failover:plc-sim;s=Status/ROLE
                            mirrored: true
                    """.formatted(
                                    FIXTURES.resolve("pki/gateway-ua.placeholder"),
                                    FIXTURES.resolve("pki/gateway-ua-user.placeholder"));

            assertThatThrownBy(() -> parse(yaml))
                    .hasMessage("test.yaml:25: pairs[0].tags[0].mirrored: tag 'role' is the status node"
                            + " nsu=urn:dev.failover:plc-sim;s=Status/ROLE, which the mirror would write on the"
                            + " standby. Write 'mirrored: false', or give the tag another node.");
        }
    }

    @Nested
    class Records {

        @Test
        void aMirrorPeriodShorterThanThePollPeriodIsRefused() throws Exception {
            PairConfig valid = minimalPair();

            assertThatThrownBy(() -> new PairConfig(
                            valid.name(),
                            valid.controllers(),
                            valid.registers(),
                            valid.nodes(),
                            valid.tags(),
                            valid.failover(),
                            new MirrorPolicy(Duration.ofMillis(10)),
                            null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the mirror period PT0.01S of pair tank-1 is shorter than its poll period PT0.02S");
        }

        @Test
        void aMirroredTagMustNotHoldAStatusRegister() throws Exception {
            PairConfig valid = minimalPair();
            TagConfig role = new TagConfig("role", 2, TagType.UINT16, 1, "", 0, 2, true, List.of());

            assertThatThrownBy(() -> new PairConfig(
                            valid.name(),
                            valid.controllers(),
                            valid.registers(),
                            List.of(role),
                            valid.failover(),
                            null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("mirrored tag role is a status register");
        }

        @Test
        void maxRateIsPositiveAndOnlyOnAMirroredTag() {
            assertThatThrownBy(
                            () -> new TagConfig("level", 10, TagType.UINT16, 1, "", 0, 100, true, List.of(), null, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxRate 0.0 of tag level is not positive");
            assertThatThrownBy(() -> new TagConfig(
                            "level", 10, TagType.UINT16, 1, "", 0, 100, true, List.of(), null, Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(
                            () -> new TagConfig("level", 10, TagType.UINT16, 1, "", 0, 100, false, List.of(), null, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tag level has a maxRate but is not mirrored");
        }
    }

    private static PairConfig minimalPair() throws ConfigException {
        return ConfigLoader.load(fixture("minimal.yaml")).pairs().get(0);
    }
}
