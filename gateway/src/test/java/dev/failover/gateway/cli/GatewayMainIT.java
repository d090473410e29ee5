package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.bench.SimPair;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.control.GatewayClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway command line: exit codes, messages, and the control endpoint of a running gateway. */
@Timeout(60)
class GatewayMainIT {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return GatewayMain.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String fixture(String name) throws URISyntaxException {
        return Path.of(GatewayMainIT.class.getResource("/config/" + name).toURI())
                .toString();
    }

    @Test
    void checkConfigAcceptsAValidFile() throws Exception {
        assertThat(run("check-config", fixture("full.yaml"))).isZero();
        assertThat(out()).endsWith("full.yaml: valid, 2 pair(s)\n");
    }

    @Test
    void checkConfigExitsTwoAndNamesEveryProblemOfAnInvalidFile() throws Exception {
        assertThat(run("check-config", fixture("broken-duration.yaml"))).isEqualTo(2);
        assertThat(err()).startsWith("error: invalid configuration\n").contains("broken-duration.yaml:");
    }

    @Test
    void runWithAnInvalidFileStartsNothingAndExitsTwo() throws Exception {
        assertThat(run("run", "--config", fixture("broken-duration.yaml"))).isEqualTo(2);
        assertThat(err()).contains("is not a duration");
    }

    @Test
    void usageErrorsExitTwoWithTheReason() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).startsWith("error: unknown command 'frobnicate'\n");
        assertThat(run("status", "--colour")).isEqualTo(2);
        assertThat(err()).startsWith("error: unknown option --colour\n");
        assertThat(run("switchover")).isEqualTo(2);
        assertThat(err()).startsWith("error: option --pair is required\n");
        assertThat(run("benchmark", "--faults", "many")).isEqualTo(2);
        assertThat(err()).startsWith("error: --faults must be a whole number, got 'many'\n");
        assertThat(run("benchmark", "--soak", "60")).isEqualTo(2);
        assertThat(err()).startsWith("error: --soak must be a whole number with a unit");
        assertThat(run("benchmark", "--sections", "unloaded,cold")).isEqualTo(2);
        assertThat(err())
                .startsWith(
                        "error: --sections: unknown section 'cold'; the sections are unloaded,starvation,soak,fast\n");
        assertThat(run("status", "--control", "nowhere")).isEqualTo(2);
    }

    @Test
    void anUnreachableGatewayIsARuntimeFailure() {
        assertThat(run("status", "--control", "127.0.0.1:1")).isEqualTo(3);
        assertThat(err()).startsWith("error: cannot reach the gateway at 127.0.0.1:1");
    }

    @Test
    void statusTalksToARunningGatewayAndAnUnsecuredGatewayRefusesCommands() throws Exception {
        try (SimPair pair = SimPair.start(FailoverPolicy.defaults(), true, e -> {})) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pair.protectedWith(SimPair.A));
            String control = "127.0.0.1:" + pair.gateway().controlPort();

            assertThat(run("status", "--control", control)).isZero();
            assertThat(out())
                    .startsWith("pair tank-1: PROTECTED, active plc-a, 0 switchover(s)")
                    .contains("plc-a    primary  ACTIVE   HEALTHY")
                    .contains("plc-b    standby  STANDBY  HEALTHY")
                    .contains("alarms: none")
                    .containsPattern(
                            "gateway: \\d+ pause\\(s\\) since start, \\d+ collection\\(s\\) over the tolerance, p99 lateness [\\d.]+ ms, worst [\\d.]+ ms");

            assertThat(run("status", "--json", "--control", control)).isZero();
            assertThat(out()).contains("\"state\" : \"PROTECTED\"").contains("Modbus TCP (plaintext, INSECURE)");

            ObjectNode submit =
                    new ObjectMapper().createObjectNode().put("op", "submit").put("envelope", "AAAA");
            JsonNode answer =
                    GatewayClient.call("127.0.0.1", pair.gateway().controlPort(), submit, Duration.ofSeconds(5));
            assertThat(answer.path("ok").asBoolean()).isFalse();
            assertThat(answer.path("error").asText()).startsWith("this gateway takes no commands");

            ObjectNode huge =
                    new ObjectMapper().createObjectNode().put("op", "status").put("pad", "x".repeat(70_000));
            JsonNode refused =
                    GatewayClient.call("127.0.0.1", pair.gateway().controlPort(), huge, Duration.ofSeconds(5));
            assertThat(refused.path("code").asText()).isEqualTo("OVERSIZED");
            assertThat(refused.path("error").asText()).startsWith("request too large: ");
            assertThat(pair.status().activeId()).isEqualTo(SimPair.A);
        }
    }

    @Test
    void signedCommandsNeedAnOperatorIdentityWhosePasswordIsNotAnArgument() {
        assertThat(run(
                        "switchover",
                        "--pair",
                        "tank-1",
                        "--identity",
                        "op.p12",
                        "--pki",
                        "pki",
                        "--identity-password-env",
                        "SURELY_NOT_SET_9F3A"))
                .isEqualTo(2);
        assertThat(err())
                .startsWith("error: the keystore password is read from the environment variable "
                        + "SURELY_NOT_SET_9F3A (or --identity-password-file FILE); it is not set\n");
        assertThat(run("write", "--pair", "tank-1", "--tag", "t", "--value", "1", "--password", "secret"))
                .isEqualTo(2);
        assertThat(err()).startsWith("error: unknown option --password\n");
    }
}
