package dev.failover.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.MqttConfig;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.scada.ServiceLevels;
import dev.failover.gateway.supervisor.Pair;
import dev.failover.gateway.supervisor.TagImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a Sparkplug B edge node (issue 15; docs/mqtt.md), for SCADA and unified-namespace
 * users, on a connection of its own (its Will is the NDEATH): NBIRTH with {@code bdSeq} and {@code
 * Node Control/Rebirth}; each pair a device, with DBIRTH and then DDATA by exception: the pair's state,
 * its active controller, ServiceLevel and alarms, each controller's role, condition and
 * reachability, and the pair's tags. A rebirth on request (NCMD {@code Node Control/Rebirth}); with a
 * primary host, births only while its STATE says online. {@code bdSeq} goes up by one at each
 * connection (0-255) and is kept in {@code <state>/mqtt/sparkplug-bdseq}. Tahu's payload codec, the
 * Paho v5 client. One thread ({@code sparkplug}); thread-safe.
 */
public final class SparkplugNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SparkplugNode.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NAMESPACE = "spBv1.0";
    static final String REBIRTH = "Node Control/Rebirth";
    static final String BD_SEQ = "bdSeq";
    private static final long CHECK_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 15_000;

    private final MqttConfig config;
    private final MqttConfig.Sparkplug sparkplug;
    private final SSLContext tls;
    private final Path bdSeqFile;
    private final List<? extends Pair> pairs;
    private final MqttAsyncClient client;
    private final Thread thread;
    private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();
    private volatile boolean running = true;
    private volatile boolean lost;
    private volatile boolean rebirth;
    /** The primary host's STATE: null before one was received (or with no primary host). */
    private volatile Boolean hostOnline;

    // The thread's own.
    private long bdSeq;
    private long seq;
    private boolean connected;
    private boolean born;
    private final Map<String, Map<String, Object>> published = new LinkedHashMap<>();

    private SparkplugNode(MqttConfig config, SSLContext tls, Path stateDirectory, List<? extends Pair> pairs)
            throws MqttException {
        this.config = config;
        this.sparkplug = Objects.requireNonNull(config.sparkplug(), "sparkplug");
        this.tls = tls;
        this.bdSeqFile = stateDirectory.resolve("mqtt").resolve("sparkplug-bdseq");
        this.pairs = List.copyOf(pairs);
        this.client = new MqttAsyncClient(
                config.brokers().getFirst().toString(), config.clientId() + "-sparkplug", new MemoryPersistence());
        client.setCallback(new Callback());
        this.thread = Thread.ofPlatform().name("sparkplug").daemon(true).unstarted(this::run);
    }

    /** Starts the node: connects in the background. */
    public static SparkplugNode start(
            MqttConfig config, SSLContext tls, Path stateDirectory, List<? extends Pair> pairs) throws IOException {
        try {
            SparkplugNode node = new SparkplugNode(config, tls, stateDirectory, pairs);
            node.bdSeq = node.readBdSeq();
            node.thread.start();
            return node;
        } catch (MqttException e) {
            throw new IOException("cannot set up the Sparkplug B client: " + e.getMessage(), e);
        }
    }

    private String topic(String type) {
        return NAMESPACE + "/" + sparkplug.groupId() + "/" + type + "/" + sparkplug.edgeNodeId();
    }

    private String deviceTopic(String type, String device) {
        return topic(type) + "/" + device;
    }

    private void run() {
        long backoff = 250;
        try {
            while (running) {
                if (!connected || lost || !client.isConnected()) {
                    connected = false;
                    born = false;
                    if (!connect()) {
                        sleep(backoff);
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                        continue;
                    }
                    backoff = 250;
                }
                step();
                sleep(CHECK_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Sparkplug B: the node stopped", e);
        }
    }

    private void step() {
        if (sparkplug.primaryHost() != null && !Boolean.TRUE.equals(hostOnline)) {
            if (born) {
                // The primary host went away: NDEATH, and births again once it is back (Sparkplug 3.0).
                log.warn("Sparkplug B: primary host {} is offline; waiting for it", sparkplug.primaryHost());
                publish(topic("NDEATH"), death(), 1);
                born = false;
            }
            return;
        }
        if (!born || rebirth) {
            rebirth = false;
            birth();
            return;
        }
        for (Pair pair : pairs) {
            Map<String, Object> now = metrics(pair);
            Map<String, Object> before = published.get(pair.pairName());
            List<Metric> changed = new ArrayList<>();
            now.forEach((name, value) -> {
                if (!value.equals(before.get(name))) {
                    changed.add(metric(name, value));
                }
            });
            if (!changed.isEmpty()) {
                publish(deviceTopic("DDATA", pair.pairName()), payload(changed, nextSeq()), 0);
                published.put(pair.pairName(), now);
            }
        }
    }

    /** NBIRTH, then a DBIRTH for each pair: everything again, from seq 0. */
    private void birth() {
        seq = 0;
        List<Metric> node = List.of(metric(BD_SEQ, bdSeq), metric(REBIRTH, false));
        publish(topic("NBIRTH"), payload(node, seq), 0);
        for (Pair pair : pairs) {
            Map<String, Object> now = metrics(pair);
            publish(
                    deviceTopic("DBIRTH", pair.pairName()),
                    payload(
                            now.entrySet().stream()
                                    .map(e -> metric(e.getKey(), e.getValue()))
                                    .toList(),
                            nextSeq()),
                    0);
            published.put(pair.pairName(), now);
        }
        born = true;
        log.info("Sparkplug B: born as {}/{} (bdSeq {})", sparkplug.groupId(), sparkplug.edgeNodeId(), bdSeq);
    }

    private long nextSeq() {
        seq = (seq + 1) % 256;
        return seq;
    }

    /** A pair's metrics by name, in a stable order: only what changes with the situation (no latency). */
    private static Map<String, Object> metrics(Pair pair) {
        PairStatus s = pair.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("State", s.state().name());
        m.put("Active", s.activeId() == null ? "" : s.activeId());
        m.put("ServiceLevel", ServiceLevels.of(s));
        m.put("Switchovers", s.switchovers());
        m.put(
                "Alarms",
                String.join(",", s.alarms().keySet().stream().map(Enum::name).toList()));
        for (ControllerConfig c : pair.config().controllers()) {
            Health h = s.health().get(c.id());
            String at = "Controllers/" + c.id() + "/";
            m.put(at + "Role", h == null ? "UNKNOWN" : h.role().name());
            m.put(at + "Condition", h == null ? "UNKNOWN" : h.condition().name());
            m.put(at + "Reachable", h != null && h.reachable());
            m.put(at + "Fenced", s.fenced().contains(c.id()));
        }
        for (Map.Entry<String, TagImage.Value> t : pair.tags().image().values().entrySet()) {
            m.put("Tags/" + t.getKey(), t.getValue().engineering());
            m.put("Tags/" + t.getKey() + "/Quality", t.getValue().quality().name());
        }
        return m;
    }

    private static Metric metric(String name, Object value) {
        MetricDataType type = switch (value) {
            case Boolean b -> MetricDataType.Boolean;
            case Integer i -> MetricDataType.Int32;
            case Long l -> MetricDataType.Int64;
            case Double d -> MetricDataType.Double;
            default -> MetricDataType.String;
        };
        try {
            return new Metric.MetricBuilder(name, type, type == MetricDataType.String ? value.toString() : value)
                    .createMetric();
        } catch (org.eclipse.tahu.SparkplugInvalidTypeException e) {
            throw new IllegalStateException("metric " + name + ": " + e.getMessage(), e);
        }
    }

    private byte[] payload(List<Metric> metrics, long sequence) {
        SparkplugBPayload p = new SparkplugBPayload.SparkplugBPayloadBuilder()
                .setTimestamp(new Date())
                .setSeq(sequence)
                .addMetrics(metrics)
                .createPayload();
        try {
            return encoder.getBytes(p, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a Sparkplug B payload: " + e.getMessage(), e);
        }
    }

    /** The NDEATH: the bdSeq of this connection, no seq. */
    private byte[] death() {
        SparkplugBPayload p = new SparkplugBPayload.SparkplugBPayloadBuilder()
                .setTimestamp(new Date())
                .addMetric(metric(BD_SEQ, bdSeq))
                .createPayload();
        try {
            return encoder.getBytes(p, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the NDEATH: " + e.getMessage(), e);
        }
    }

    private boolean connect() throws InterruptedException {
        bdSeq = (bdSeq + 1) % 256;
        writeBdSeq();
        MqttConnectionOptions options = Connections.options(config, tls, 0L);
        MqttMessage will = new MqttMessage(death());
        will.setQos(1);
        will.setRetained(false);
        options.setWill(topic("NDEATH"), will);
        try {
            client.connect(options)
                    .waitForCompletion(config.connectTimeout().toMillis()
                                    * config.brokers().size()
                            + 1_000);
            client.subscribe(topic("NCMD"), 1)
                    .waitForCompletion(config.connectTimeout().toMillis());
            if (sparkplug.primaryHost() != null) {
                hostOnline = null;
                client.subscribe(NAMESPACE + "/STATE/" + sparkplug.primaryHost(), 1)
                        .waitForCompletion(config.connectTimeout().toMillis());
            }
        } catch (MqttException e) {
            log.debug("Sparkplug B: cannot connect: {}", e.getMessage());
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1_000, false);
                }
            } catch (MqttException ignored) {
                // Abandoned: the next attempt starts over.
            }
            return false;
        }
        lost = false;
        connected = true;
        return true;
    }

    private void publish(String topic, byte[] payload, int qos) {
        try {
            client.publish(topic, payload, qos, false);
        } catch (MqttException e) {
            log.debug("Sparkplug B: publish on {}: {}", topic, e.getMessage());
            lost = true;
        }
    }

    private long readBdSeq() {
        try {
            return Files.exists(bdSeqFile)
                    ? Long.parseLong(Files.readString(bdSeqFile).trim()) % 256
                    : 255;
        } catch (IOException | NumberFormatException e) {
            log.warn("Sparkplug B: cannot read {} ({}); bdSeq starts at 0", bdSeqFile, e.getMessage());
            return 255;
        }
    }

    private void writeBdSeq() {
        try {
            Files.createDirectories(bdSeqFile.getParent());
            Path tmp = bdSeqFile.resolveSibling(bdSeqFile.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(bdSeq));
            Files.move(tmp, bdSeqFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("Sparkplug B: cannot write {}: {}", bdSeqFile, e.getMessage());
        }
    }

    private void sleep(long millis) throws InterruptedException {
        Connections.sleep(millis, () -> running);
    }

    /** Publishes the NDEATH (a clean stop sends no Will) and disconnects. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.publish(topic("NDEATH"), death(), 1, false).waitForCompletion(1_000);
                client.disconnect().waitForCompletion(1_000);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("Sparkplug B: close: {}", e.getMessage());
        }
    }

    private final class Callback extends Connections.Callback {
        @Override
        void lost() {
            lost = true;
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.debug("Sparkplug B: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (topic.startsWith(NAMESPACE + "/STATE/")) {
                try {
                    JsonNode state = JSON.readTree(new String(message.getPayload(), StandardCharsets.UTF_8));
                    hostOnline = state.path("online").asBoolean(false);
                } catch (IOException e) {
                    log.warn("Sparkplug B: a STATE message that is not JSON on {}", topic);
                }
                return;
            }
            try {
                SparkplugBPayload command =
                        new SparkplugBPayloadDecoder().buildFromByteArray(message.getPayload(), null);
                for (Metric m : command.getMetrics()) {
                    if (REBIRTH.equals(m.getName()) && Boolean.TRUE.equals(m.getValue())) {
                        log.info("Sparkplug B: rebirth requested");
                        rebirth = true;
                    }
                }
            } catch (Exception e) {
                log.warn("Sparkplug B: an NCMD that cannot be decoded: {}", e.getMessage());
            }
        }
    }
}
