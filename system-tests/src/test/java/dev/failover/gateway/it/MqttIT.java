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
import dev.failover.testkit.SimPair;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incident response over MQTT (issue 15) with a real mosquitto over TLS with client certificates and
 * an ACL: every event of the gateway arrives once its audit record is on disk, in the order of the
 * log, with its event id and sequence; the pair's state is retained; a broker outage during a failover
 * loses nothing; a broker the plant CA did not issue is refused; a publish the ACL denies is reported.
 * The subscriber is an independent MQTT client (the incident team's certificate), and what it
 * received is compared with the audit log's files.
 */
@Timeout(120)
class MqttIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path dir;

    private Mosquitto broker;
    private SimPair pair;
    private MqttClient subscriber;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> retained = new ConcurrentHashMap<>();

    /** One message the incident team received. */
    record Received(String topic, String payload, Map<String, String> user, boolean retained) {
        long sequence() {
            return Long.parseLong(user.get("sequence"));
        }
    }

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void stop() throws Exception {
        if (subscriber != null && subscriber.isConnected()) {
            subscriber.disconnect();
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
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                pki,
                dir.resolve("gateway"),
                c -> c.withMqtt(MqttConfig.of(URI.create(broker.uri()), "line-3", c.name())
                        .withWillDelay(Duration.ofSeconds(1))));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    private void subscribe() throws Exception {
        SSLContext tls = pki.tlsContext(pki.operator("incident-team", "operator"));
        subscriber = new MqttClient(broker.uri(), "incident-team", new MemoryPersistence());
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {}

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
                if (message.isRetained() || topic.endsWith("/state") || topic.endsWith("/status")) {
                    retained.put(topic, payload);
                }
                MqttProperties p = message.getProperties();
                Map<String, String> user = p == null || p.getUserProperties() == null
                        ? Map.of()
                        : p.getUserProperties().stream()
                                .collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue, (a, b) -> b));
                received.add(new Received(topic, payload, user, message.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setCleanStart(true);
        subscriber.connect(options);
        subscriber.subscribe("failover/#", 1);
    }

    private String root() {
        return "failover/line-3/bench-gateway";
    }

    private List<Received> eventsOf(String type) {
        return received.stream().filter(r -> r.topic().endsWith("/" + type)).toList();
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

    @Test
    void aFailoverReachesTheIncidentTeamWithItsEvidenceInTheOrderOfTheAuditLog() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "failover"));
        subscribe();
        startGateway();
        await().atMost(WAIT).until(() -> !eventsOf("MQTT_CONNECTED").isEmpty());

        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> !eventsOf("SWITCHOVER_COMPLETED").isEmpty());

        Received switched = eventsOf("SWITCHOVER_COMPLETED").getFirst();
        assertThat(switched.topic()).isEqualTo(root() + "/events/redundancy/SWITCHOVER_COMPLETED");
        JsonNode record = JSON.readTree(switched.payload());
        assertThat(record.path("fields").path("to").asText()).isEqualTo(SimPair.B);
        assertThat(switched.user().get("event-id"))
                .isEqualTo(record.path("eventId").asText());
        assertThat(switched.sequence()).isEqualTo(record.path("index").asLong());
        assertThat(switched.retained()).isFalse();

        // The same bytes as the audit log's record at that index.
        List<JsonNode> audit = auditRecords();
        assertThat(audit.get((int) switched.sequence())).isEqualTo(record);

        // Every event of this run is there, none twice; each lane in the log's order (what was logged
        // before the connection follows the live events).
        int total = audit.size();
        await().atMost(WAIT).until(() -> eventSequences().size() >= total);
        List<Long> sequences = eventSequences();
        assertThat(sequences).doesNotHaveDuplicates();
        assertThat(sequences.stream().sorted().toList().getFirst()).isZero();
        assertThat(sequences.stream().sorted().toList().get(total - 1)).isEqualTo(total - 1);
        for (String lane : List.of("live", "backfill")) {
            assertThat(received.stream()
                            .filter(r -> r.topic().contains("/events/")
                                    && lane.equals(r.user().get("lane")))
                            .map(Received::sequence)
                            .toList())
                    .as("the %s lane", lane)
                    .isSorted();
        }

        await().atMost(WAIT)
                .until(() -> retained.getOrDefault(root() + "/pairs/tank-1/state", "")
                        .contains("\"active\":\"plc-b\""));
        JsonNode state = JSON.readTree(retained.get(root() + "/pairs/tank-1/state"));
        assertThat(state.path("controllers").path(SimPair.A).path("condition").asText())
                .isNotEqualTo("HEALTHY");
        assertThat(JSON.readTree(retained.get(root() + "/status"))
                        .path("online")
                        .asBoolean())
                .isTrue();
    }

    private List<Long> eventSequences() {
        return received.stream()
                .filter(r -> r.topic().contains("/events/"))
                .map(Received::sequence)
                .toList();
    }

    @Test
    void aBrokerOutageDuringAFailoverLosesNothing() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "failover"));
        subscribe();
        startGateway();
        await().atMost(WAIT).until(() -> !eventsOf("MQTT_CONNECTED").isEmpty());
        long first = 0;

        subscriber.disconnect();
        broker.stop();
        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        await().atMost(WAIT)
                .until(() -> events.stream().anyMatch(e -> e.detail() instanceof GatewayDetail.MqttUnreachable));

        broker.start();
        subscribe();
        int total = auditRecords().size();
        await().atMost(WAIT).until(() -> eventSequences().stream().distinct().count() >= total - first);
        List<Long> distinct = eventSequences().stream().distinct().sorted().toList();
        for (long i = first; i < total; i++) {
            assertThat(distinct)
                    .as("audit record %d reached the incident team", i)
                    .contains(i);
        }
        assertThat(eventsOf("SWITCHOVER_COMPLETED")).isNotEmpty();
        assertThat(eventsOf("SWITCHOVER_COMPLETED").getFirst().user().get("lane"))
                .isEqualTo("backfill");
    }

    @Test
    void aBrokerThePlantCaDidNotIssueIsRefused(@TempDir Path foreign) throws Exception {
        startBroker(TestPki.create(foreign), Mosquitto.acl("gateway", "incident-team", "failover"));
        startGateway();
        await().atMost(WAIT)
                .until(() -> events.stream().anyMatch(e -> e.detail() instanceof GatewayDetail.MqttUnreachable));
        assertThat(events).noneMatch(e -> e.detail() instanceof GatewayDetail.MqttConnected);
        GatewayDetail.MqttUnreachable why = events.stream()
                .map(GatewayEvent::detail)
                .filter(GatewayDetail.MqttUnreachable.class::isInstance)
                .map(GatewayDetail.MqttUnreachable.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(why.reason()).isNotBlank();
    }

    @Test
    void aPublishTheAclDeniesIsReported() throws Exception {
        startBroker(pki, Mosquitto.acl("gateway", "incident-team", "elsewhere"));
        startGateway();
        await().atMost(WAIT)
                .until(() -> events.stream().anyMatch(e -> e.detail() instanceof GatewayDetail.MqttRefused));
        GatewayDetail.MqttRefused refused = events.stream()
                .map(GatewayEvent::detail)
                .filter(GatewayDetail.MqttRefused.class::isInstance)
                .map(GatewayDetail.MqttRefused.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(refused.topic()).startsWith(root());
    }
}
