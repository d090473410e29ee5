package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.TestPki;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.MqttConfig;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.testkit.Mosquitto;
import dev.failover.testkit.MqttSubscriber;
import dev.failover.testkit.SimPair;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incident response over MQTT (issue 15) with a real mosquitto over TLS with client certificates and
 * an ACL: every event of the gateway arrives once its audit record is on disk, with its event id and
 * sequence, each lane in the order of the log; the pair's state is retained; a broker outage during a
 * failover loses nothing; a broker the plant CA did not issue is refused; a publish the ACL denies is
 * reported. The subscriber is an independent MQTT client (the incident team's certificate), and what
 * it received is compared with the audit log's files.
 */
@Timeout(120)
class MqttIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "failover/line-3/bench-gateway";

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path dir;

    private Mosquitto broker;
    private SimPair pair;
    private MqttSubscriber team;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (pair != null) {
            pair.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void startBroker(TestPki brokerPki, String acl) throws Exception {
        assertThat(Mosquitto.installed())
                .as("mosquitto is installed (scripts/test-deps)")
                .isTrue();
        broker = Mosquitto.startTls(dir.resolve("broker"), brokerPki, pki, acl);
    }

    private void startGateway() throws Exception {
        startGateway(null);
    }

    private void startGateway(MqttConfig.BrokerTrust trust) throws Exception {
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                pki,
                dir.resolve("gateway"),
                c -> c.withMqtt(MqttConfig.of(URI.create(broker.uri()), "line-3", c.name())
                        .withWillDelay(Duration.ofSeconds(1))
                        .withBrokerTrust(trust)));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    private void subscribe() throws Exception {
        team = MqttSubscriber.connect(
                broker.uri(),
                pki.tlsContext(pki.operator("incident-team", "operator")),
                "incident-team",
                "failover/#",
                true);
    }

    /** The audit log's records as its files hold them, read without the gateway's code. */
    private List<JsonNode> auditRecords() throws Exception {
        Path file = dir.resolve("gateway").resolve("audit").resolve(AuditLog.RECORDS);
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private boolean reported(Class<? extends GatewayDetail> kind) {
        return events.stream().anyMatch(e -> kind.isInstance(e.detail()));
    }

    private <T extends GatewayDetail> T first(Class<T> kind) {
        return events.stream()
                .map(GatewayEvent::detail)
                .filter(kind::isInstance)
                .map(kind::cast)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aFailoverReachesTheIncidentTeamWithItsEvidenceInTheOrderOfTheAuditLog() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "failover"));
        subscribe();
        startGateway();
        await().atMost(WAIT).until(() -> !team.events("MQTT_CONNECTED").isEmpty());

        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> !team.events("SWITCHOVER_COMPLETED").isEmpty());

        MqttSubscriber.Received switched = team.events("SWITCHOVER_COMPLETED").getFirst();
        assertThat(switched.topic()).isEqualTo(ROOT + "/events/redundancy/SWITCHOVER_COMPLETED");
        JsonNode record = JSON.readTree(switched.payload());
        assertThat(record.path("fields").path("to").asText()).isEqualTo(SimPair.B);
        assertThat(switched.user().get("event-id"))
                .isEqualTo(record.path("eventId").asText());
        assertThat(switched.sequence()).isEqualTo(record.path("index").asLong());
        assertThat(switched.retained()).isFalse();
        // The same record as the audit log holds at that index.
        List<JsonNode> audit = auditRecords();
        assertThat(audit.get((int) switched.sequence())).isEqualTo(record);

        // Every event of this run is there, none twice; each lane in the log's order (what was logged
        // before the connection follows the live events).
        int total = audit.size();
        await().atMost(WAIT).until(() -> team.events().size() >= total);
        List<Long> sequences =
                team.events().stream().map(MqttSubscriber.Received::sequence).toList();
        assertThat(sequences).doesNotHaveDuplicates();
        assertThat(team.distinctSequences().subList(0, total))
                .isEqualTo(java.util.stream.LongStream.range(0, total).boxed().toList());
        for (String lane : List.of("live", "backfill")) {
            assertThat(team.events().stream()
                            .filter(r -> lane.equals(r.user().get("lane")))
                            .map(MqttSubscriber.Received::sequence)
                            .toList())
                    .as("the %s lane", lane)
                    .isSorted();
        }

        String state = ROOT + "/pairs/tank-1/state";
        await().atMost(WAIT).until(() -> team.latest(state).contains("\"active\":\"plc-b\""));
        assertThat(JSON.readTree(team.latest(state))
                        .path("controllers")
                        .path(SimPair.A)
                        .path("condition")
                        .asText())
                .isNotEqualTo("HEALTHY");
        assertThat(JSON.readTree(team.latest(ROOT + "/status")).path("online").asBoolean())
                .isTrue();
    }

    @Test
    void aBrokerOutageDuringAFailoverLosesNothing() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "failover"));
        subscribe();
        startGateway();
        await().atMost(WAIT).until(() -> !team.events("MQTT_CONNECTED").isEmpty());
        List<Long> before = team.distinctSequences();

        broker.stop();
        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        await().atMost(WAIT).until(() -> reported(GatewayDetail.MqttUnreachable.class));

        // The team's session was kept by the broker: what the gateway publishes as soon as the broker
        // is back waits for the team, however quickly the gateway reconnects.
        broker.start();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            team.reconnect();
            return true;
        });
        int total = auditRecords().size();
        await().atMost(WAIT).until(() -> !team.events("SWITCHOVER_COMPLETED").isEmpty());
        await().atMost(WAIT)
                .until(() -> java.util.stream.Stream.concat(before.stream(), team.distinctSequences().stream())
                                .distinct()
                                .count()
                        >= total);
        List<Long> all = java.util.stream.Stream.concat(before.stream(), team.distinctSequences().stream())
                .distinct()
                .sorted()
                .toList();
        assertThat(all.subList(0, total))
                .isEqualTo(java.util.stream.LongStream.range(0, total).boxed().toList());
        assertThat(team.events("SWITCHOVER_COMPLETED").getFirst().user().get("lane"))
                .isEqualTo("backfill");
    }

    @Test
    void aBrokerThePlantCaDidNotIssueIsRefused(@TempDir Path foreign) throws Exception {
        startBroker(TestPki.create(foreign), Mosquitto.acl("gateway", "incident-team", "failover"));
        startGateway();
        await().atMost(WAIT).until(() -> reported(GatewayDetail.MqttUnreachable.class));
        assertThat(reported(GatewayDetail.MqttConnected.class)).isFalse();
        assertThat(first(GatewayDetail.MqttUnreachable.class).reason()).isNotBlank();
    }

    /** A Sparkplug B payload, decoded with Tahu as a host application would. */
    static SparkplugBPayload sparkplug(MqttSubscriber.Received message) throws Exception {
        return new SparkplugBPayloadDecoder().buildFromByteArray(message.bytes(), null);
    }

    /** The value of metric {@code name}, or null when the payload has none. */
    static Object metric(SparkplugBPayload payload, String name) {
        return payload.getMetrics().stream()
                .filter(m -> name.equals(m.getName()))
                .map(Metric::getValue)
                .findFirst()
                .orElse(null);
    }

    @Test
    void aSparkplugHostSeesBirthsDataOnAFailoverAndARebirth() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "failover"));
        try (MqttSubscriber host = MqttSubscriber.connect(
                broker.uri(), pki.tlsContext(pki.operator("incident-team", "operator")), "scada-host", "spBv1.0/#")) {
            startGateway();
            String nbirth = "spBv1.0/line-3/NBIRTH/bench-gateway";
            String device = "spBv1.0/line-3/%s/bench-gateway/tank-1";
            await().atMost(WAIT)
                    .until(() -> !host.on(nbirth).isEmpty()
                            && !host.on(device.formatted("DBIRTH")).isEmpty());
            SparkplugBPayload birth = sparkplug(host.on(nbirth).getFirst());
            assertThat(birth.getSeq()).isZero();
            Object bdSeq = metric(birth, "bdSeq");
            assertThat(bdSeq).isInstanceOf(Long.class);
            assertThat(metric(birth, "Node Control/Rebirth")).isEqualTo(false);
            SparkplugBPayload deviceBirth =
                    sparkplug(host.on(device.formatted("DBIRTH")).getFirst());
            assertThat(deviceBirth.getSeq()).isEqualTo(1);
            assertThat(deviceBirth.getMetrics())
                    .extracting(Metric::getName)
                    .contains(
                            "State",
                            "Active",
                            "ServiceLevel",
                            "Controllers/plc-a/Role",
                            "Controllers/plc-b/Condition",
                            "Tags/level");

            pair.plc(SimPair.A).faults().crash();
            await().atMost(WAIT).until(() -> {
                for (MqttSubscriber.Received data : host.on(device.formatted("DDATA"))) {
                    if (SimPair.B.equals(metric(sparkplug(data), "Active"))) {
                        return true;
                    }
                }
                return false;
            });

            SparkplugBPayload command = new SparkplugBPayload.SparkplugBPayloadBuilder()
                    .setTimestamp(new java.util.Date())
                    .addMetric(new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, true)
                            .createMetric())
                    .createPayload();
            host.publish(
                    "spBv1.0/line-3/NCMD/bench-gateway",
                    new SparkplugBPayloadEncoder().getBytes(command, false),
                    false);
            await().atMost(WAIT).until(() -> host.on(nbirth).size() == 2);
            SparkplugBPayload reborn = sparkplug(host.on(nbirth).get(1));
            assertThat(metric(reborn, "bdSeq"))
                    .as("the same connection: the same bdSeq")
                    .isEqualTo(bdSeq);
            await().atMost(WAIT).until(() -> host.on(device.formatted("DBIRTH")).size() == 2);
            assertThat(metric(sparkplug(host.on(device.formatted("DBIRTH")).get(1)), "Active"))
                    .isEqualTo(SimPair.B);
        }
    }

    @Test
    void aBrokerOfAnotherCaIsTrustedWhenThatCaAndItsCrlAreConfigured(@TempDir Path foreign) throws Exception {
        TestPki brokers = TestPki.create(foreign);
        startBroker(brokers, Mosquitto.acl("gateway", "incident-team", "failover"));
        startGateway(new MqttConfig.BrokerTrust(brokers.pki().caChainFile(), brokers.crlFile()));
        await().atMost(WAIT).until(() -> reported(GatewayDetail.MqttConnected.class));
        assertThat(reported(GatewayDetail.MqttUnreachable.class)).isFalse();
    }

    @Test
    void aPublishTheAclDeniesIsReported() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "elsewhere"));
        startGateway();
        await().atMost(WAIT).until(() -> reported(GatewayDetail.MqttRefused.class));
        assertThat(first(GatewayDetail.MqttRefused.class).topic()).startsWith(ROOT);
    }
}
