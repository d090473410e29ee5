package dev.failover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.cli.OperatorIdentity;
import dev.failover.gateway.cli.StatusText;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.control.GatewayClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** The bench's operators signing commands and submitting them to the gateway over TLS. */
final class Operators {

    private final BenchPki pki;
    private final int controlPort;

    Operators(BenchPki pki, int controlPort) {
        this.pki = pki;
        this.controlPort = controlPort;
    }

    String write(String operator, double percent) throws IOException {
        return submit(operator, CommandAction.WRITE_TAG, Map.of("tag", "level_setpoint", "value", percent));
    }

    String switchover(String operator) throws IOException {
        return submit(operator, CommandAction.SWITCHOVER, Map.of("reason", "bench demo"));
    }

    /** Signs and submits; returns the gateway's answer as one line, outcome first. */
    private String submit(String operator, CommandAction action, Map<String, Object> args) throws IOException {
        char[] password = Files.readString(pki.keystorePasswordFile(), StandardCharsets.UTF_8)
                .strip()
                .toCharArray();
        OperatorIdentity identity =
                OperatorIdentity.open(pki.keystore(operator), pki.pkiDir(), password, Clock.systemUTC());
        byte[] envelope = identity.sign("tank-1", action, args);
        JsonNode answer = GatewayClient.call(
                identity.tls(),
                "127.0.0.1",
                controlPort,
                new ObjectMapper()
                        .createObjectNode()
                        .put("op", "submit")
                        .put("envelope", Base64.getEncoder().encodeToString(envelope)),
                Duration.ofSeconds(20));
        if (!answer.has("outcome")) {
            return "ERROR " + answer.path("error").asText();
        }
        return StatusText.commandResult(answer);
    }
}
