package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.testkit.Mosquitto;
import dev.failover.testkit.MqttSubscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT across a SIGKILL of the gateway's process (issue 15), with a real mosquitto over TLS: the
 * MQTT 5 Will tells the incident team the gateway is gone once its delay has passed; a gateway killed
 * while the broker is down, a failover in the outage, both restarted: every audit record reaches the
 * subscriber, none lost, the failover among them.
 */
@Timeout(180)
class MqttKillIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOT = "failover/line-3/child-gateway";

    @TempDir
    Path dir;

    private GatewayKillRig rig;
    private Mosquitto broker;
    private MqttSubscriber team;

    @AfterEach
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (rig != null) {
            rig.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void start() throws Exception {
        assertThat(Mosquitto.installed())
                .as("mosquitto is installed (scripts/test-deps)")
                .isTrue();
        rig = new GatewayKillRig(dir.resolve("rig"));
        broker = Mosquitto.startTls(
                dir.resolve("broker"), rig.pki(), rig.pki(), Mosquitto.acl("gateway", "incident-team", "failover"));
        rig.addToConfiguration("""
                mqtt:
                  brokers: [%s]
                  site: line-3
                  willDelay: 1s
                  keepAlive: 2s
                """.formatted(broker.uri()));
        subscribe();
        rig.startGateway();
        rig.awaitProtected();
        await().atMost(WAIT).until(() -> !team.events("MQTT_CONNECTED").isEmpty());
    }

    private void subscribe() throws Exception {
        team = MqttSubscriber.connect(
                broker.uri(),
                rig.pki().tlsContext(rig.pki().operator("incident-team", "operator")),
                "incident-team",
                "failover/#");
    }

    private long auditSize() throws Exception {
        try (var lines = Files.lines(rig.auditDirectory().resolve(AuditLog.RECORDS))) {
            return lines.count();
        }
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(team.latest(ROOT + "/status"));
    }

    @Test
    void theWillSaysTheGatewayIsGoneAfterItsDelayAndSparkplugHearsItsDeath() throws Exception {
        start();
        try (MqttSubscriber host = MqttSubscriber.connect(
                broker.uri(),
                rig.pki().tlsContext(rig.pki().operator("incident-team", "operator")),
                "scada-host",
                "spBv1.0/#")) {
            await().atMost(WAIT).until(() -> status().path("online").asBoolean());
            // A rebirth for this host (the node was born before it subscribed).
            host.publish(
                    "spBv1.0/line-3/NCMD/child-gateway",
                    new org.eclipse.tahu.message.SparkplugBPayloadEncoder()
                            .getBytes(
                                    new org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder()
                                            .addMetric(new org.eclipse.tahu.message.model.Metric.MetricBuilder(
                                                            "Node Control/Rebirth",
                                                            org.eclipse.tahu.message.model.MetricDataType.Boolean,
                                                            true)
                                                    .createMetric())
                                            .createPayload(),
                                    false),
                    false);
            await().atMost(WAIT)
                    .until(() -> !host.on("spBv1.0/line-3/NBIRTH/child-gateway").isEmpty());
            Object born = MqttIT.metric(
                    MqttIT.sparkplug(
                            host.on("spBv1.0/line-3/NBIRTH/child-gateway").getLast()),
                    "bdSeq");

            rig.gateway().kill();
            await().atMost(WAIT).until(() -> !status().path("online").asBoolean(true));
            assertThat(status().path("reason").asText()).isEqualTo("the connection was lost");
            assertThat(status().path("gateway").asText()).isEqualTo("child-gateway");
            await().atMost(WAIT)
                    .until(() -> !host.on("spBv1.0/line-3/NDEATH/child-gateway").isEmpty());
            assertThat(MqttIT.metric(
                            MqttIT.sparkplug(host.on("spBv1.0/line-3/NDEATH/child-gateway")
                                    .getFirst()),
                            "bdSeq"))
                    .as("the NDEATH names the session of the NBIRTH")
                    .isEqualTo(born);
        }
    }

    @Test
    void aGatewayKilledWhileTheBrokerIsDownLosesNothing() throws Exception {
        start();
        TreeSet<Long> seen = new TreeSet<>(team.distinctSequences());
        team.close();
        team = null;
        broker.stop();

        String active = rig.activeId();
        rig.plc(active).faults().crash();
        await().atMost(WAIT)
                .until(() -> rig.events().stream()
                        .anyMatch(e -> e.path("type").asText().equals("SWITCHOVER_COMPLETED")));
        await().atMost(WAIT)
                .until(() -> rig.events().stream()
                        .anyMatch(e -> e.path("type").asText().equals("MQTT_UNREACHABLE")));
        rig.gateway().kill();

        broker.start();
        subscribe();
        rig.startGateway();
        await().atMost(WAIT).until(() -> team.events("MQTT_CONNECTED").size() >= 1);
        await().atMost(WAIT).until(() -> !team.events("SWITCHOVER_COMPLETED").isEmpty());
        long total = auditSize();
        await().atMost(WAIT).until(() -> {
            TreeSet<Long> all = new TreeSet<>(seen);
            all.addAll(team.distinctSequences());
            return all.containsAll(LongStream.range(0, total).boxed().toList());
        });
        List<MqttSubscriber.Received> switched = team.events("SWITCHOVER_COMPLETED");
        assertThat(JSON.readTree(switched.getFirst().payload())
                        .path("fields")
                        .path("from")
                        .asText())
                .isEqualTo(active);
    }
}
