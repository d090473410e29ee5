package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.control.GatewayClient;
import dev.failover.gateway.events.SecurityDetail;
import dev.failover.testkit.SimPair;
import dev.failover.testkit.SimulatedPairExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway command line against a running gateway on the simulated pair: status, and an unsecured gateway refusing commands. */
@Timeout(60)
@ExtendWith(SimulatedPairExtension.class)
class GatewayStatusCommandIT {

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

    @Test
    void statusTalksToARunningGatewayAndAnUnsecuredGatewayRefusesCommands(
            SimPair pair, SimulatedPairExtension.Events events) throws Exception {
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

        // --name=value as well as --name value; --pair asks for one pair, and a pair the gateway
        // does not have is the gateway's refusal (exit 1), not a usage error.
        assertThat(run("status", "--control=" + control, "--pair=" + SimPair.PAIR))
                .isZero();
        assertThat(out()).startsWith("pair tank-1: PROTECTED");
        assertThat(run("status", "--control=" + control, "--pair=tank-9")).isEqualTo(1);
        assertThat(err()).startsWith("error: no pair named 'tank-9'");

        ObjectNode submit =
                new ObjectMapper().createObjectNode().put("op", "submit").put("envelope", "AAAA");
        JsonNode answer = GatewayClient.call("127.0.0.1", pair.gateway().controlPort(), submit, Duration.ofSeconds(5));
        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").asText()).startsWith("this gateway takes no commands");

        ObjectNode huge =
                new ObjectMapper().createObjectNode().put("op", "status").put("pad", "x".repeat(70_000));
        JsonNode refused = GatewayClient.call("127.0.0.1", pair.gateway().controlPort(), huge, Duration.ofSeconds(5));
        assertThat(refused.path("code").asText()).isEqualTo("OVERSIZED");
        assertThat(refused.path("error").asText()).startsWith("request too large: ");
        assertThat(pair.status().activeId()).isEqualTo(SimPair.A);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events.of(SecurityDetail.ControlRefused.class))
                        .as("the oversized request is an event with its size")
                        .anySatisfy(e -> {
                            assertThat(e.reason()).isEqualTo("OVERSIZED");
                            assertThat(e.size()).isGreaterThan(65_536L);
                        }));
    }
}
