package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.certs.Identity;
import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.TestPki;
import dev.failover.gateway.Ticker;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.StatusRegisters;
import dev.failover.gateway.journal.AcknowledgedValue;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.JournalRecord;
import dev.failover.gateway.journal.PendingCommand;
import dev.failover.gateway.journal.Recovery;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.modbus.ModbusLink;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.testkit.FieldObserver;
import dev.failover.testkit.GatewayFiles;
import dev.failover.testkit.GatewayProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * What {@link GatewayKillIT} and {@link RestartSafetyIT} run on: two plc-sim controllers in this JVM
 * serving Modbus/TCP Security only (certificates from a {@link TestPki}) on one in-memory plant with a
 * relay box, a gateway configuration file written as an installation would write it ({@link
 * GatewayFiles}: security section, state directory and event log in {@code dir}), the gateway as a
 * {@link GatewayProcess} on it, operator alice signing {@code level_setpoint} writes and submitting
 * them over the TLS control endpoint, and links of its own (a gateway-role certificate) that read the
 * controllers directly. The state files are read only while no gateway runs, or are files the
 * gateway only appends to. Not thread-safe, except {@link #write()} from one other thread.
 */
final class GatewayKillRig implements AutoCloseable {

    static final String PAIR = GatewayFiles.PAIR;
    static final String SETPOINT = GatewayFiles.SETPOINT;
    static final int SETPOINT_REGISTER = GatewayFiles.SETPOINT_REGISTER;
    static final Duration WAIT = Duration.ofSeconds(20);

    /** One signed write sent to the gateway: its answer, or why none came. */
    record Sent(String id, int raw, byte[] envelope, Optional<JsonNode> answer, String noAnswer) {

        boolean done() {
            return answer.map(a -> a.path("outcome").asText()).orElse("").equals("DONE");
        }

        Sent answered(JsonNode again) {
            return new Sent(id, raw, envelope, Optional.of(again), "");
        }

        @Override
        public String toString() {
            return id.substring(0, 8) + " (" + raw + "): "
                    + answer.map(a -> a.path("outcome").asText() + " "
                                    + a.path("detail").asText())
                            .orElse("no answer, " + noAnswer);
        }
    }

    /** What a copy of the journal, taken while the gateway lay dead, says. */
    record JournalCopy(
            Optional<AcknowledgedValue> latest,
            Set<String> acknowledged,
            List<PendingCommand> pending,
            Optional<Recovery> recovery) {

        Set<String> pendingIds() {
            return pending.stream().map(p -> p.command().commandId()).collect(Collectors.toSet());
        }

        boolean knows(String id) {
            return acknowledged.contains(id) || pendingIds().contains(id);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Plant plant = Plant.inMemory();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Path dir;
    private final TestPki pki;
    private final Identity operator;
    private final SSLContext operatorTls;
    private final Map<String, ModbusLink> readers;
    private final Map<String, SimulatedPlc> plcs;
    private final int relayPort;
    private final GatewayFiles files;
    private int nextRaw = 1000;
    private int starts;
    private GatewayProcess gateway;

    /** Looser than the defaults: JVMs start on this machine while the pair runs. */
    static final String LOOSE_FAILOVER =
            "pollPeriod: 50ms\nresponseTimeout: 40ms\nmissesBeforeFault: 5\nfailback: manual\n";

    /** The defaults of docs/configuration.md, for tests that prove them. */
    static final String DEFAULT_FAILOVER = "failback: manual\n";

    GatewayKillRig(Path dir) throws Exception {
        this(dir, LOOSE_FAILOVER);
    }

    /** @param failover the pair's {@code failover:} section, one key per line */
    GatewayKillRig(Path dir, String failover) throws Exception {
        this.dir = dir;
        try {
            pki = TestPki.create(dir);
            IssuedCertificate alice = pki.operator("alice", "operator");
            operator = pki.identity(alice);
            operatorTls = pki.tlsContext(alice);
            SimulatedPlc a = controller("plc-a", Role.ACTIVE);
            SimulatedPlc b = controller("plc-b", Role.STANDBY);
            SSLContext reader = pki.tlsContext(pki.gateway("kill-it-reader", "gateway"));
            readers = Map.of("plc-a", reader(a, reader), "plc-b", reader(b, reader));
            plcs = Map.of("plc-a", a, "plc-b", b);
            RelayBox relays = RelayBox.start(plant, "127.0.0.1", 0);
            open.add(relays);
            relayPort = relays.port();
            files = GatewayFiles.write(
                    dir, pki, new GatewayFiles.Ports(a.modbusPort(), b.modbusPort(), relayPort), failover, true);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Appends {@code section} (a root-level YAML section, e.g. {@code mqtt:}) to the gateway's configuration. */
    void addToConfiguration(String section) throws IOException {
        java.nio.file.Files.writeString(files.config(), "\n" + section, java.nio.file.StandardOpenOption.APPEND);
    }

    /** The test PKI of the plant. */
    TestPki pki() {
        return pki;
    }

    /** The gateway's audit log ({@code <stateDirectory>/audit}). */
    Path auditDirectory() {
        return files.stateDirectory().resolve("audit");
    }

    /** The plant's CA certificates. */
    Path caCertificates() {
        return pki.pki().caChainFile();
    }

    /** Starts a gateway process on the configuration; returns how long until it named its endpoint, in ms. */
    long startGateway() throws IOException, InterruptedException {
        long started = System.nanoTime();
        gateway = GatewayProcess.start(files.config(), dir.resolve("gateway-" + ++starts + ".log"));
        return (System.nanoTime() - started) / 1_000_000;
    }

    GatewayProcess gateway() {
        return gateway;
    }

    /** An observer independent of the gateway: the rig's plant and both controllers' control ports. */
    FieldObserver observer() {
        return FieldObserver.start(
                plant,
                List.of(
                        new FieldObserver.Controller(
                                "plc-a", "127.0.0.1", plc("plc-a").controlPort()),
                        new FieldObserver.Controller(
                                "plc-b", "127.0.0.1", plc("plc-b").controlPort())));
    }

    /** The switchovers the running gateway has made since it started. */
    int switchovers() throws IOException {
        return pairStatus().path("switchovers").asInt();
    }

    /** Polls {@code status} until detection is armed for both controllers (their timeouts count). */
    void awaitArmed() {
        await().atMost(WAIT).until(() -> GatewayProcess.isArmed(pairStatus()));
    }

    /** Polls {@code status} over the control endpoint until the pair is PROTECTED with two healthy controllers. */
    void awaitProtected() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> GatewayProcess.isProtected(pairStatus()));
    }

    /** The pair's entry of the gateway's {@code status} answer (see {@code control/StatusJson}). */
    JsonNode pairStatus() throws IOException {
        return gateway.status(operatorTls, PAIR).path("pairs").path(0);
    }

    /** The plant both controllers act on: the independent witness of who drives. */
    Plant plant() {
        return plant;
    }

    /** Controller {@code id} ("plc-a" or "plc-b"), for its faults, snapshot and control port. */
    SimulatedPlc plc(String id) {
        return plcs.get(id);
    }

    /** The port of the relay box the gateway's fences talk to (plc-sim's line protocol). */
    int relayPort() {
        return relayPort;
    }

    String activeId() throws IOException {
        return pairStatus().path("active").asText();
    }

    String standbyId() throws IOException {
        return activeId().equals("plc-a") ? "plc-b" : "plc-a";
    }

    /**
     * Signs a write of a setpoint no earlier write used (raw 1025, 1050, ...) and submits it; a write
     * that got no answer (the gateway died) is returned as such.
     */
    synchronized Sent write() throws IOException {
        nextRaw += 25;
        int raw = nextRaw;
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Command command = new Command(
                id,
                now,
                now.plusSeconds(60),
                PAIR,
                CommandAction.WRITE_TAG,
                Map.of("tag", SETPOINT, "value", raw / 100.0));
        byte[] envelope = CmsEnvelope.sign(command.canonicalJson(), operator.privateKey(), operator.chain());
        try {
            return new Sent(id, raw, envelope, Optional.of(submit(envelope)), "");
        } catch (IOException e) {
            return new Sent(id, raw, envelope, Optional.empty(), e.toString());
        }
    }

    JsonNode submit(byte[] envelope) throws IOException {
        return gateway.call(
                operatorTls,
                json.createObjectNode()
                        .put("op", "submit")
                        .put("envelope", Base64.getEncoder().encodeToString(envelope)));
    }

    /** The setpoint register of {@code controller}, read over a link of the rig's own. */
    int setpointOn(String controller) {
        LinkResult<int[]> read = readers.get(controller).readRegisters(SETPOINT_REGISTER, 1);
        assertThat(read.isOk()).as("reading %s: %s", controller, read).isTrue();
        return ((LinkResult.Ok<int[]>) read).value()[0];
    }

    Path journalFile() {
        return files.stateDirectory().resolve("command-journal");
    }

    /** Opens a copy of the journal (taken while no gateway runs), so the gateway's own recovery is left to it. */
    JournalCopy journalCopy(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("journal-" + name)).resolve("command-journal");
        Files.copy(journalFile(), copy);
        try (CommandJournal journal = CommandJournal.open(copy, Clock.systemUTC())) {
            return new JournalCopy(
                    Optional.ofNullable(journal.latestAcknowledgedValues(PAIR).get(SETPOINT)),
                    journal.acknowledgedCommands(PAIR).stream()
                            .map(JournalRecord.Accepted::commandId)
                            .collect(Collectors.toSet()),
                    journal.pending(),
                    journal.recovery());
        }
    }

    /** The ids in the replay store, counting only lines a newline ends (a torn line was never synced). */
    Set<String> replayStoreIds() throws IOException {
        String text = Files.readString(files.stateDirectory().resolve("command-ids"), StandardCharsets.UTF_8);
        List<String> lines = List.of(text.split("\n", -1));
        return lines.subList(0, lines.size() - 1).stream()
                .map(line -> line.split(" ")[0])
                .collect(Collectors.toSet());
    }

    /** Every event in the event log, over all the gateway's lives (the file is appended to, one JSON object a line). */
    List<JsonNode> events() throws IOException {
        return files.events();
    }

    private SimulatedPlc controller(String name, Role role) throws Exception {
        SSLContext tls = pki.tlsContext(pki.controller(name));
        SimulatedPlc plc = SimulatedPlc.start(SimConfig.of(name, role).withTls(tls, Set.of("gateway")), plant);
        open.add(plc);
        return plc;
    }

    private ModbusLink reader(SimulatedPlc plc, SSLContext tls) {
        ModbusLink link = new ModbusLink(
                "kill-it-reader",
                new ModbusEndpoint("127.0.0.1", plc.modbusPort(), 1),
                StatusRegisters.defaults(),
                Duration.ofMillis(500),
                Duration.ofMillis(100),
                Ticker.system(),
                tls);
        open.add(link);
        return link;
    }

    /** Kills a gateway still running (SIGKILL), then closes the readers and the controllers. */
    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        plant.close();
    }
}
