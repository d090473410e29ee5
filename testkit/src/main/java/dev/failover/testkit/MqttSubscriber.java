package dev.failover.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

/**
 * The incident team in a test: an MQTT v5 client of its own (its own certificate, its own
 * connection) subscribed to the gateway's topics, keeping every message it receives and the last
 * retained value of each topic. Independent of the gateway's code. Thread-safe.
 */
public final class MqttSubscriber implements AutoCloseable {

    /** One message received. */
    public record Received(String topic, byte[] bytes, Map<String, String> user, boolean retained, Instant arrived) {

        /** The payload as UTF-8 text (the JSON topics). */
        public String payload() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The {@code sequence} user property: the audit record's index. */
        public long sequence() {
            return Long.parseLong(user.get("sequence"));
        }

        public boolean isEvent() {
            return topic.contains("/events/");
        }
    }

    private final MqttClient client;
    private final MqttConnectionOptions options;
    private final String filter;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.function.Predicate<Received> keep = r -> true;
    private final Map<String, String> latest = new ConcurrentHashMap<>();

    private MqttSubscriber(MqttClient client, MqttConnectionOptions options, String filter) {
        this.client = client;
        this.options = options;
        this.filter = filter;
    }

    /** Connects to {@code uri} over TLS with {@code tls} as {@code clientId} and subscribes to {@code filter} at QoS 1. */
    public static MqttSubscriber connect(String uri, SSLContext tls, String clientId, String filter)
            throws MqttException {
        return connect(uri, tls, clientId, filter, false);
    }

    /**
     * As {@link #connect(String, SSLContext, String, String)}; with {@code persistent}, a session the
     * broker keeps for an hour (across its restarts, when it persists): the QoS 1 messages published
     * while this subscriber is away wait for its {@link #reconnect()}, as an incident team's would.
     */
    public static MqttSubscriber connect(String uri, SSLContext tls, String clientId, String filter, boolean persistent)
            throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setCleanStart(!persistent);
        if (persistent) {
            options.setSessionExpiryInterval(3_600L);
        }
        MqttSubscriber s = new MqttSubscriber(new MqttClient(uri, clientId, new MemoryPersistence()), options, filter);
        s.client.setCallback(s.new Callback());
        s.client.connect(options);
        s.client.subscribe(filter, 1);
        return s;
    }

    /** Connects again (after the broker restarted), with the same session options. */
    public void reconnect() throws MqttException {
        if (client.isConnected()) {
            return;
        }
        client.connect(options);
        if (options.isCleanStart()) {
            client.subscribe(filter, 1);
        }
    }

    /** How many messages were received (kept or not). */
    public int count() {
        return count.get();
    }

    /** Keeps only the messages {@code which} accepts from now on (a benchmark's 100,000 are counted only). */
    public void keepOnly(java.util.function.Predicate<Received> which) {
        keep = which;
    }

    /** Forgets what was received, and the count. */
    public void clear() {
        received.clear();
        count.set(0);
    }

    /** Every message received, in the order received. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The event messages received, in the order received. */
    public List<Received> events() {
        return received.stream().filter(Received::isEvent).toList();
    }

    /** The event messages of {@code type} (the last topic level). */
    public List<Received> events(String type) {
        return events().stream().filter(r -> r.topic().endsWith("/" + type)).toList();
    }

    /** The sequences of the event messages received, each once, sorted. */
    public List<Long> distinctSequences() {
        return events().stream().map(Received::sequence).distinct().sorted().toList();
    }

    /** Every message received on a topic that starts with {@code prefix}, in the order received. */
    public List<Received> on(String prefix) {
        return received.stream().filter(r -> r.topic().startsWith(prefix)).toList();
    }

    /** Publishes {@code payload} on {@code topic} (a Sparkplug host's NCMD or STATE, in tests). */
    public void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        client.publish(topic, payload, 1, retained);
    }

    /** The last payload received on {@code topic}, or empty text. */
    public String latest(String topic) {
        return latest.getOrDefault(topic, "");
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            MqttProperties p = message.getProperties();
            Map<String, String> user = p == null || p.getUserProperties() == null
                    ? Map.of()
                    : p.getUserProperties().stream()
                            .collect(Collectors.toMap(UserProperty::getKey, UserProperty::getValue, (a, b) -> b));
            latest.put(topic, payload);
            Received r = new Received(topic, message.getPayload(), user, message.isRetained(), Instant.now());
            if (keep.test(r)) {
                received.add(r);
            }
            count.incrementAndGet();
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
