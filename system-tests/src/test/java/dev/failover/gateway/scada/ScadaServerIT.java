package dev.failover.gateway.scada;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.Identity;
import dev.failover.certs.Pki;
import dev.failover.certs.RevocationReason;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.link.LinkResult;
import dev.failover.testkit.SimPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.SignedIdentityToken;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.AnonymousIdentityToken;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.SignatureData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's OPC UA server with real Milo clients over 127.0.0.1, a real pair of plc-sim
 * controllers behind it (Modbus/TCP Security) and certificates of a plant PKI made at test time. One
 * gateway serves every test; the failover test runs last, since it changes the active controller.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScadaServerIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LEVEL = "Pairs/" + SimPair.PAIR + "/Tags/level";
    private static final String SETPOINT = "Pairs/" + SimPair.PAIR + "/Tags/level_setpoint";
    private static final String STATUS = "Pairs/" + SimPair.PAIR + "/Status/";

    @TempDir
    static Path dir;

    private static final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private static TestPki pki;
    private static ScadaClients clients;
    private static SimPair pair;
    private static String url;
    private static Identity scadaApp;
    private static Identity operator;
    private static Identity viewer;
    private static Identity supervisor;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        clients = new ScadaClients(pki);
        // Slower polls than the default: this test is about the OPC UA server, not detection time, and
        // must not fail over because a loaded CI machine delayed a poll. No hold-down: the last two tests
        // switch one after the other.
        FailoverPolicy policy = new FailoverPolicy(
                Duration.ofMillis(50),
                Duration.ofMillis(40),
                3,
                3,
                Duration.ZERO,
                FailoverPolicy.FailbackMode.MANUAL,
                Duration.ofSeconds(60),
                FailoverPolicy.UnreachableActive.FENCE,
                Duration.ofSeconds(5),
                10,
                Duration.ofMinutes(10));
        pair = SimPair.startWithScada(policy, true, events::add, pki, dir.resolve("gateway"));
        url = pair.gateway().scadaServer().orElseThrow().endpointUrl();
        scadaApp = clients.application("urn:test:scada");
        operator = clients.user("operator");
        viewer = clients.user("viewer");
        supervisor = clients.user("supervisor");
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private static NodeId node(String path) {
        return pair.gateway().scadaServer().orElseThrow().node(path);
    }

    private static OpcUaClient connect(Identity user) throws Exception {
        return clients.connect(url, scadaApp, ScadaClients.asUser(user), SecurityPolicy.Basic256Sha256);
    }

    private static DataValue read(OpcUaClient client, NodeId id) throws Exception {
        return client.readValue(0.0, TimestampsToReturn.Both, id);
    }

    /** The setpoint as {@code controller} holds it, read over the gateway's link to it. */
    private static double setpointOn(String controller) {
        TagConfig tag = pair.supervisor().config().tags().stream()
                .filter(t -> t.name().equals("level_setpoint"))
                .findFirst()
                .orElseThrow();
        LinkResult<double[]> read = pair.supervisor().link(controller).readTags(List.of(tag));
        return tag.engineering(((LinkResult.Ok<double[]>) read).value()[0]);
    }

    @Test
    @Order(1)
    void readsTagsWithGoodStatusAndSourceTimestampsAndTheStatusTree() throws Exception {
        OpcUaClient client = connect(operator);
        try {
            await().atMost(WAIT)
                    .until(() -> read(client, node(LEVEL)).statusCode().isGood());
            DataValue level = read(client, node(LEVEL));
            assertThat((Double) level.value().value()).isBetween(0.0, 100.0);
            assertThat(level.sourceTime()).isNotNull();
            assertThat(level.sourceTime().getJavaInstant())
                    .isAfter(Instant.now().minusSeconds(5));

            assertThat(read(client, node(STATUS + "ActiveController")).value().value())
                    .isEqualTo(SimPair.A);
            assertThat(read(client, node(STATUS + "State")).value().value()).isEqualTo("PROTECTED");
            await().atMost(WAIT)
                    .until(() -> Boolean.TRUE.equals(
                            read(client, node(STATUS + "Mirror/InSync")).value().value()));
            assertThat(read(client, node(STATUS + "Mirror/LagMs")).value().value())
                    .isEqualTo(0.0);
            assertThat(read(client, node("Pairs/" + SimPair.PAIR + "/Controllers/plc-b/Role"))
                            .value()
                            .value())
                    .isEqualTo("STANDBY");
            assertThat(read(client, node("Pairs/" + SimPair.PAIR + "/Controllers/plc-a/Secure"))
                            .value()
                            .value())
                    .isEqualTo(true);
            await().atMost(WAIT)
                    .until(
                            () -> read(client, NodeIds.Server_ServiceLevel)
                                    .value()
                                    .value(),
                            v -> v instanceof UByte b && b.intValue() == ServiceLevels.PROTECTED);
            // The posture checks' first probe comes a few seconds after start.
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> read(client, node(STATUS + "Posture/Verdict"))
                                    .value()
                                    .value(),
                            "parity"::equals);
            String posture = "Pairs/" + SimPair.PAIR + "/Controllers/plc-b/Posture/";
            assertThat(read(client, node(posture + "TlsVersions")).value().value())
                    .isEqualTo("TLSv1.3; TLSv1.2");
            assertThat(read(client, node(posture + "PlainModbus")).value().value())
                    .isEqualTo(false);
            assertThat(read(client, node(posture + "Firmware")).value().value()).isEqualTo("plc-sim 0.1.0");
            assertThat(read(client, node(posture + "Baseline")).value().value()).isEqualTo("");
            assertThat((String) read(client, node(posture + "CertificateThumbprint"))
                            .value()
                            .value())
                    .hasSize(64);
            assertThat(read(client, NodeIds.Server_ServerRedundancy_RedundancySupport)
                            .value()
                            .value())
                    .isEqualTo(0);
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(2)
    void aWriteTheRolePermitsIsAcknowledgedOnlyOnceBothControllersHoldIt() throws Exception {
        OpcUaClient client = connect(operator);
        try {
            StatusCode status = client.writeValues(
                            List.of(node(SETPOINT)), List.of(DataValue.valueOnly(new Variant(42.5))))
                    .getFirst();

            // Good means acknowledged: journaled, on the active, and on the standby (safety rule 4).
            assertThat(status.isGood()).as(status.toString()).isTrue();
            assertThat(setpointOn(SimPair.A)).isEqualTo(42.5);
            assertThat(setpointOn(SimPair.B)).isEqualTo(42.5);
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(3)
    void aWriteTheRoleDoesNotPermitIsDeniedAndChangesNothing() throws Exception {
        OpcUaClient client = connect(viewer);
        try {
            double before = setpointOn(SimPair.A);
            StatusCode status = client.writeValues(
                            List.of(node(SETPOINT)), List.of(DataValue.valueOnly(new Variant(13.0))))
                    .getFirst();

            assertThat(status.value()).isEqualTo(StatusCodes.Bad_UserAccessDenied);
            assertThat(setpointOn(SimPair.A)).isEqualTo(before);
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(4)
    void aWriteOutOfBoundsIsRefusedAndChangesNothing() throws Exception {
        OpcUaClient client = connect(operator);
        try {
            double before = setpointOn(SimPair.A);
            StatusCode status = client.writeValues(
                            List.of(node(SETPOINT)), List.of(DataValue.valueOnly(new Variant(150.0))))
                    .getFirst();

            assertThat(status.value()).isEqualTo(StatusCodes.Bad_OutOfRange);
            assertThat(setpointOn(SimPair.A)).isEqualTo(before);
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(5)
    void anonymousIsRefused() {
        IdentityProvider anonymous = (endpoint, nonce) ->
                new SignedIdentityToken(new AnonymousIdentityToken("anonymous"), new SignatureData(null, null));

        Throwable refused =
                catchThrowable(() -> clients.connect(url, scadaApp, anonymous, SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_IdentityTokenInvalid, StatusCodes.Bad_IdentityTokenRejected));
        GatewayEvent event = refusal("SCADA_SESSION_REFUSED", "ANONYMOUS_NOT_ALLOWED", e -> true);
        assertThat(event.fields())
                .containsEntry("token", "Anonymous")
                .containsEntry("peer", "127.0.0.1")
                .containsEntry("applicationUri", "urn:test:scada");
    }

    @Test
    @Order(6)
    void aRevokedUserIsRefused() throws Exception {
        Identity revoked = clients.user("operator");
        pki.pki().revoke(revoked.certificate().getSerialNumber(), RevocationReason.KEY_COMPROMISE);
        pki.pki().publishCrl(Pki.DEFAULT_CRL_VALIDITY);

        Throwable refused = catchThrowable(() -> connect(revoked));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_IdentityTokenRejected, StatusCodes.Bad_IdentityTokenInvalid));
        String subject = revoked.certificate().getSubjectX500Principal().getName();
        GatewayEvent event = refusal(
                "SCADA_SESSION_REFUSED",
                "REVOKED",
                e -> subject.equals(e.fields().get("user")));
        assertThat(event.fields())
                .containsEntry("token", "Certificate")
                .containsEntry("userThumbprint", CertificateFacts.thumbprint(revoked.certificate()))
                .containsEntry("status", "Bad_IdentityTokenRejected");
    }

    @Test
    @Order(6)
    void aUserCertificateOfAnotherCaIsRefusedAndReported() throws Exception {
        Identity stranger = clients.user(pki.foreignPki(), "operator");

        Throwable refused = catchThrowable(() -> connect(stranger));

        assertThat(statusOf(refused)).isPresent();
        String subject = stranger.certificate().getSubjectX500Principal().getName();
        GatewayEvent event = refusal(
                "SCADA_SESSION_REFUSED",
                "UNKNOWN_CA",
                e -> subject.equals(e.fields().get("user")));
        assertThat(event.fields().get("userIssuer")).asString().contains("Foreign Plant");
        assertThat(event.message()).contains("user certificate refused");
    }

    @Test
    @Order(7)
    void anUntrustedApplicationCertificateIsRefusedAndQuarantined() throws Exception {
        Identity rogue = clients.application(pki.foreignPki(), "urn:test:rogue");
        Path rejected = dir.resolve("gateway").resolve("opcua-pki").resolve("rejected");
        String file = TrustDirectory.thumbprint(rogue.certificate()) + ".der";

        Throwable refused = catchThrowable(
                () -> clients.connect(url, rogue, ScadaClients.asUser(operator), SecurityPolicy.Basic256Sha256));

        assertThat(statusOf(refused))
                .hasValueSatisfying(code -> assertThat(code)
                        .isIn(StatusCodes.Bad_SecurityChecksFailed, StatusCodes.Bad_CertificateUntrusted));
        await().atMost(WAIT).until(() -> Files.exists(rejected.resolve(file)));
        String subject = rogue.certificate().getSubjectX500Principal().getName();
        GatewayEvent event = refusal(
                "SCADA_CLIENT_REJECTED",
                "UNKNOWN_CA",
                e -> subject.equals(e.fields().get("subject")));
        assertThat(event.fields())
                .containsEntry("thumbprint", CertificateFacts.thumbprint(rogue.certificate()))
                .containsEntry("applicationUri", "urn:test:rogue")
                .containsEntry("quarantined", rejected.resolve(file).toString());
    }

    /** The refusal event of {@code type} and {@code reason} that {@code which} picks, awaited. */
    private static GatewayEvent refusal(String type, String reason, java.util.function.Predicate<GatewayEvent> which) {
        java.util.function.Supplier<Optional<GatewayEvent>> find = () -> events.stream()
                .filter(e -> e.type().equals(type) && reason.equals(e.fields().get("reason")) && which.test(e))
                .findFirst();
        await().atMost(WAIT).until(() -> find.get().isPresent());
        return find.get().orElseThrow();
    }

    @Test
    @Order(8)
    void theMethodsTakeOnlySignedCommandsOfTheirKind() throws Exception {
        OpcUaClient client = connect(supervisor);
        try {
            byte[] drill = signed(supervisor, CommandAction.START_DRILL, Map.of("reason", "wrong method"));
            CallMethodResult wrong = call(client, "RequestSwitchover", drill);

            assertThat(wrong.getStatusCode().isGood()).isTrue();
            assertThat(wrong.getOutputArguments()[0].value()).isEqualTo("REJECTED");
            assertThat(wrong.getOutputArguments()[1].value()).isEqualTo("WRONG_TARGET");
            assertThat(pair.status().activeId()).isEqualTo(SimPair.A);

            byte[] garbage = {1, 2, 3};
            CallMethodResult malformed = call(client, "SubmitCommand", garbage);
            assertThat(malformed.getOutputArguments()[1].value()).isEqualTo("MALFORMED");
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(9)
    void aSignedSwitchoverThroughTheMethodSwitchesAndSessionsSurviveIt() throws Exception {
        OpcUaClient client = connect(supervisor);
        try {
            byte[] switchover = signed(supervisor, CommandAction.SWITCHOVER, Map.of("reason", "scada test"));
            CallMethodResult done = call(client, "RequestSwitchover", switchover);

            assertThat(done.getOutputArguments()[0].value())
                    .as(String.valueOf(done.getOutputArguments()[2].value()))
                    .isEqualTo("DONE");
            await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.B));
            assertThat(read(client, node(STATUS + "ActiveController")).value().value())
                    .isEqualTo(SimPair.B);
            assertThat(read(client, node(STATUS + "LastFailover/Kind")).value().value())
                    .isEqualTo("MANUAL");
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(10)
    void subscriptionsKeepDeliveringAcrossAFailoverWithoutADisconnect() throws Exception {
        String active = pair.status().activeId();
        String standby = SimPair.other(active);
        OpcUaClient client = connect(operator);
        try {
            OpcUaSubscription subscription = new OpcUaSubscription(client, 20.0);
            subscription.create();
            List<DataValue> seen = new CopyOnWriteArrayList<>();
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(node(LEVEL));
            item.setSamplingInterval(0.0);
            item.setDataValueListener((i, value) -> seen.add(value));
            subscription.addMonitoredItem(item);
            subscription.synchronizeMonitoredItems();
            await().atMost(WAIT)
                    .until(() -> seen.stream().anyMatch(v -> v.statusCode().isGood()));
            List<NodeId> sessionIds = new ArrayList<>();
            sessionIds.add(client.getSession().getSessionId());

            pair.plc(active).faults().crash();
            try {
                await().atMost(WAIT)
                        .until(() -> pair.status().activeId().equals(standby)
                                && pair.status().state() != PairState.SWITCHING);
                int before = seen.size();
                await().atMost(WAIT)
                        .until(() -> seen.size() > before + 3
                                && seen.getLast().statusCode().isGood());
            } finally {
                pair.plc(active).faults().clear();
            }
            sessionIds.add(client.getSession().getSessionId());
            assertThat(sessionIds.get(1)).as("the same session").isEqualTo(sessionIds.get(0));
            assertThat(seen.stream()
                            .filter(v ->
                                    !v.statusCode().isGood() && !v.statusCode().isUncertain()))
                    .as("no Bad value: the last usable one is served, marked uncertain, until the new active is read")
                    .isEmpty();
            assertThat(read(client, node(STATUS + "LastFailover/Kind")).value().value())
                    .isEqualTo("FAILOVER");
            assertThat((Double) read(client, node(STATUS + "LastFailover/RtoMs"))
                            .value()
                            .value())
                    .isPositive();
            await().atMost(WAIT).until(() -> pair.protectedWith(standby));
        } finally {
            client.disconnect();
        }
    }

    @Test
    @Order(11)
    void theAuditLogsLastSignedCheckpointIsServedAndVerifiesWithTheAuditKey() throws Exception {
        OpcUaClient client = connect(viewer);
        try {
            // The switchovers before this test are security-relevant: each is followed by a checkpoint.
            await().atMost(WAIT)
                    .until(() ->
                            read(client, node("Audit/Checkpoint")).statusCode().isGood());
            String note =
                    (String) read(client, node("Audit/Checkpoint")).value().value();
            String keyName = note.substring(note.indexOf("\u2014 ") + 2).split(" ")[0];
            dev.failover.gateway.audit.Checkpoint c = dev.failover.gateway.audit.Checkpoint.verify(
                    note, keyName, pki.audit("gateway-audit").certificate().getPublicKey());
            assertThat(c.size()).isPositive();
            long size = (Long) read(client, node("Audit/TreeSize")).value().value();
            assertThat(size).isGreaterThanOrEqualTo(c.size());
            assertThat(read(client, node("Audit/Root")).value().value()).isInstanceOf(String.class);
        } finally {
            client.disconnect();
        }
    }

    /** Calls the pair's method {@code method} with {@code envelope}. */
    private static CallMethodResult call(OpcUaClient client, String method, byte[] envelope) throws Exception {
        return client.call(List.of(new CallMethodRequest(
                        node("Pairs/" + SimPair.PAIR),
                        node("Pairs/" + SimPair.PAIR + "/" + method),
                        new Variant[] {new Variant(ByteString.of(envelope))})))
                .getResults()[0];
    }

    private static byte[] signed(Identity who, CommandAction action, Map<String, Object> args) throws Exception {
        Instant now = Instant.now();
        Command c = new Command(UUID.randomUUID().toString(), now, now.plusSeconds(60), SimPair.PAIR, action, args);
        return CmsEnvelope.sign(c.canonicalJson(), who.privateKey(), who.chain());
    }

    /** The status code of the UaException in {@code t}'s causes, if any. */
    static Optional<Long> statusOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UaException ua) {
                return Optional.of(ua.getStatusCode().value());
            }
        }
        return Optional.empty();
    }
}
