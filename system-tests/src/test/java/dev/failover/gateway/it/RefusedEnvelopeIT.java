package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.Identity;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.command.cms.Envelopes;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.failover.PairState;
import dev.failover.testkit.SimPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refused envelopes over the real command endpoint (TLS, a running gateway and pair): crafted ones
 * and bit-flipped ones are answered with their reason code, never with an error, and each is one
 * {@code COMMAND_REJECTED} event. Before the strict decoder, about one bit flip in 25 made
 * BouncyCastle throw past the guard: "could not process the request", a stack trace, no event.
 */
@Timeout(120)
class RefusedEnvelopeIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static IssuedCertificate alice;
    private static SSLContext aliceTls;

    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private SimPair pair;

    @BeforeAll
    static void issue() throws Exception {
        pki = TestPki.create(dir);
        alice = pki.operator("alice", "operator");
        aliceTls = pki.tlsContext(alice);
    }

    @BeforeEach
    void start(@TempDir Path state) throws Exception {
        pair = SimPair.startSecure(FailoverPolicy.defaults(), false, events::add, pki, state);
        await().atMost(WAIT).until(() -> pair.status().state() == PairState.PROTECTED);
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private JsonNode submit(byte[] envelope) throws Exception {
        return dev.failover.gateway.control.GatewayClient.call(
                aliceTls,
                "127.0.0.1",
                pair.gateway().controlPort(),
                new ObjectMapper()
                        .createObjectNode()
                        .put("op", "submit")
                        .put("envelope", Base64.getEncoder().encodeToString(envelope)),
                Duration.ofSeconds(20));
    }

    private static byte[] write(Object value) {
        Instant now = Instant.now();
        return new Command(
                        UUID.randomUUID().toString(),
                        now,
                        now.plusSeconds(60),
                        SimPair.PAIR,
                        CommandAction.WRITE_TAG,
                        Map.of("tag", "level_setpoint", "value", value))
                .canonicalJson();
    }

    /**
     * Refusals per reason as the events tell them: one COMMAND_REJECTED event each, or, for the reasons
     * found before the signer is known (which anyone can send), the first as an event and its repeats
     * counted in an EVENTS_REPEATED summary.
     */
    private Map<String, Integer> rejectedPerReason() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (GatewayEvent e : List.copyOf(events)) {
            if (e.type().equals("COMMAND_REJECTED")) {
                counts.merge(String.valueOf(e.fields().get("reason")), 1, Integer::sum);
            } else if (e.type().equals("EVENTS_REPEATED")
                    && "COMMAND_REJECTED".equals(e.fields().get("repeatedType"))) {
                counts.merge(
                        String.valueOf(e.fields().get("reason")),
                        (Integer) e.fields().get("repeats"),
                        Integer::sum);
            }
        }
        return counts;
    }

    private static Map<String, Integer> perReason(List<String> codes) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        codes.forEach(code -> counts.merge(code, 1, Integer::sum));
        return counts;
    }

    @Test
    void craftedAndBitFlippedEnvelopesAreAnsweredWithTheirReasonAndAnEvent() throws Exception {
        Identity id = pki.identity(alice);
        String json = new String(write(50), StandardCharsets.UTF_8);
        Map<String, byte[]> crafted = new LinkedHashMap<>();
        crafted.put("UNSUPPORTED_ALGORITHM", Envelopes.signedWith(write(50), id, "SHA1withECDSA"));
        crafted.put("MALFORMED", Envelopes.ber(write(50), id));
        crafted.put(
                "UNKNOWN_ARGUMENT",
                CmsEnvelope.sign(
                        json.replace("\"value\":50}", "\"value\":50,\"value\":90}")
                                .getBytes(StandardCharsets.UTF_8),
                        id.privateKey(),
                        id.chain()));
        List<String> answers = new ArrayList<>();
        for (Map.Entry<String, byte[]> c : crafted.entrySet()) {
            JsonNode answer = submit(c.getValue());
            assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("REJECTED");
            assertThat(answer.path("code").asText()).as(answer.toString()).isEqualTo(c.getKey());
            answers.add(answer.path("code").asText());
        }
        byte[] valid = CmsEnvelope.sign(write(50), id.privateKey(), id.chain());
        // Every 11th byte, a different bit each time: a sample of the corpus that EnvelopeCorpusTest runs in full.
        for (int position = 0; position < valid.length; position += 11) {
            byte[] mutant = valid.clone();
            mutant[position] ^= (byte) (1 << (position % 8));
            JsonNode answer = submit(mutant);
            assertThat(answer.path("outcome").asText())
                    .as("byte " + position + ": " + answer)
                    .isEqualTo("REJECTED");
            assertThat(answer.path("code").asText())
                    .isIn(Set.of("MALFORMED", "UNSUPPORTED_ALGORITHM", "BAD_SIGNATURE", "UNKNOWN_CA"));
            answers.add(answer.path("code").asText());
        }

        assertThat(events).noneMatch(e -> e.type().equals("COMMAND_ACCEPTED"));
        // The valid envelope itself still runs.
        assertThat(submit(valid).path("outcome").asText()).isEqualTo("DONE");

        // A flood of garbage is summarised, not lost: closing the gateway publishes the open summaries.
        pair.close();
        pair = null;
        assertThat(rejectedPerReason()).isEqualTo(perReason(answers));
        assertThat(events.stream()
                        .filter(e -> e.type().equals("COMMAND_REJECTED"))
                        .count())
                .as("repeats summarised, not one event each")
                .isLessThan(answers.size());
    }
}
