package dev.failover.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.TestPki;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.command.CommandService;
import dev.failover.gateway.command.RejectReason;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.control.ControlServer;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.journal.CommandJournal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the control endpoint's request parsing over real TLS connections with an operator's client
 * certificate: mutated JSON request lines (status, submit, unknown operations, garbage; in the second
 * test, submit requests with signed commands the guard refuses) each get exactly one answer line, a JSON object that says what was wrong (an error, or a reason
 * code from the command guard); no request makes the endpoint fail internally, and nothing is
 * written to the replay store or the command journal.
 */
class ControlEndpointFuzzIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final List<byte[]> JSON_TOKENS = Mutator.utf8(
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            "null",
            "true",
            "-0",
            "1e999",
            "\\u0000",
            "\\ud800",
            "\\\"",
            "\"op\":",
            "\"submit\"",
            "\"status\"",
            "\"envelope\":",
            "\"pair\":",
            "=",
            "+/",
            "\r",
            "\u00e9",
            "\u2028",
            "\ufeff");

    @TempDir
    Path dir;

    @Test
    void everyRequestGetsOneAnswerThatSaysWhatWasWrongAndNothingIsWritten() throws Exception {
        fuzz("control", 20261213L, fixture -> List.of());
    }

    /**
     * The same with submit requests that carry signed commands, which the guard refuses for different
     * reasons, as the start of the mutations. Before the strict envelope decoder, mutated envelopes made
     * BouncyCastle throw out of CmsEnvelope.open and the endpoint answered "the gateway could not
     * process the request" (about 5 requests in 1,500).
     */
    @Test
    void everySubmittedCommandGetsOneAnswerWithAReasonCode() throws Exception {
        fuzz("control-submit", 20261214L, fixture -> fixture.envelopes(false));
    }

    /** Which signed commands the corpus's submit requests carry. */
    @FunctionalInterface
    private interface Envelopes {
        List<byte[]> of(CommandFixture fixture) throws Exception;
    }

    private void fuzz(String name, long seed, Envelopes envelopes) throws Exception {
        try (CommandFixture fixture = CommandFixture.create(dir);
                CommandJournal journal =
                        CommandJournal.open(dir.resolve("state").resolve("journal"), fixture.clock())) {
            TestPki pki = fixture.pki();
            AtomicInteger rejectedEvents = new AtomicInteger();
            CommandService commands = new CommandService(
                    fixture.guard(),
                    List.of(),
                    journal,
                    event -> {
                        if (event.type().equals("COMMAND_REJECTED")) {
                            rejectedEvents.incrementAndGet();
                        }
                    },
                    fixture.clock());
            SSLContext operator = pki.tlsContext(pki.operator("olga", "operator"));
            try (RefusalReporter refusals =
                            new RefusalReporter(event -> {}, fixture.clock(), RefusalReporter.DEFAULT_INTERVAL);
                    ControlServer server = new ControlServer(
                            "127.0.0.1",
                            0,
                            GatewayConfig.DEFAULT_CONTROL_HANDSHAKE_TIMEOUT,
                            List.of(),
                            pki.tlsContext(pki.gateway("control-gw", "gateway")),
                            commands,
                            () -> null,
                            refusals)) {
                long nonces = Files.size(fixture.nonceFile());
                long journalBytes = Files.size(journal.file());
                AtomicInteger submits = new AtomicInteger();
                FuzzRun run = FuzzRun.of(name, seed, 1_000);
                Mutator requests = new Mutator(
                        run.seed(), corpus(envelopes.of(fixture)), JSON_TOKENS, Mutator.utf8("[", "{\"a\":"));

                run.run(requests, input -> {
                    String outcome = check(answer(operator, server.port(), input));
                    if (outcome.startsWith("REJECTED")) {
                        submits.incrementAndGet();
                    }
                    assertThat(Files.size(fixture.nonceFile()))
                            .as("replay store")
                            .isEqualTo(nonces);
                    assertThat(Files.size(journal.file())).as("command journal").isEqualTo(journalBytes);
                    return outcome;
                });
                assertThat(rejectedEvents)
                        .as("a COMMAND_REJECTED event per refused command")
                        .hasValue(submits.get());
            }
        }
    }

    /** The request lines mutations start from: each operation, refused commands, and some garbage. */
    private static List<byte[]> corpus(List<byte[]> envelopes) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "{\"op\":\"status\"}",
                "{\"op\":\"status\",\"pair\":\"tank-1\"}",
                "{\"op\":\"submit\",\"envelope\":\"\"}",
                "{\"op\":\"submit\",\"envelope\":\"AAAA\"}",
                "{\"op\":\"reboot\"}",
                "{}",
                "[]",
                "null"));
        for (byte[] envelope : envelopes) {
            lines.add(JSON.writeValueAsString(JSON.createObjectNode()
                    .put("op", "submit")
                    .put("envelope", Base64.getEncoder().encodeToString(envelope))));
        }
        return lines.stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Sends one request line (the input up to its first line feed) and reads the answer line. */
    private static String answer(SSLContext operator, int port, byte[] input) throws IOException {
        int end = 0;
        while (end < input.length && input[end] != '\n') {
            end++;
        }
        byte[] line = Arrays.copyOf(input, end + 1);
        line[end] = '\n';
        try (SSLSocket socket = TlsContexts.connect(operator, "127.0.0.1", port, TIMEOUT, true)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(line);
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }

    /** One JSON object: a refusal with a reason code of the guard, or an error saying what was wrong. */
    private static String check(String answer) throws IOException {
        assertThat(answer).as("answer line").isNotNull();
        JsonNode node = JSON.readTree(answer);
        assertThat(node.isObject()).as("answer %s is an object", answer).isTrue();
        assertThat(node.path("ok").isBoolean()).as("ok in %s", answer).isTrue();
        assertThat(node.path("ok").asBoolean()).as("ok in %s", answer).isFalse();
        if (node.has("outcome")) {
            assertThat(node.path("outcome").asText()).isEqualTo("REJECTED");
            assertThat(RejectReason.valueOf(node.path("code").asText())).isNotNull();
            assertThat(node.path("detail").asText()).isNotBlank().doesNotStartWith(CommandFixture.UNCHECKED);
            return "REJECTED " + node.path("code").asText();
        }
        String error = node.path("error").asText();
        assertThat(error).as("error in %s", answer).isNotBlank().doesNotStartWith("the gateway could not process");
        // The message up to what it quotes from the request: a label per kind of error.
        int cut = error.length();
        for (char c : new char[] {'\'', ':', '('}) {
            int at = error.indexOf(c);
            cut = at < 0 ? cut : Math.min(cut, at);
        }
        return "error: " + error.substring(0, cut).trim();
    }
}
