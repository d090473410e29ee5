package dev.failover.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.Gateway;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.cli.StatusText;
import dev.failover.gateway.config.ConfigException;
import dev.failover.gateway.config.ConfigLoader;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.control.StatusJson;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.plcsim.Plant;
import dev.failover.testkit.FieldObserver;
import dev.failover.testkit.Mosquitto;
import dev.failover.testkit.MqttSubscriber;
import dev.failover.testkit.SimPair;
import dev.failover.testkit.SimProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bench demo: two plc-sim processes sharing one tank, the relay box that can cut their outputs
 * (a process of its own, as the relays are in a cabinet) and the gateway, on loopback. It shows the
 * pair running, kills the active controller's process (SIGKILL: the controller loses power), shows
 * the failover with its RTO measured by the gateway and from outside, restarts the killed controller,
 * which comes back as the standby, and prints a summary. An observer independent of the gateway
 * ({@link FieldObserver}) watches the plant and both controllers throughout. Exit code 0 when every
 * check passed.
 */
public final class BenchDemo {

    private static final Path WORK = Path.of("bench-data");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);
    /** The events the demo prints as they come: the failover's story, not the mirror's or the doors'. */
    private static boolean shown(GatewayEvent e) {
        return switch (e.detail()) {
            case PairDetail.ControllerHealth health -> true;
            case PairDetail.StepDone done -> true;
            case PairDetail.StepFailed failed -> true;
            case PairDetail.SwitchoverCompleted completed -> true;
            case PairDetail.SwitchoverFailed failed -> true;
            case PairDetail.AlarmRaised raised -> true;
            case PairDetail.AlarmCleared cleared -> true;
            case PairDetail.PairState state -> true;
            default -> false;
        };
    }

    private final PrintStream out;
    private volatile long originNanos = System.nanoTime();
    private volatile boolean showEvents;
    private final List<AutoCloseable> closeLater = new java.util.ArrayList<>();
    private final java.util.concurrent.ExecutorService printer = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("demo-printer").daemon(true).factory());

    public BenchDemo(PrintStream out) {
        this.out = out;
    }

    public int run(boolean keepRunning) {
        out.println("PLC failover gateway: bench demo");
        out.println("  work folder " + WORK.toAbsolutePath() + " (plant, configuration, logs, events)");
        try {
            Files.createDirectories(WORK);
            Files.deleteIfExists(WORK.resolve("tank.plant"));
            // A new plant: the gateway's fence record and last-driven time of an earlier run's plant do not apply.
            Files.deleteIfExists(WORK.resolve("state/fences-tank-1.log"));
            Files.deleteIfExists(WORK.resolve("state/driving-tank-1"));
            try {
                return demo(keepRunning);
            } finally {
                for (AutoCloseable c : closeLater) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        out.println("  (closing " + c + " failed: " + e.getMessage() + ")");
                    }
                }
            }
        } catch (IOException
                | ConfigException
                | TimeoutException
                | dev.failover.certs.PkiException
                | org.eclipse.milo.opcua.stack.core.UaException e) {
            out.println();
            out.println("FAILED: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("FAILED: interrupted");
            return 1;
        }
    }

    private int demo(boolean keepRunning)
            throws IOException, ConfigException, TimeoutException, InterruptedException,
                    dev.failover.certs.PkiException, org.eclipse.milo.opcua.stack.core.UaException {
        Path plant = WORK.resolve("tank.plant");
        boolean fresh = !Files.exists(WORK.resolve("pki"));
        BenchPki pki = BenchPki.openOrCreate(WORK);
        out.println("  demo plant PKI " + WORK.resolve("pki") + (fresh ? " (created now)" : " (reused)")
                + ": gateway, plc-a, plc-b, operators alice (operator) and sam (supervisor)");
        step(1, "starting two simulated PLCs that share one tank (Modbus/TCP Security only) and their relay box");
        try (SimProcess a = SimProcess.start("plc-a", "active", plant, WORK.resolve("plc-a.log"), tls(pki, "plc-a"));
                SimProcess b =
                        SimProcess.start("plc-b", "standby", plant, WORK.resolve("plc-b.log"), tls(pki, "plc-b"));
                SimProcess relays = SimProcess.relayBox(plant, WORK.resolve("relay-box.log"));
                Plant tank = Plant.file(plant)) {
            out.printf(
                    Locale.ROOT,
                    "      relay box control 127.0.0.1:%d  (output-enable relays of both PLCs, its own process)%n",
                    relays.controlPort());
            for (SimProcess p : new SimProcess[] {a, b}) {
                out.printf(
                        Locale.ROOT,
                        "      %-6s modbus 127.0.0.1:%d  control 127.0.0.1:%d  (%s)%n",
                        p.name(),
                        p.modbusPort(),
                        p.controlPort(),
                        p.status().get("role"));
            }
            MqttSubscriber team = incidentResponse(pki);
            GatewayConfig config = ConfigLoader.load(writeConfig(a, b, relays));
            step(2, "starting the gateway (" + WORK.resolve("bench.yaml") + ")");
            BlockingQueue<SwitchoverReport> reports = new LinkedBlockingQueue<>();
            try (Gateway gateway = Gateway.start(config, Ticker.system(), Clock.systemUTC(), this::show);
                    FieldObserver observer = FieldObserver.start(
                            tank,
                            List.of(
                                    new FieldObserver.Controller("plc-a", "127.0.0.1", a.controlPort()),
                                    new FieldObserver.Controller("plc-b", "127.0.0.1", b.controlPort())))) {
                gateway.pair("tank-1").onSwitchover(reports::add);
                // Normally plc-a, the preferred primary; on a busy machine a start-up hiccup may already have
                // switched, and the demo then crashes whichever controller is active.
                await(
                        "the pair is protected",
                        () -> protectedWith(gateway, "plc-a") || protectedWith(gateway, "plc-b"));
                String activeId = gateway.pair("tank-1").status().activeId();
                String standbyId = "plc-a".equals(activeId) ? "plc-b" : "plc-a";
                SimProcess active = "plc-a".equals(activeId) ? a : b;
                printStatus(gateway);
                String url = gateway.scadaServer().orElseThrow().endpointUrl();
                ScadaWatcher scada = ScadaWatcher.watch(
                        url,
                        "Pairs/tank-1/Tags/level",
                        pki.identity(BenchPki.SCADA_APP),
                        pki.identity(BenchPki.SCADA_USER),
                        pki.root(),
                        pki.issuers(),
                        pki.crls());
                closeLater.add(scada);
                out.println("      OPC UA server for SCADA at " + url + " (SignAndEncrypt, X.509 users)");
                await("the SCADA client has a good value", () -> scada.good() > 0);
                out.printf(
                        Locale.ROOT,
                        "      a SCADA client (user hmi, role operator) subscribed to Pairs/tank-1/Tags/level:"
                                + " %.2f %%, ServiceLevel %d%n",
                        (Double) scada.last().value().value(),
                        scada.serviceLevel());
                Map<String, String> running = active.status();
                out.printf(
                        Locale.ROOT,
                        "      tank level %s %% (setpoint 50 %%), driven by %s: %s%n",
                        running.get("level"),
                        activeId,
                        running.get("driving"));

                Operators operators = new Operators(pki, gateway.controlPort());
                out.println("      alice (role operator) signs \"level_setpoint = 55 %\" and submits it:");
                out.println("        " + operators.write(BenchPki.OPERATOR, 55));
                out.println("      alice asks for a switchover, which her role does not permit:");
                out.println("        " + operators.switchover(BenchPki.OPERATOR));

                // On a busy machine a start-up hiccup may have switched the pair since: kill whichever is active now.
                await(
                        "the pair is protected",
                        () -> protectedWith(gateway, "plc-a") || protectedWith(gateway, "plc-b"));
                String killedId = gateway.pair("tank-1").status().activeId();
                if (!activeId.equals(killedId)) {
                    out.println("      (the pair switched on its own since: see the event log; the demo follows)");
                }
                String takerId = "plc-a".equals(killedId) ? "plc-b" : "plc-a";
                SimProcess killed = "plc-a".equals(killedId) ? a : b;
                step(3, "killing the active controller " + killedId + "'s process (SIGKILL: it loses power)");
                reports.clear();
                observer.reset();
                originNanos = System.nanoTime();
                showEvents = true;
                killed.kill();
                // A failed attempt is retried by the gateway: wait for the completed one.
                SwitchoverReport report = null;
                long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
                while (report == null || !report.ok()) {
                    long left = deadline - System.nanoTime();
                    SwitchoverReport next = left > 0 ? reports.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        throw new TimeoutException(
                                "no failover to " + takerId + " within " + STEP_TIMEOUT + "; last: " + report);
                    }
                    report = next;
                }
                if (!takerId.equals(report.to())) {
                    throw new IOException("the failover went to " + report.to() + ", not " + takerId + ": " + report);
                }
                printed();
                double rto = (report.completedNanos() - originNanos) / 1e6;
                long origin = originNanos;
                await(
                        takerId + " drives the process, as it reports itself",
                        () -> observer.drivingFrom(takerId, origin).isPresent());
                double rtoOutside = (observer.drivingFrom(takerId, origin).getAsLong() - originNanos) / 1e6;
                out.printf(
                        Locale.ROOT,
                        "      failover complete: RTO %.1f ms from the kill to %s verified ACTIVE and driving%n",
                        rto,
                        takerId);
                out.printf(
                        Locale.ROOT,
                        "      (detection %.1f ms, switchover %.1f ms; old active %s; seen driving from outside"
                                + " after %.1f ms)%n",
                        (report.detectedNanos() - originNanos) / 1e6,
                        report.switchoverMillis(),
                        report.oldActive() == SwitchoverReport.OldActive.FENCED
                                ? "fenced by its output-enable relay"
                                : report.oldActive().text(),
                        rtoOutside);

                if (team != null) {
                    showIncidentResponse(team);
                }
                out.println(
                        "      alice's next signed write goes to the new active " + takerId + ", over TLS as before:");
                String afterFailover = operators.write(BenchPki.OPERATOR, 50);
                out.println("        " + afterFailover);

                step(4, "restarting " + killedId + "'s process: it must come back as the standby");
                SimProcess restarted = SimProcess.start(
                        killedId,
                        "standby",
                        plant,
                        WORK.resolve(killedId + ".log"),
                        tls(pki, killedId),
                        killed.modbusPort(),
                        killed.controlPort());
                closeLater.add(restarted);
                await(killedId + " is the standby again", () -> protectedWith(gateway, takerId));
                showEvents = false;
                printed();
                printStatus(gateway);

                step(5, "summary");
                double[] level = observer.levelRange();
                int goodAfter = scada.good();
                await("the SCADA client gets values from " + takerId, () -> scada.good() > goodAfter);
                // The server refreshes its status every 50 ms: the pair is protected, so it must say healthy.
                await("the OPC UA ServiceLevel says healthy", () -> scada.serviceLevel() >= 200);
                boolean scadaOk = scada.sameSession() && scada.bad() == 0;
                boolean ok = observer.twoDrivers() == 0
                        && observer.twoActive() == 0
                        && rto <= FailoverBenchmark.RTO_P99_TARGET_MS * 2
                        && afterFailover.startsWith("DONE")
                        && scadaOk;
                out.printf(
                        Locale.ROOT, "      fault                   SIGKILL of the active controller %s%n", killedId);
                out.printf(
                        Locale.ROOT,
                        "      RTO                     %.1f ms (kill to new active verified driving), %.1f ms seen"
                                + " from outside%n",
                        rto,
                        rtoOutside);
                out.printf(
                        Locale.ROOT,
                        "      independent observer    %d samples of the plant and both PLCs: %d with two feeding the"
                                + " tank, %d with two reporting ACTIVE; longest undriven %.1f ms%n",
                        observer.samples(),
                        observer.twoDrivers(),
                        observer.twoActive(),
                        observer.longestUndrivenMillis());
                observer.violations().forEach(v -> out.println("        " + v));
                out.printf(
                        Locale.ROOT,
                        "      tank level range        %.2f - %.2f %% since the fault (setpoint 50 %%)%n",
                        level[0],
                        level[1]);
                out.printf(
                        Locale.ROOT,
                        "      SCADA subscription      %d good, %d uncertain (during the failover), %d bad values;"
                                + " %s; ServiceLevel %d%n",
                        scada.good(),
                        scada.uncertain(),
                        scada.bad(),
                        scada.sameSession() ? "same session throughout" : "SESSION LOST",
                        scada.serviceLevel());
                out.printf(
                        Locale.ROOT,
                        "      final state             PROTECTED, active %s, standby %s%n",
                        takerId,
                        killedId);
                out.printf(Locale.ROOT, "      event log               %s%n", WORK.resolve("events.jsonl"));
                out.printf(
                        Locale.ROOT,
                        "      audit log               %s: the last signed checkpoint covers %d records; check it with%n"
                                + "                              scripts/gateway audit verify --dir %s --ca %s%n",
                        WORK.resolve("state/audit"),
                        gateway.audit()
                                .map(dev.failover.gateway.audit.AuditLog::latestCheckpoint)
                                .map(dev.failover.gateway.audit.Checkpoint::size)
                                .orElse(0L),
                        WORK.resolve("state/audit"),
                        WORK.resolve("pki/ca-chain.pem"));
                out.println(ok ? "      result                  OK" : "      result                  FAILED");
                if (keepRunning) {
                    keepRunning(gateway, a, b, relays);
                }
                return ok ? 0 : 1;
            }
        }
    }

    private void keepRunning(Gateway gateway, SimProcess a, SimProcess b, SimProcess relays)
            throws InterruptedException {
        out.println();
        out.println("The bench keeps running. From another terminal, for example:");
        out.printf(
                Locale.ROOT,
                "  scripts/plc-sim ctl --port %d status      # the relay box: both output-enable relays%n",
                relays.controlPort());
        out.printf(
                Locale.ROOT,
                "  scripts/plc-sim ctl --port %d hang       # inject a fault into %s%n",
                b.controlPort(),
                b.name());
        out.printf(Locale.ROOT, "  scripts/plc-sim ctl --port %d clear%n", b.controlPort());
        out.printf(Locale.ROOT, "  scripts/plc-sim ctl --port %d status%n", a.controlPort());
        String sam = "--identity " + WORK.resolve("pki/issued/sam.p12") + " --pki " + WORK.resolve("pki")
                + " --identity-password-file " + WORK.resolve("secrets/keystore.pw");
        out.printf(Locale.ROOT, "  scripts/gateway status --control 127.0.0.1:%d %s%n", gateway.controlPort(), sam);
        out.printf(
                Locale.ROOT,
                "  scripts/gateway switchover --pair tank-1 --control 127.0.0.1:%d %s%n",
                gateway.controlPort(),
                sam);
        out.println("Events are printed below as they happen. Ctrl-C stops the bench.");
        originNanos = System.nanoTime();
        showEvents = true;
        CountDownLatch forever = new CountDownLatch(1);
        forever.await();
    }

    private static boolean protectedWith(Gateway gateway, String active) {
        var s = gateway.pair("tank-1").status();
        var standby = s.health().get("plc-a".equals(active) ? "plc-b" : "plc-a");
        return s.state() == dev.failover.gateway.failover.PairState.PROTECTED
                && active.equals(s.activeId())
                && s.fenced().isEmpty()
                && standby.readyAsStandby()
                && gateway.pair("tank-1").detectionArmed();
    }

    private static List<String> tls(BenchPki pki, String controller) {
        return List.of(
                "--tls-keystore",
                pki.keystore(controller).toString(),
                "--tls-keystore-password-file",
                pki.keystorePasswordFile().toString(),
                "--trust",
                pki.pkiDir().toString(),
                "--write-roles",
                "gateway");
    }

    /** The demo's MQTT broker, when mosquitto is installed; null otherwise. */
    private Mosquitto broker;

    /**
     * Starts mosquitto over TLS with the bench PKI's broker certificate and subscribes the incident
     * team to the gateway's topics, when mosquitto is installed; null when it is not.
     */
    private MqttSubscriber incidentResponse(BenchPki pki) throws IOException, dev.failover.certs.PkiException {
        if (!Mosquitto.installed()) {
            out.println("      MQTT: mosquitto is not installed (scripts/test-deps installs it): no incident-response"
                    + " messages in this demo");
            return null;
        }
        Path ca = pki.pkiDir().toAbsolutePath().resolve("ca-chain.pem");
        broker = Mosquitto.startTls(
                WORK.toAbsolutePath().resolve("mqtt"),
                pki.identity(BenchPki.BROKER),
                ca,
                Mosquitto.acl("gateway", BenchPki.INCIDENT_TEAM, "failover"));
        closeLater.add(broker);
        try {
            MqttSubscriber team = MqttSubscriber.connect(
                    broker.uri(),
                    dev.failover.certs.TlsContexts.create(
                            pki.identity(BenchPki.INCIDENT_TEAM),
                            dev.failover.certs.Keystores.verifier(
                                    ca, List.of(pki.pkiDir().resolve("crl.pem")), Clock.systemUTC())),
                    BenchPki.INCIDENT_TEAM,
                    "failover/#");
            closeLater.add(team);
            out.println("      MQTT broker (mosquitto, TLS, client certificates, an ACL) at " + broker.uri()
                    + "; the incident team subscribed to failover/#");
            return team;
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            throw new IOException("the incident team cannot subscribe: " + e.getMessage(), e);
        }
    }

    /** What the incident team received of the failover, on its own MQTT connection. */
    private void showIncidentResponse(MqttSubscriber team) throws TimeoutException, InterruptedException, IOException {
        await(
                "the incident team receives the switchover",
                () -> !team.events("SWITCHOVER_COMPLETED").isEmpty());
        MqttSubscriber.Received switched = team.events("SWITCHOVER_COMPLETED").getLast();
        com.fasterxml.jackson.databind.JsonNode record =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(switched.bytes());
        double delay = java.time.Duration.between(
                                java.time.Instant.parse(record.path("time").asText()), switched.arrived())
                        .toNanos()
                / 1e6;
        out.printf(
                Locale.ROOT,
                "      the incident team (an MQTT subscriber) received %s %.1f ms after the event:%n"
                        + "        %s  sequence %s, %s -> %s%n",
                record.path("type").asText(),
                delay,
                switched.topic(),
                switched.user().get("sequence"),
                record.path("fields").path("from").asText(),
                record.path("fields").path("to").asText());
    }

    private Path writeConfig(SimProcess a, SimProcess b, SimProcess relays) throws IOException {
        String yaml = """
                # Written by the bench demo: two plc-sim controllers on loopback.
                gateway:
                  name: bench-gateway
                  control:
                    host: 127.0.0.1
                    port: 0
                  eventLog: events.jsonl
                security:
                  caCertificates: pki/ca-chain.pem
                  crl: pki/crl.pem
                  keystore: pki/issued/gateway.p12
                  keystorePassword: {file: secrets/keystore.pw}
                  stateDirectory: state
                  opcua:
                    keystore: pki/issued/gateway-ua.p12
                    keystorePassword: {file: secrets/keystore.pw}
                  audit:
                    keystore: pki/issued/gateway-audit.p12
                    keystorePassword: {file: secrets/keystore.pw}
                opcua:
                  host: 127.0.0.1
                  port: 0
                pairs:
                  - name: tank-1
                    controllers:
                      - id: plc-a
                        preferredRole: primary
                        modbus: {host: 127.0.0.1, port: %d, unitId: 1}
                        fence: {type: sim, host: 127.0.0.1, port: %d, output: plc-a}
                      - id: plc-b
                        preferredRole: standby
                        modbus: {host: 127.0.0.1, port: %d, unitId: 1}
                        fence: {type: sim, host: 127.0.0.1, port: %d, output: plc-b}
                    tags:
                      - {name: level, address: 10, type: uint16, scale: 0.01, unit: "%%", min: 0, max: 100}
                      - {name: level_setpoint, address: 20, type: uint16, scale: 0.01, unit: "%%", min: 0, max: 100,
                         mirrored: true, writableBy: [operator]}
                    failover:
                      pollPeriod: 20ms
                      responseTimeout: 15ms
                      missesBeforeFault: 3
                      holdDown: 10s
                      failback: manual
                """.formatted(a.modbusPort(), relays.controlPort(), b.modbusPort(), relays.controlPort())
                + (broker == null ? "" : """
                        mqtt:
                          brokers: [%s]
                          site: bench
                        """.formatted(broker.uri()));
        Path file = WORK.resolve("bench.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Prints an event, on the printer thread: the gateway publishes on the thread that decides a
     * failover, and a console must not hold that up. The time is taken here, when it was published.
     */
    private void show(GatewayEvent e) {
        if (!showEvents || !shown(e)) {
            return;
        }
        double t = (System.nanoTime() - originNanos) / 1e9;
        String who = e.controller().isEmpty() ? "" : e.controller() + " ";
        printer.execute(() -> out.printf(Locale.ROOT, "      %+8.3f s  %-20s %s%s%n", t, e.type(), who, e.message()));
    }

    /** Waits until the events shown so far are printed, so that the demo's own lines come after them. */
    private void printed() throws InterruptedException {
        try {
            printer.submit(() -> {}).get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            out.println("      (events still being printed: " + e + ")");
        }
    }

    private void printStatus(Gateway gateway) {
        out.print(StatusText.render(StatusJson.pair(new ObjectMapper(), gateway.pair("tank-1")))
                .indent(6));
    }

    private void step(int n, String what) {
        out.println();
        out.println("[" + n + "/5] " + what);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition)
            throws TimeoutException, InterruptedException {
        SimPair.await(what, STEP_TIMEOUT, condition);
    }
}
