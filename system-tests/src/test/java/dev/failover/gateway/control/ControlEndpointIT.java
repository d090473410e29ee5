package dev.failover.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.PkiTrustManager;
import dev.failover.certs.TestPki;
import dev.failover.certs.TlsContexts;
import dev.failover.gateway.cli.GatewayMain;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.testkit.SimPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control endpoint's door over real TLS on 127.0.0.1 (issue 11): connections that say nothing
 * and handshakes without a plant certificate never lock an operator out, every refusal is an event
 * with its reason and peer, a flood of refusals gives a bounded number of events with the right
 * total, an oversized request gets an answer, and the CLI says "refused" with the reason rather than
 * "unreachable".
 */
@Timeout(120)
class ControlEndpointIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static IssuedCertificate alice;
    private static Path passwordFile;

    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private final List<Socket> silent = new ArrayList<>();
    private SimPair pair;

    @BeforeAll
    static void issue() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        alice = pki.operator("alice", "operator");
        passwordFile = dir.resolve("operator.pw");
        Files.writeString(passwordFile, new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
    }

    @BeforeEach
    void start(@TempDir Path state) throws Exception {
        pair = SimPair.startSecure(FailoverPolicy.defaults(), false, events::add, pki, state);
        SimPair.await("the pair is protected", Duration.ofSeconds(10), () -> pair.protectedWith(SimPair.A));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : silent) {
            s.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private int port() {
        return pair.gateway().controlPort();
    }

    private JsonNode status(SSLContext tls) throws IOException {
        return GatewayClient.call(
                tls, "127.0.0.1", port(), JSON.createObjectNode().put("op", "status"), CALL);
    }

    /** A TLS client that trusts the gateway but has no certificate of its own. */
    private static SSLContext withoutCertificate() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new PkiTrustManager(pki.verifier())}, null);
        return context;
    }

    /** One handshake with {@code tls} that the gateway refuses; true when it did (no answer came). */
    private boolean refusedHandshake(SSLContext tls) {
        try (SSLSocket socket = TlsContexts.connect(tls, "127.0.0.1", port(), CALL, false)) {
            socket.setSoTimeout((int) CALL.toMillis());
            socket.startHandshake();
            // TLS 1.3: the client's part is done; the gateway's refusal arrives as an alert on the next read.
            return socket.getInputStream().read() == -1;
        } catch (IOException refused) {
            return true;
        }
    }

    private List<GatewayEvent> refusals(String reason) {
        return events.stream()
                .filter(e -> e.type().equals("CONTROL_REFUSED")
                        && reason.equals(e.fields().get("reason")))
                .toList();
    }

    private int cli(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        out.reset();
        err.reset();
        return GatewayMain.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String[] identity(String command, IssuedCertificate who, String... more) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(more));
        args.addAll(List.of(
                "--control",
                "127.0.0.1:" + port(),
                "--identity",
                who.keyStore().toString(),
                "--pki",
                pki.pki().dir().toString(),
                "--identity-password-file",
                passwordFile.toString()));
        return args.toArray(String[]::new);
    }

    @Test
    void silentConnectionsAndRefusedHandshakesNeverLockAnOperatorOut() throws Exception {
        SSLContext none = withoutCertificate();
        SSLContext foreign = pki.tlsContext(pki.foreignOperator("mallory-" + UUID.randomUUID(), "operator"));
        // Far more silent connections than the 16 pending places of one source; then, while more come
        // (a thousand, each held until 64 newer ones are open) and handshakes without a certificate and
        // with another plant's run (150 each), an operator's status and signed write.
        for (int i = 0; i < 100; i++) {
            silent.add(new Socket("127.0.0.1", port()));
        }
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        ExecutorService attackers = Executors.newFixedThreadPool(3);
        List<Future<?>> floods = new ArrayList<>();
        try {
            floods.add(attackers.submit(() -> {
                java.util.ArrayDeque<Socket> held = new java.util.ArrayDeque<>();
                try {
                    for (int i = 0; i < 1000 && flooding.get(); i++) {
                        try {
                            held.addLast(new Socket("127.0.0.1", port()));
                            if (held.size() > 64) {
                                held.removeFirst().close();
                            }
                        } catch (IOException ignored) {
                            // An attacker does not care; the next attempt follows.
                        }
                    }
                } finally {
                    for (Socket s : held) {
                        s.close();
                    }
                }
                return null;
            }));
            for (SSLContext attacker : List.of(none, foreign)) {
                floods.add(attackers.submit(() -> {
                    for (int i = 0; i < 150 && flooding.get(); i++) {
                        if (refusedHandshake(attacker)) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            SimPair.await("the flood is under way", Duration.ofSeconds(20), () -> refused.get() >= 20);

            // Under the flood, at the first attempt and within a bounded time: the operator shares
            // 127.0.0.1 with the flood, but its connection speaks at once (its ClientHello), and the
            // admission evicts the silent ones first, also before their threads have read a byte.
            JsonNode status = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> status(pki.tlsContext(alice)));
            assertThat(status.path("ok").asBoolean()).as(status.toString()).isTrue();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = assertTimeoutPreemptively(
                    Duration.ofSeconds(30),
                    () -> cli(
                            out,
                            err,
                            identity(
                                    "write",
                                    alice,
                                    "--pair",
                                    SimPair.PAIR,
                                    "--tag",
                                    "level_setpoint",
                                    "--value",
                                    "37.5")));
            assertThat(exit)
                    .as(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                    .isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("DONE: level_setpoint = 37.5 %");
        } finally {
            flooding.set(false);
            attackers.shutdown();
        }
        for (Future<?> flood : floods) {
            flood.get();
        }

        assertThat(refusals("NO_CERTIFICATE"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.fields().get("peer")).asString().startsWith("127.0.0.1:"));
        assertThat(refusals("UNKNOWN_CA"))
                .isNotEmpty()
                .first()
                .satisfies(e -> assertThat(e.message()).contains("CN=mallory-").contains("Foreign Plant"));
        assertThat(refusals("ADMISSION_LIMIT")).as("silent connections evicted").isNotEmpty();
        JsonNode doors = status(pki.tlsContext(alice)).path("doors");
        assertThat(doors.path("control").path("evicted").asLong()).isPositive();
        assertThat(doors.path("refused")
                        .path("CONTROL_REFUSED")
                        .path("NO_CERTIFICATE")
                        .asLong())
                .isPositive();
    }

    @Test
    void aFloodOfTwoHundredRefusalsGivesTheFirstEventAndSummariesWithTheTotal() throws Exception {
        SSLContext none = withoutCertificate();
        ExecutorService attackers = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            attempts.add(attackers.submit(() -> refusedHandshake(none)));
        }
        for (Future<Boolean> attempt : attempts) {
            assertThat(attempt.get()).isTrue();
        }
        attackers.shutdown();
        JsonNode counted =
                status(pki.tlsContext(alice)).path("doors").path("refused").path("CONTROL_REFUSED");
        assertThat(counted.path("NO_CERTIFICATE").asLong())
                .as(counted.toString())
                .isEqualTo(200);

        pair.close(); // publishes the summaries still being counted
        pair = null;

        List<GatewayEvent> first = refusals("NO_CERTIFICATE");
        List<GatewayEvent> summaries = events.stream()
                .filter(e -> e.type().equals("EVENTS_REPEATED")
                        && "CONTROL_REFUSED".equals(e.fields().get("repeatedType"))
                        && "NO_CERTIFICATE".equals(e.fields().get("reason")))
                .toList();
        assertThat(first).hasSizeBetween(1, 3);
        assertThat(first.size() + summaries.size())
                .as("events for 200 refusals")
                .isLessThanOrEqualTo(6);
        int total = first.size()
                + summaries.stream()
                        .mapToInt(e -> (Integer) e.fields().get("repeats"))
                        .sum();
        assertThat(total).isEqualTo(200);
    }

    @Test
    void aSilentConnectionIsClosedAtTheHandshakeDeadlineAndReported() throws Exception {
        long opened = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
            // The silence deadline (500 ms by default), not the 10 s a handshake gets to complete: never
            // before it, and well before the other (a loaded machine may be late by seconds, not by 9).
            assertThat(Duration.ofNanos(System.nanoTime() - opened))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400))
                    .isLessThan(Duration.ofSeconds(5));
            String peer = "127.0.0.1:" + s.getLocalPort();
            SimPair.await(
                    "its refusal event",
                    CALL,
                    () -> refusals("HANDSHAKE_TIMEOUT").stream()
                            .anyMatch(e -> peer.equals(e.fields().get("peer"))));
        }
    }

    @Test
    void anOversizedRequestIsAnsweredWithItsSizeAndReported() throws Exception {
        ObjectNode huge = JSON.createObjectNode().put("op", "status").put("pad", "x".repeat(800_000));
        long size = JSON.writeValueAsBytes(huge).length;

        JsonNode answer = GatewayClient.call(pki.tlsContext(alice), "127.0.0.1", port(), huge, CALL);

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("code").asText()).isEqualTo("OVERSIZED");
        assertThat(answer.path("size").asLong()).isEqualTo(size);
        assertThat(answer.path("limit").asLong()).isEqualTo(ControlServer.MAX_REQUEST_BYTES);
        assertThat(answer.path("error").asText())
                .isEqualTo("request too large: " + size + " bytes, limit 65536 bytes (one JSON request on one line)");
        assertThat(refusals("OVERSIZED")).singleElement().satisfies(e -> {
            assertThat(e.fields()).containsEntry("size", size).containsEntry("limit", 65536);
            assertThat(e.fields().get("subject")).asString().contains("CN=alice");
        });
    }

    @Test
    void theCommandLineSaysRefusedWithTheReasonAndUnreachableOnlyWhenNothingAnswers() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        IssuedCertificate eve = pki.foreignOperator("eve-" + UUID.randomUUID(), "operator");
        IssuedCertificate rex = pki.revokedOperator("rex-" + UUID.randomUUID(), "operator");
        Path envelope = dir.resolve("huge-" + UUID.randomUUID() + ".p7m");
        Files.write(envelope, new byte[600_000]);
        long submitted = JSON.writeValueAsBytes(JSON.createObjectNode()
                        .put("op", "submit")
                        .put("envelope", Base64.getEncoder().encodeToString(new byte[600_000])))
                .length;

        assertThat(cli(out, err, identity("status", eve))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: the gateway at 127.0.0.1:" + port() + " refused the connection: its TLS"
                        + " handshake failed: certificate unknown (the gateway does not trust this operator"
                        + " certificate's CA; ");

        assertThat(cli(out, err, identity("status", rex))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("refused the connection: its TLS handshake failed: certificate unknown (this operator"
                        + " certificate is revoked; ");

        assertThat(cli(out, err, "status", "--control", "127.0.0.1:" + port())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: the gateway refused the request: this endpoint speaks TLS with client"
                        + " certificates");

        assertThat(cli(out, err, identity("submit", alice, envelope.toString())))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("error: the gateway refused the request: request too large: " + submitted
                        + " bytes, limit 65536 bytes (one JSON request on one line)\n");

        assertThat(refusals("UNKNOWN_CA")).isNotEmpty();
        assertThat(refusals("REVOKED")).isNotEmpty();
        assertThat(refusals("PROTOCOL")).isNotEmpty();
        assertThat(refusals("OVERSIZED")).isNotEmpty();
        assertThat(cli(out, err, identity("status", alice))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("refused since start: CONTROL_REFUSED 4 (OVERSIZED 1, PROTOCOL 1, REVOKED 1, UNKNOWN_CA 1)");
        // The same command line against a port where nothing listens is the only "cannot reach".
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        assertThat(cli(out, err, "status", "--control", "127.0.0.1:" + closed)).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: cannot reach the gateway at");
    }
}
