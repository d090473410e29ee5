package dev.failover.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.posture.ControllerPosture;
import dev.failover.gateway.posture.Finding;
import dev.failover.gateway.posture.PostureStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The posture section of the status answer: every probed field, written as JSON (times as ISO-8601). */
class StatusJsonPostureTest {

    @Test
    void aPairInDriftShowsTheDifferencesAndEachControllersFields() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ControllerPosture b = new ControllerPosture(
                "plc-b",
                Instant.parse("2026-12-07T08:00:00Z"),
                List.of("TLSv1.3", "TLSv1.2"),
                List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
                new ControllerPosture.Certificate(
                        "CN=plc-b", "CN=Plant CA", Instant.parse("2027-12-07T08:00:00Z"), "EC 256", 128, "ab"),
                false,
                new ControllerPosture.Identity("plc-b", "tank-pi 1", "plc-sim 0.1.0", "00ff"),
                List.of(),
                412);
        Finding weak = new Finding("cipherSuites", Finding.Kind.WEAKER, "accepts 1 weak cipher suite(s)");
        PostureStatus status = new PostureStatus(
                Map.of("plc-b", b),
                Map.of("plc-b", List.of(new Finding("cipherSuites", Finding.Kind.VIOLATION, "accepts 1"))),
                "plc-a",
                "plc-b",
                List.of(weak));

        JsonNode node = json.readTree(json.writeValueAsString(StatusJson.posture(json, status)));

        assertThat(node.path("verdict").asText()).isEqualTo("drift");
        assertThat(node.path("drift").get(0).asText()).isEqualTo("cipherSuites: accepts 1 weak cipher suite(s)");
        JsonNode c = node.path("controllers").path("plc-b");
        assertThat(c.path("probeMs").asLong()).isEqualTo(412);
        assertThat(c.path("certificate").path("notAfter").asText()).isEqualTo("2027-12-07T08:00:00Z");
        assertThat(c.path("weakSuites").get(0).asText()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        assertThat(c.path("identity").path("firmware").asText()).isEqualTo("plc-sim 0.1.0");
        assertThat(c.path("baseline").get(0).asText()).isEqualTo("VIOLATION cipherSuites: accepts 1");

        com.fasterxml.jackson.databind.node.ObjectNode pair =
                json.createObjectNode().put("pair", "tank-1");
        pair.set("posture", node);
        assertThat(dev.failover.gateway.cli.StatusText.render(pair))
                .contains("  posture: STANDBY plc-b LESS SECURE\n")
                .contains("    cipherSuites: accepts 1 weak cipher suite(s)\n")
                .contains("    plc-b VIOLATION cipherSuites: accepts 1\n");
    }
}
