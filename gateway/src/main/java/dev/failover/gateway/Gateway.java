package dev.failover.gateway;

import dev.failover.gateway.anomaly.AnomalyWatch;
import dev.failover.gateway.audit.AuditLog;
import dev.failover.gateway.box.AutoDetectedGpio;
import dev.failover.gateway.box.BoxController;
import dev.failover.gateway.command.CommandGuard;
import dev.failover.gateway.command.CommandService;
import dev.failover.gateway.command.PkiSignerChecker;
import dev.failover.gateway.config.AuditConfig;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.FailoverPolicy.UnreachableActive;
import dev.failover.gateway.config.FenceConfig;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.MqttConfig;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.control.ControlServer;
import dev.failover.gateway.durable.GroupCommit;
import dev.failover.gateway.events.CommandDetail;
import dev.failover.gateway.events.EventBus;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.JsonLinesEventLog;
import dev.failover.gateway.events.LogEventSink;
import dev.failover.gateway.events.RecentEvents;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.events.SecurityDetail;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.fence.SimFence;
import dev.failover.gateway.health.PauseDetector;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.PendingCommand;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.Links;
import dev.failover.gateway.mqtt.MqttSink;
import dev.failover.gateway.mqtt.SparkplugNode;
import dev.failover.gateway.posture.PostureWatch;
import dev.failover.gateway.scada.ScadaServer;
import dev.failover.gateway.supervisor.PairSupervisor;
import dev.failover.hardware.HardwareConfig;
import dev.failover.hardware.PairHardware;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: one {@link PairSupervisor} per configured pair, the event sinks and the local
 * control endpoint, built from a validated {@link GatewayConfig}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final Duration MAX_RECONNECT_BACKOFF = Duration.ofSeconds(1);
    private static final Duration FENCE_TIMEOUT = Duration.ofMillis(250);
    /** How long a signer's positive certificate check is reused (a new CRL file ends it at once). */
    private static final Duration SIGNER_VERDICT_TTL = Duration.ofSeconds(10);

    private final GatewayConfig config;
    private final EventBus events = new EventBus();
    /** How long closing waits for the events still queued to be written. */
    private static final Duration EVENTS_CLOSE_WAIT = Duration.ofSeconds(2);

    private final RecentEvents recent = new RecentEvents(500);
    private final List<PairSupervisor> supervisors = new ArrayList<>();
    private final Function<HardwareConfig, PairHardware> hardware;
    private final AutoDetectedGpio ownedGpio;
    private final Map<String, BoxController> boxes = new LinkedHashMap<>();
    private PauseDetector pauses;
    private JsonLinesEventLog eventLog;
    private ControlServer control;
    private GatewaySecurity security;
    private AuditLog audit;
    /** Set once the gateway has started: it then says when it stops. */
    private volatile Clock clock;

    private CommandService commands;
    private ScadaServer scada;
    private RefusalReporter refusals;
    private PostureWatch posture;
    private AnomalyWatch anomalies;
    private MqttSink mqtt;
    private SparkplugNode sparkplug;

    private Gateway(GatewayConfig config, Function<HardwareConfig, PairHardware> hardware, AutoDetectedGpio owned) {
        this.config = config;
        this.hardware = hardware;
        this.ownedGpio = owned;
    }

    /**
     * Builds and starts the gateway. On failure everything already started is closed again.
     *
     * @param extra an additional event sink (the bench's progress output), or {@code null}
     */
    public static Gateway start(GatewayConfig config, Ticker ticker, Clock clock, EventSink extra) throws IOException {
        // Pi4J starts only if some pair has a box, so a gateway without one runs on any machine.
        AutoDetectedGpio gpio = new AutoDetectedGpio();
        return start(new Gateway(config, gpio, gpio), ticker, clock, extra);
    }

    /**
     * As {@link #start(GatewayConfig, Ticker, Clock, EventSink)}, with the box I/O of each pair that has
     * a box opened through {@code hardware} (tests: a Pi4J mock context). The caller owns what {@code
     * hardware} opens besides the pairs' I/O, which the gateway closes.
     */
    public static Gateway start(
            GatewayConfig config,
            Ticker ticker,
            Clock clock,
            EventSink extra,
            Function<HardwareConfig, PairHardware> hardware)
            throws IOException {
        return start(new Gateway(config, hardware, null), ticker, clock, extra);
    }

    private static Gateway start(Gateway gateway, Ticker ticker, Clock clock, EventSink extra) throws IOException {
        try {
            gateway.startParts(ticker, clock, extra);
            return gateway;
        } catch (IOException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void startParts(Ticker ticker, Clock clock, EventSink extra) throws IOException {
        pauses = PauseDetector.start(ticker, pauseTolerance(config));
        // The log and the event log are written on the bus's writer thread: a failover decided on a
        // supervisor's thread must not wait on a disk (see EventBus).
        events.add(recent).addWriter(new LogEventSink());
        if (extra != null) {
            events.add(extra);
        }
        if (config.eventLog() != null) {
            eventLog = new JsonLinesEventLog(config.eventLog());
            events.addWriter(eventLog);
        }
        if (config.security() != null) {
            security = GatewaySecurity.open(config.security(), clock);
            // Before anything publishes: the rules see every event from the start.
            anomalies = new AnomalyWatch(config.security().anomalies(), events, clock);
            events.add(anomalies);
            openAudit(clock);
        } else {
            events.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "no security section: the "
                            + "gateway takes no commands and reaches every controller over plain Modbus TCP",
                    new SecurityDetail.InsecureMode()));
        }
        this.clock = clock;
        events.publish(new GatewayEvent(
                clock.instant(),
                "",
                "",
                "gateway " + config.name() + " starting with " + config.pairs().size() + " pair(s)"
                        + (config.source() == null ? "" : " from " + config.source()),
                new GatewayDetail.GatewayStarted(
                        config.source() == null ? "" : config.source().toString(),
                        configHash(),
                        config.pairs().size(),
                        config.security() != null)));
        for (PairConfig pair : config.pairs()) {
            BoxController box = null;
            if (pair.box() != null) {
                box = BoxController.open(pair, hardware);
                boxes.put(pair.name(), box);
            }
            PairSupervisor supervisor = supervisor(pair, ticker, clock, box);
            supervisors.add(supervisor);
            if (security != null) {
                supervisor.attachStateDirectory(config.security().stateDirectory());
            } else if (pair.controllers().stream().anyMatch(c -> c.fence() != null)) {
                log.warn(
                        "pair {}: fence actions are not recorded (no security section, so no state directory); a"
                                + " restarted gateway learns the fences from their relays only",
                        pair.name());
            }
            if (box != null) {
                box.attach(supervisor);
                events.add(box);
            }
        }
        refusals = new RefusalReporter(events, clock, RefusalReporter.DEFAULT_INTERVAL);
        if (security == null) {
            control = new ControlServer(
                    config.controlHost(),
                    config.controlPort(),
                    config.controlHandshakeTimeout(),
                    supervisors,
                    null,
                    null,
                    pauses::figures,
                    refusals);
        } else {
            CommandGuard guard = new CommandGuard(
                    config.security().commands(),
                    config.pairs(),
                    new PkiSignerChecker(security.verifier(), config.security().crl(), clock, SIGNER_VERDICT_TTL),
                    security.nonces(),
                    clock);
            CommandJournal journal = security.journal();
            // What a crash interrupted was written by this gateway, maybe to the active: the mirror
            // must not take it for a change nobody authorised.
            List<dev.failover.gateway.journal.PendingCommand> interrupted = journal.pending();
            settleJournal(journal, clock);
            supervisors.forEach(s -> s.attachJournal(journal, interrupted));
            commands = new CommandService(guard, supervisors, journal, events, clock, refusals);
            control = new ControlServer(
                    config.controlHost(),
                    config.controlPort(),
                    config.controlHandshakeTimeout(),
                    supervisors,
                    security.tls(),
                    commands,
                    pauses::figures,
                    refusals);
        }
        if (config.scadaServer().isPresent()) {
            // Started before the polls: its start-up (Netty, class loading) must not delay the first polls.
            // The loader requires the security section (with security.opcua) wherever there is an OPC UA server.
            scada = ScadaServer.start(
                    config.scadaServer().get(),
                    security.opcUa().orElseThrow(),
                    security.verifier(),
                    config.security().crl(),
                    supervisors,
                    commands,
                    refusals);
            if (audit != null) {
                scada.showAudit(audit);
            }
        }
        supervisors.forEach(PairSupervisor::start);
        if (security != null) {
            posture = new PostureWatch(
                    config.security().posture(), security.tls(), security.certificate(), supervisors, clock, events);
            events.add(posture);
            control.showPosture(posture);
            if (scada != null) {
                scada.showPosture(posture);
            }
            posture.start();
        }
        if (config.mqttSink().isPresent()) {
            startMqtt(config.mqttSink().get(), clock);
        }
        log.info("gateway {} running, control endpoint {}:{}", config.name(), config.controlHost(), control.port());
    }

    /** The SHA-256 of the configuration file as it was read, empty when there is none (or it is gone). */
    private String configHash() {
        if (config.source() == null) {
            return "";
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(config.source())));
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    private PairSupervisor supervisor(PairConfig pair, Ticker ticker, Clock clock, BoxController box) {
        Map<String, ControllerLink> links = new HashMap<>();
        Map<String, Fence> fences = new HashMap<>();
        for (ControllerConfig c : pair.controllers()) {
            boolean plain = security == null || c.endpoint().insecure();
            links.put(
                    c.id(),
                    Links.create(
                            pair,
                            c,
                            MAX_RECONNECT_BACKOFF,
                            ticker,
                            security == null ? null : security.tls(),
                            security == null ? null : security.opcUa().orElse(null),
                            clock));
            if (c.fence() != null) {
                fences.put(c.id(), fence(c.id(), c.fence(), box, clock));
            }
            if (plain) {
                insecure(
                        pair,
                        c.id(),
                        "controller " + c.id() + " is reached over plain Modbus TCP: no authentication, no "
                                + "encryption, anyone on the network can write to it",
                        clock);
            }
        }
        if (pair.failover().unreachableActive() == UnreachableActive.PRESUME_DOWN) {
            insecure(
                    pair,
                    "",
                    "unreachableActive is presume-down: the standby may be promoted while the old active "
                            + "still drives the process (safety rule 1 relaxed, after "
                            + pair.failover().presumeDownAfter()
                            + ")",
                    clock);
        }
        return new PairSupervisor(pair, links, fences, ticker, clock, events, pauses);
    }

    /**
     * Reports what the journal recovered at open, and ends the commands a crash interrupted: they were
     * never acknowledged, so they are recorded failed (never replayed, never applied twice); what the
     * acknowledged ones owe a controller is still delivered.
     */
    private void settleJournal(CommandJournal journal, Clock clock) throws IOException {
        journal.recovery()
                .ifPresent(r -> events.publish(new GatewayEvent(
                        clock.instant(),
                        "",
                        "",
                        r.message(),
                        new GatewayDetail.JournalRecovered(
                                r.file().toString(), r.truncatedAtOffset(), r.bytesDropped()))));
        for (PendingCommand p : journal.pending()) {
            String why = "the gateway stopped before command " + p.command().commandId() + " was acknowledged"
                    + (p.appliedToActive()
                            ? " (it had been written to the active controller)"
                            : " (no controller had confirmed the write; it may have reached the active)");
            journal.failed(p.command().commandId(), why);
            events.publish(new GatewayEvent(
                    clock.instant(),
                    p.command().pair(),
                    "",
                    why + "; not replayed",
                    new CommandDetail.CommandFailed(
                            p.command().commandId(),
                            null,
                            null,
                            // Its value may be in force although it was never acknowledged: say so apart.
                            p.appliedToActive() ? "GATEWAY_RESTARTED_AFTER_WRITE" : "GATEWAY_RESTARTED")));
        }
    }

    /**
     * A stall of the gateway longer than this may have delayed an answer past its timeout: a third of
     * the shortest response timeout of any pair, at least 2 ms (the detector's own wake-up jitter).
     */
    static Duration pauseTolerance(GatewayConfig config) {
        Duration shortest = config.pairs().stream()
                .map(p -> p.failover().responseTimeout())
                .min(Duration::compareTo)
                .orElse(Duration.ofMillis(15));
        Duration third = shortest.dividedBy(3);
        return third.compareTo(Duration.ofMillis(2)) < 0 ? Duration.ofMillis(2) : third;
    }

    /** Reports to incident response over MQTT, with the audit log as the outbox (docs/mqtt.md). */
    private void startMqtt(MqttConfig mqttConfig, Clock clock) throws IOException {
        if (audit == null) {
            throw new IllegalArgumentException(
                    "the MQTT reports need the audit log (security.audit): it is their" + " outbox");
        }
        if (mqttConfig.insecure()) {
            events.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "MQTT reports go over plain TCP to " + mqttConfig.brokers() + ": no authentication, no"
                            + " encryption, anyone on the network can read or forge them",
                    new SecurityDetail.InsecureMode()));
        }
        javax.net.ssl.SSLContext mqttTls = mqttConfig.insecure()
                ? null
                : mqttConfig.brokerTrust() == null
                        ? security.tls()
                        : GatewaySecurity.tlsTrusting(
                                config.security(),
                                mqttConfig.brokerTrust().caCertificates(),
                                mqttConfig.brokerTrust().crl(),
                                clock);
        mqtt = MqttSink.start(
                mqttConfig,
                config.name(),
                mqttTls,
                audit,
                config.security().stateDirectory(),
                supervisors,
                pair -> posture == null ? Optional.empty() : Optional.of(posture.status(pair)),
                events,
                clock);
        if (mqttConfig.sparkplug() != null) {
            sparkplug =
                    SparkplugNode.start(mqttConfig, mqttTls, config.security().stateDirectory(), supervisors);
        }
    }

    private void insecure(PairConfig pair, String controller, String message, Clock clock) {
        events.publish(
                new GatewayEvent(clock.instant(), pair.name(), controller, message, new SecurityDetail.InsecureMode()));
    }

    private static Fence fence(String controllerId, FenceConfig config, BoxController box, Clock clock) {
        return switch (config) {
            case FenceConfig.Sim sim ->
                new SimFence(
                        controllerId,
                        sim.output() == null ? controllerId : sim.output(),
                        sim.host(),
                        sim.port(),
                        FENCE_TIMEOUT,
                        clock);
            // PairConfig guarantees a box wherever there is a relay fence.
            case FenceConfig.Relay relay -> box.fence(controllerId);
        };
    }

    public List<PairSupervisor> supervisors() {
        return List.copyOf(supervisors);
    }

    public PairSupervisor pair(String name) {
        return supervisors.stream()
                .filter(s -> s.pairName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pair named " + name));
    }

    public EventBus events() {
        return events;
    }

    public List<GatewayEvent> recentEvents() {
        return recent.snapshot();
    }

    /** The command service, or {@code null} when the gateway has no security section (takes no commands). */
    /** The security posture checks of the pairs, or {@code null} without a security section. */
    public PostureWatch posture() {
        return posture;
    }

    public CommandService commands() {
        return commands;
    }

    public int controlPort() {
        return control.port();
    }

    /** The OPC UA server for SCADA, when the configuration has one. */
    public java.util.Optional<ScadaServer> scadaServer() {
        return java.util.Optional.ofNullable(scada);
    }

    @Override
    public void close() {
        closeParts();
        if (security != null) {
            try {
                security.close();
            } catch (IOException e) {
                log.warn("closing the replay store failed", e);
            }
        }
    }

    /** The audit log, when configured: before anything else publishes, so that it records everything. */
    private void openAudit(Clock clock) throws IOException {
        Optional<AuditConfig> configured = config.security().auditLog();
        if (configured.isEmpty()) {
            log.warn("NO AUDIT LOG: security.audit is not configured, so the gateway's decisions are not kept as"
                    + " tamper-evident evidence (docs/audit.md)");
            return;
        }
        AuditConfig a = configured.get();
        audit = AuditLog.open(
                a.directory(),
                config.name(),
                security.auditKey(a),
                new AuditLog.Settings(a.checkpointEvery(), a.checkpointPeriod()),
                clock,
                events,
                security.commits());
        events.add(audit);
        log.info(
                "audit log in {}, a signed checkpoint every {} records or {}",
                a.directory(),
                a.checkpointEvery(),
                a.checkpointPeriod());
    }

    /**
     * How many rounds of syncs the replay store, the command journal and the audit log shared, and how
     * many appends they covered (docs/journal.md "Group commit"); empty without a security section.
     */
    public Optional<GroupCommit.Figures> syncFigures() {
        return Optional.ofNullable(security).map(s -> s.commits().figures());
    }

    /** The audit log, if one is configured. */
    public Optional<AuditLog> audit() {
        return Optional.ofNullable(audit);
    }

    private void closeParts() {
        if (clock != null) {
            events.publish(new GatewayEvent(
                    clock.instant(),
                    "",
                    "",
                    "gateway " + config.name() + " stopping",
                    new GatewayDetail.GatewayStopping()));
        }
        if (anomalies != null) {
            events.remove(anomalies);
            anomalies.close();
        }
        if (posture != null) {
            events.remove(posture);
            posture.close();
        }
        if (scada != null) {
            scada.close();
        }
        if (control != null) {
            control.close();
        }
        if (refusals != null) {
            // The summaries of the refusals still being counted: before the event writers stop.
            refusals.close();
        }
        supervisors.forEach(PairSupervisor::close);
        if (pauses != null) {
            pauses.close();
        }
        boxes.values().forEach(box -> {
            events.remove(box);
            try {
                box.close();
            } catch (RuntimeException e) {
                log.error("releasing the box I/O failed; continuing with the others", e);
            }
        });
        if (ownedGpio != null) {
            try {
                ownedGpio.close();
            } catch (RuntimeException e) {
                log.error("shutting Pi4J down failed", e);
            }
        }
        events.close(EVENTS_CLOSE_WAIT);
        if (audit != null) {
            try {
                audit.close();
            } catch (IOException e) {
                log.warn("closing the audit log failed", e);
            }
        }
        if (sparkplug != null) {
            sparkplug.close();
        }
        if (mqtt != null) {
            // After the audit log: its last records (the stop) are on disk, and go out if they can.
            mqtt.close();
        }
        if (eventLog != null) {
            try {
                eventLog.close();
            } catch (IOException e) {
                log.warn("closing the event log failed", e);
            }
        }
    }
}
