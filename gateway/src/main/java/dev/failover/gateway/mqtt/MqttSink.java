package dev.failover.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.audit.AuditRecords;
import dev.failover.gateway.audit.Checkpoint;
import dev.failover.gateway.audit.LogRecord;
import dev.failover.gateway.audit.RecordCursor;
import dev.failover.gateway.config.MqttConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.posture.PostureStatus;
import dev.failover.gateway.supervisor.Pair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports to incident response over MQTT v5 (issue 15; docs/mqtt.md): every event of the gateway as
 * one QoS 1 message, the state of each pair and the gateway's own as retained messages, and the audit
 * log's latest signed checkpoint.
 *
 * <p>The outbox is the audit log: an event is published only once its record is on disk, and the
 * publisher is a cursor over the log that advances only on the broker's PUBACK and is kept in {@code
 * <state>/mqtt/cursor.json}. A broker outage or a gateway restart therefore loses nothing: at the next
 * connection the records from the first one not acknowledged are published again, in order (at least
 * once: consumers drop duplicates by the {@code event-id} user property, and find gaps by {@code
 * sequence}, the record's index in the audit log). Two lanes: the records that become durable while
 * connected go out at once (live); what an outage held back follows them (backfill), so a backlog
 * never delays a live failover message.
 *
 * <p>One thread ({@code mqtt}) connects, reconnects with a back-off, and publishes; Paho's own
 * reconnect and offline buffer are not used (docs/mqtt.md says why). The gateway's online state is
 * a retained message with an MQTT 5 Will, delayed by {@code willDelay} so that a short blip pages no
 * one. Control never waits for any of this. Thread-safe.
 */
public final class MqttSink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** QoS 1 messages in flight at most: below mosquitto's default receive maximum (20). */
    static final int WINDOW = 16;

    private static final int LIVE_QUEUE = 10_000;
    private static final int BACKFILL_CHUNK = 64;
    private static final long STATE_CHECK_MILLIS = 100;
    private static final long CURSOR_WRITE_MILLIS = 500;
    private static final long MIN_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 15_000;
    private static final long REFUSAL_BACKOFF_MILLIS = 1_000;
    private static final long MAX_REFUSAL_BACKOFF_MILLIS = 60_000;
    static final String CURSOR_FILE = "cursor.json";

    /** Which lane a message went out on: its {@code lane} user property. */
    enum Lane {
        LIVE,
        BACKFILL
    }

    private final MqttConfig config;
    private final String gateway;
    private final Topics topics;
    private final SSLContext tls;
    private final AuditLog outbox;
    private final Path cursorFile;
    private final List<? extends Pair> pairs;
    private final Function<String, Optional<PostureStatus>> posture;
    private final EventSink events;
    private final Clock clock;
    private final String boot = UUID.randomUUID().toString();
    private final MqttAsyncClient client;
    private final Thread sender;
    private final BlockingQueue<LogRecord> live = new ArrayBlockingQueue<>(LIVE_QUEUE);
    private volatile boolean liveOverflow;
    private volatile boolean running = true;
    private volatile boolean lost;
    private volatile String checkpoint;
    /** A publish was refused since the last connection: reconnect after a growing back-off, quietly. */
    private volatile boolean refusal;

    // The sender thread's own.
    private AckWindow acks;
    private Semaphore window = new Semaphore(WINDOW);
    private RecordCursor backfill;
    private long liveFrom;
    private volatile boolean connected;
    private boolean unreachable;
    private boolean refusalReported;
    private long refusalBackoff = REFUSAL_BACKOFF_MILLIS;
    private long ackedAtConnect;
    private final Map<String, String> published = new HashMap<>();
    private long cursorWritten = -1;
    private long retainedCheckedNanos;
    private long cursorWrittenAt;

    private MqttSink(
            MqttConfig config,
            String gateway,
            SSLContext tls,
            AuditLog outbox,
            Path stateDirectory,
            List<? extends Pair> pairs,
            Function<String, Optional<PostureStatus>> posture,
            EventSink events,
            Clock clock)
            throws MqttException {
        this.config = config;
        this.gateway = gateway;
        this.topics = Topics.of(config, gateway);
        this.tls = tls;
        this.outbox = outbox;
        this.cursorFile = stateDirectory.resolve("mqtt").resolve(CURSOR_FILE);
        this.pairs = List.copyOf(pairs);
        this.posture = posture;
        this.events = events;
        this.clock = clock;
        this.client =
                new MqttAsyncClient(config.brokers().getFirst().toString(), config.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
        this.sender = Thread.ofPlatform().name("mqtt").daemon(true).unstarted(this::run);
    }

    /**
     * Starts reporting: connects in the background (the gateway never waits for the broker).
     *
     * @param tls the gateway's TLS context under the plant PKI (null only with {@code insecure})
     * @param outbox the audit log, read from its files and followed as it grows
     * @param stateDirectory where the cursor is kept ({@code mqtt/cursor.json})
     * @param posture each pair's posture, when the gateway watches it
     * @param events where the sink reports its own trouble (the event bus)
     */
    public static MqttSink start(
            MqttConfig config,
            String gateway,
            SSLContext tls,
            AuditLog outbox,
            Path stateDirectory,
            List<? extends Pair> pairs,
            Function<String, Optional<PostureStatus>> posture,
            EventSink events,
            Clock clock)
            throws IOException {
        if (!config.insecure() && tls == null) {
            throw new IllegalArgumentException("MQTT over TLS needs the gateway's TLS context");
        }
        try {
            MqttSink sink = new MqttSink(config, gateway, tls, outbox, stateDirectory, pairs, posture, events, clock);
            outbox.onDurable(sink::durable);
            outbox.onCheckpoint(sink::checkpoint);
            sink.sender.start();
            return sink;
        } catch (MqttException e) {
            throw new IOException("cannot set up the MQTT client: " + e.getMessage(), e);
        }
    }

    /** The topic tree. */
    public String topicRoot() {
        return topics.root();
    }

    /** Whether the sink is connected to a broker now. */
    public boolean connected() {
        return connected && !lost;
    }

    /** The first audit record the broker has not acknowledged (every one before it has been). */
    public long acknowledgedUpTo() {
        AckWindow a = acks;
        return a == null ? -1 : a.next();
    }

    private void durable(List<LogRecord> records) {
        for (LogRecord r : records) {
            if (!live.offer(r)) {
                // Still in the log: the sender publishes it from there.
                liveOverflow = true;
                return;
            }
        }
    }

    private void checkpoint(String note, Checkpoint c) {
        ObjectNode node = JSON.createObjectNode();
        node.put("size", c.size());
        node.put("root", HexFormat.of().formatHex(c.root()));
        node.put("time", c.time().toString());
        node.put("note", note);
        checkpoint = node.toString();
    }

    private void run() {
        try {
            if (!outbox.awaitOpen(Duration.ofMinutes(10))) {
                log.error("MQTT: the audit log was not read back within 10 minutes; nothing is published");
                return;
            }
            acks = new AckWindow(startAt());
            long backoff = MIN_BACKOFF_MILLIS;
            while (running) {
                if (!connected || lost || !client.isConnected()) {
                    if (connected && refusal) {
                        // Refused, not lost: no MQTT_UNREACHABLE; published again after a back-off that
                        // grows while the broker goes on refusing.
                        connected = false;
                        closeQuietly();
                        if (acks.next() > ackedAtConnect) {
                            refusalBackoff = REFUSAL_BACKOFF_MILLIS;
                        }
                        sleep(refusalBackoff);
                        refusalBackoff = Math.min(refusalBackoff * 2, MAX_REFUSAL_BACKOFF_MILLIS);
                    } else if (connected) {
                        disconnected("the connection was lost");
                    }
                    refusal = false;
                    if (!connect()) {
                        sleep(backoff);
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                        continue;
                    }
                    backoff = MIN_BACKOFF_MILLIS;
                }
                step();
                keepCursor(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("MQTT: the publisher stopped", e);
        }
    }

    /**
     * Where the cursor file says to resume; without one (the first start with MQTT), this run's first
     * record: the history before it is in the audit log, not replayed to the broker.
     */
    private long startAt() {
        long size = outbox.durableSize();
        if (!Files.exists(cursorFile)) {
            return outbox.foundAtStart();
        }
        try {
            JsonNode node = JSON.readTree(cursorFile.toFile());
            long next = node.path("next").asLong(-1);
            if (next < 0) {
                throw new IOException("no 'next' index");
            }
            if (next > size) {
                log.warn(
                        "MQTT: the cursor ({}) is beyond the audit log ({} records): the log was begun anew;"
                                + " publishing it from its start",
                        next,
                        size);
                return 0;
            }
            return next;
        } catch (IOException e) {
            log.warn("MQTT: cannot read {} ({}): publishing from this run's first record", cursorFile, e.getMessage());
            return outbox.foundAtStart();
        }
    }

    /** One turn: changed retained state, then live records, then the backlog, a chunk at a time. */
    private void step() throws InterruptedException {
        publishRetained();
        if (liveOverflow) {
            liveOverflow = false;
            live.clear();
            liveFrom = outbox.durableSize();
        }
        LogRecord next = live.poll();
        if (next != null) {
            if (next.index() >= liveFrom) {
                publish(next, Lane.LIVE);
            }
            return;
        }
        if (backfill.next() < liveFrom) {
            List<LogRecord> chunk;
            try {
                chunk = backfill.read((int) Math.min(BACKFILL_CHUNK, liveFrom - backfill.next()));
            } catch (IOException e) {
                log.warn("MQTT: cannot read the audit log: {}", e.getMessage());
                sleep(MIN_BACKOFF_MILLIS);
                return;
            }
            for (LogRecord r : chunk) {
                LogRecord first;
                while ((first = live.poll()) != null) {
                    if (first.index() >= liveFrom) {
                        publish(first, Lane.LIVE);
                    }
                }
                publish(r, Lane.BACKFILL);
                if (lost) {
                    return;
                }
            }
            return;
        }
        next = live.poll(STATE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        if (next != null && next.index() >= liveFrom) {
            publish(next, Lane.LIVE);
        }
    }

    private boolean connect() throws InterruptedException {
        // Our outbox is the audit log: no session state to keep at the broker, but the session must outlive
        // the Will's delay for the delay to count.
        MqttConnectionOptions options =
                Connections.options(config, tls, config.willDelay().toSeconds());
        MqttMessage will =
                new MqttMessage(online(false, "the connection was lost").getBytes(StandardCharsets.UTF_8));
        will.setQos(1);
        will.setRetained(true);
        options.setWill(topics.status(), will);
        MqttProperties willProperties = new MqttProperties();
        willProperties.setWillDelayInterval(config.willDelay().toSeconds());
        willProperties.setContentType("application/json");
        willProperties.setPayloadFormat(true);
        options.setWillMessageProperties(willProperties);
        try {
            client.connect(options)
                    .waitForCompletion(config.connectTimeout().toMillis()
                                    * config.brokers().size()
                            + 1_000);
        } catch (MqttException e) {
            unreachable(e);
            closeQuietly();
            return false;
        }
        if (!client.isConnected()) {
            unreachable(new IOException("no answer within " + config.connectTimeout()));
            closeQuietly();
            return false;
        }
        lost = false;
        connected = true;
        ackedAtConnect = acks.next();
        window = new Semaphore(WINDOW);
        published.clear();
        refusalReported = false;
        long resume = acks.next();
        try {
            backfill = outbox.cursor(resume);
        } catch (IOException e) {
            log.warn("MQTT: cannot read the audit log from record {}: {}", resume, e.getMessage());
            disconnected("the audit log cannot be read");
            return false;
        }
        liveFrom = outbox.durableSize();
        String broker = client.getCurrentServerURI();
        log.info("MQTT: connected to {} as {}; publishing from audit record {}", broker, config.clientId(), resume);
        unreachable = false;
        retained(topics.status(), online(true, "connected"));
        events.publish(new GatewayEvent(
                clock.instant(),
                "",
                "",
                "reporting to MQTT broker " + broker + " under " + topics.root() + ", from audit record " + resume,
                new GatewayDetail.MqttConnected(broker, resume)));
        return true;
    }

    private void unreachable(Exception e) {
        String reason =
                e.getCause() != null ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
        if (!unreachable) {
            unreachable = true;
            log.warn("MQTT: cannot reach {}: {}", config.brokers(), reason);
            events.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "the MQTT broker cannot be reached (" + reason + "): the events wait in the audit log",
                    new GatewayDetail.MqttUnreachable(config.brokers().toString(), String.valueOf(reason))));
        } else {
            log.debug("MQTT: still cannot reach {}: {}", config.brokers(), reason);
        }
    }

    private void disconnected(String why) {
        connected = false;
        log.warn("MQTT: {}; reconnecting", why);
        if (!unreachable) {
            unreachable = true;
            events.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "the MQTT broker cannot be reached (" + why + "): the events wait in the audit log",
                    new GatewayDetail.MqttUnreachable(config.brokers().toString(), why)));
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1_000, false);
            }
        } catch (MqttException e) {
            log.debug("MQTT: disconnect: {}", e.getMessage());
        }
    }

    private String online(boolean online, String reason) {
        ObjectNode node = JSON.createObjectNode();
        node.put("gateway", gateway);
        node.put("online", online);
        node.put("reason", reason);
        node.put("boot", boot);
        node.put("time", clock.instant().toString());
        return node.toString();
    }

    /**
     * The pairs' state and the latest checkpoint, each published again only when it changed; looked at
     * every {@link #STATE_CHECK_MILLIS} (not once per event: a burst of events would rebuild the same
     * state thousands of times).
     */
    private void publishRetained() throws InterruptedException {
        long now = System.nanoTime();
        if (!published.isEmpty() && now - retainedCheckedNanos < STATE_CHECK_MILLIS * 1_000_000) {
            return;
        }
        retainedCheckedNanos = now;
        for (Pair pair : pairs) {
            String state =
                    PairStateJson.of(pair, posture.apply(pair.pairName())).toString();
            String topic = topics.state(pair.pairName());
            if (!state.equals(published.get(topic)) && retained(topic, state)) {
                published.put(topic, state);
            }
        }
        String c = checkpoint;
        if (c != null && !c.equals(published.get(topics.checkpoint())) && retained(topics.checkpoint(), c)) {
            published.put(topics.checkpoint(), c);
        }
    }

    private boolean retained(String topic, String json) throws InterruptedException {
        MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        message.setRetained(true);
        message.setProperties(jsonProperties(List.of()));
        return send(topic, message, -1);
    }

    /** Publishes one audit record on its event topic. */
    private void publish(LogRecord record, Lane lane) throws InterruptedException {
        JsonNode node;
        try {
            node = AuditRecords.parse(record.bytes());
        } catch (IOException e) {
            log.error("MQTT: audit record {} is not JSON; skipped", record.index());
            acks.ack(record.index());
            return;
        }
        MqttMessage message = new MqttMessage(record.bytes());
        message.setQos(1);
        message.setRetained(false);
        message.setProperties(jsonProperties(List.of(
                new UserProperty("event-id", node.path("eventId").asText()),
                new UserProperty("sequence", Long.toString(record.index())),
                new UserProperty("lane", lane.name().toLowerCase(java.util.Locale.ROOT)),
                new UserProperty("gateway", gateway))));
        send(
                topics.event(
                        node.path("category").asText("system"),
                        node.path("type").asText("EVENT")),
                message,
                record.index());
    }

    private static MqttProperties jsonProperties(List<UserProperty> user) {
        MqttProperties properties = new MqttProperties();
        properties.setContentType("application/json");
        properties.setPayloadFormat(true);
        if (!user.isEmpty()) {
            properties.setUserProperties(new ArrayList<>(user));
        }
        return properties;
    }

    /**
     * Publishes within the window of messages in flight; {@code index} (or -1 for a retained message)
     * is acknowledged on the broker's PUBACK. False when the connection is gone.
     */
    private boolean send(String topic, MqttMessage message, long index) throws InterruptedException {
        Semaphore permits = window;
        while (!permits.tryAcquire(STATE_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
            if (lost || !running) {
                return false;
            }
        }
        try {
            client.publish(topic, message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    permits.release();
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        refused(topic, index, "reason code 0x" + Integer.toHexString(codes[0]));
                    } else if (index >= 0) {
                        acks.ack(index);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    permits.release();
                    if (failure instanceof MqttException e && e.getReasonCode() >= 0x80 && e.getReasonCode() < 0x100) {
                        refused(
                                topic,
                                index,
                                failure.getMessage() + " (0x" + Integer.toHexString(e.getReasonCode()) + ")");
                    } else {
                        lost = true;
                    }
                }
            });
            return true;
        } catch (MqttException e) {
            permits.release();
            log.debug("MQTT: publish on {}: {}", topic, e.getMessage());
            lost = true;
            return false;
        }
    }

    /** The broker refused a publish: reported once a connection, and everything from it is published again. */
    private void refused(String topic, long index, String reason) {
        refusal = true;
        synchronized (this) {
            if (refusalReported) {
                return;
            }
            refusalReported = true;
        }
        log.error("MQTT: the broker refused a publish on {}: {}", topic, reason);
        events.publish(new GatewayEvent(
                clock.instant(),
                "",
                "",
                "the MQTT broker refused a publish on " + topic + " (" + reason + "): check its ACL for "
                        + topics.all(),
                new GatewayDetail.MqttRefused(topic, reason)));
        // Published again from the first record not acknowledged, after a reconnect with a back-off.
        lost = true;
    }

    /** Writes the cursor when it moved, at most every {@link #CURSOR_WRITE_MILLIS} unless {@code now}. */
    private void keepCursor(boolean now) {
        if (acks == null) {
            return;
        }
        long next = acks.next();
        long at = System.nanoTime();
        if (next == cursorWritten || (!now && (at - cursorWrittenAt) / 1_000_000 < CURSOR_WRITE_MILLIS)) {
            return;
        }
        try {
            Files.createDirectories(cursorFile.getParent());
            Path tmp = cursorFile.resolveSibling(CURSOR_FILE + ".tmp");
            ObjectNode node = JSON.createObjectNode();
            node.put("next", next);
            node.put("log", outbox.directory().toString());
            node.put("time", clock.instant().toString());
            try (var channel = java.nio.channels.FileChannel.open(
                    tmp,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(node.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(false);
            }
            Files.move(tmp, cursorFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            cursorWritten = next;
            cursorWrittenAt = at;
        } catch (IOException e) {
            log.warn("MQTT: cannot write {}: {}", cursorFile, e.getMessage());
        }
    }

    private void sleep(long millis) throws InterruptedException {
        Connections.sleep(millis, () -> running);
    }

    /**
     * Stops: publishes what is already queued for up to a second, the gateway offline (retained), and
     * disconnects normally (the Will is not sent then); keeps the cursor.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (connected
                && !lost
                && acks != null
                && acks.next() < outbox.durableSize()
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                MqttMessage offline = new MqttMessage(online(false, "stopped").getBytes(StandardCharsets.UTF_8));
                offline.setQos(1);
                offline.setRetained(true);
                offline.setProperties(jsonProperties(List.of()));
                client.publish(topics.status(), offline).waitForCompletion(1_000);
                window.tryAcquire(WINDOW, 1, TimeUnit.SECONDS);
                client.disconnect().waitForCompletion(1_000);
            }
        } catch (MqttException e) {
            log.debug("MQTT: close: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        keepCursor(true);
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("MQTT: close: {}", e.getMessage());
        }
    }

    private final class Callback extends Connections.Callback {
        @Override
        void lost() {
            lost = true;
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.debug("MQTT: {}", exception.getMessage());
        }
    }
}
