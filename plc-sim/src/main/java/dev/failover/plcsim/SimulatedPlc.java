package dev.failover.plcsim;

import dev.failover.plcsim.comms.Admission;
import dev.failover.plcsim.comms.CommsFaults;
import dev.failover.plcsim.comms.Scheduler;
import dev.failover.plcsim.control.LineServer;
import dev.failover.plcsim.modbus.ModbusServer;
import dev.failover.plcsim.modbus.TlsPosture;
import dev.failover.plcsim.opcua.PlcOpcUaServer;
import dev.failover.plcsim.opcua.UaPosture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated controller: a scan loop over a {@link Plant}, a Modbus TCP server with the register
 * map of docs/plc-sim.md and a control port for fault injection.
 *
 * <p>With {@link SimConfig#opcUa()} it also serves the same registers over OPC UA (a crash closes
 * that server too, a restart reopens it on the same port). The comms faults act on both servers.
 *
 * <p>With {@link SimConfig#tls()} the Modbus port serves Modbus/TCP Security and plain Modbus TCP
 * is off, unless {@link SimConfig.Tls#plainPort()} opens a second, plain listener.
 *
 * <p>Each listener (Modbus, plain Modbus, OPC UA) takes connections under an {@link Admission} of
 * its own, made once so that its counters cover restarts: connections that have not authenticated
 * are limited and closed at the handshake deadline, and cannot take authenticated ones' slots. One
 * timer thread runs every listener's deadlines.
 *
 * <p>Lifecycle: {@code RUNNING} after {@link #start}; {@link FaultInjector#crash()} moves to {@code
 * CRASHED} (Modbus port closed, scan stopped, outputs dropped, control port still up); {@link
 * FaultInjector#clear()} restarts on the same Modbus port with the retentive memory kept, except that
 * an {@code ACTIVE} controller comes back {@code STANDBY} (unless {@link SimConfig#retainActiveRole()});
 * {@link #close()} ends everything.
 *
 * <p>The output-enable input is the controller's relay in the {@link Plant} ({@link
 * Plant#outputEnable(String, boolean)}), which a {@link RelayBox} or the control port's {@code
 * output-enable} command sets. Role commands with a deadline (registers 30-34) are checked against the
 * wall clock given at start.
 *
 * <p>Controllers sharing a plant see each other through it (the partner link): each publishes its
 * heartbeat there every scan and judges its partner's ({@code FLAGS} bits 3 and 4, {@code
 * PARTNER_AGE_MS}); {@link FaultInjector#cutPartnerLink()} cuts this controller's side of the link.
 *
 * <p>Thread-safe.
 */
public final class SimulatedPlc implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedPlc.class);

    private enum Lifecycle {
        RUNNING,
        CRASHED,
        CLOSED
    }

    private final SimConfig config;
    private final InetAddress bindAddress;
    private final Plant.Slot slot;
    private final Controller controller;
    private final RegisterMap registers;
    private final CommsFaults comms = new CommsFaults();
    private final FaultInjector faults;
    private final ScheduledExecutorService admissionTimer;
    private final Admission modbusAdmission;
    private final Admission plainAdmission;
    private final Admission opcUaAdmission;
    private final int modbusPort;
    private final TlsPosture tlsPosture = new TlsPosture();
    private final PostureControls posture;
    // Guarded by lifecycleLock; volatile for readers.
    private volatile OptionalInt plainPort;
    private final OptionalInt opcUaPort;
    private final LineServer control;

    private final Object lifecycleLock = new Object();
    // Guarded by lifecycleLock.
    private Lifecycle lifecycle = Lifecycle.RUNNING;
    private ModbusServer modbus;
    private Optional<ModbusServer> plainModbus;
    private Optional<PlcOpcUaServer> opcUa;
    private UaPosture uaPosture = UaPosture.HARDENED;
    private ScanLoop scan;

    private SimulatedPlc(
            SimConfig config, InetAddress bindAddress, Plant.Slot slot, LongSupplier nanoTime, Clock wallClock)
            throws IOException {
        this.config = config;
        this.bindAddress = bindAddress;
        this.slot = slot;
        this.controller = new Controller(config, slot, nanoTime, wallClock);
        this.registers = new RegisterMap(config.name(), controller);
        this.faults = new FaultInjector(this, controller, comms, config.name());
        this.posture = new PostureControls(this, tlsPosture, registers, config.name());
        this.admissionTimer = admissionTimer(config.name());
        Scheduler timer = Scheduler.of(admissionTimer);
        Admission.Limits plainLimits =
                Admission.Limits.of(ModbusServer.FIRST_REQUEST_TIMEOUT, ModbusServer.MAX_CONNECTIONS);
        this.modbusAdmission = tls()
                ? new Admission(
                        config.name(),
                        "Modbus/TCP Security",
                        "TLS handshake",
                        Admission.Limits.of(config.handshakeTimeout(), ModbusServer.MAX_CONNECTIONS),
                        timer)
                : new Admission(config.name(), "Modbus TCP", "first request", plainLimits, timer);
        this.plainAdmission = new Admission(config.name(), "plain Modbus TCP", "first request", plainLimits, timer);
        this.opcUaAdmission = new Admission(
                config.name(),
                "OPC UA",
                "secure channel",
                Admission.Limits.of(
                        config.opcUa()
                                .map(SimConfig.OpcUa::handshakeTimeout)
                                .orElse(SimConfig.OpcUa.DEFAULT_HANDSHAKE_TIMEOUT),
                        PlcOpcUaServer.MAX_CONNECTIONS),
                timer);
        ControlDispatcher dispatcher = new ControlDispatcher(faults, posture, this::snapshot);
        Optional<ModbusServer> first = Optional.empty();
        Optional<ModbusServer> plain = Optional.empty();
        Optional<PlcOpcUaServer> ua = Optional.empty();
        try {
            first = Optional.of(startModbus(config.modbusPort()));
            plain = startPlainModbus(config.tls().map(SimConfig.Tls::plainPort).orElse(OptionalInt.empty()));
            ua = startOpcUa(config.opcUa().map(SimConfig.OpcUa::port).orElse(0));
            this.control = LineServer.start(config.name(), bindAddress, config.controlPort(), dispatcher::handle);
        } catch (IOException | RuntimeException e) {
            first.ifPresent(ModbusServer::close);
            plain.ifPresent(ModbusServer::close);
            ua.ifPresent(PlcOpcUaServer::close);
            admissionTimer.shutdownNow();
            throw e;
        }
        this.modbus = first.get();
        this.modbusPort = modbus.port();
        this.plainModbus = plain;
        this.plainPort = plain.map(m -> OptionalInt.of(m.port())).orElse(OptionalInt.empty());
        this.opcUa = ua;
        this.opcUaPort = ua.map(u -> OptionalInt.of(u.port())).orElse(OptionalInt.empty());
        this.scan = ScanLoop.start(config.name(), config.scanPeriod(), controller::scan);
    }

    /**
     * Starts a controller attached to {@code plant}: binds both ports, then scans.
     *
     * @throws IOException if the bind address is unknown or a port cannot be bound
     * @throws IllegalStateException if a controller of that name is already attached to the plant
     */
    public static SimulatedPlc start(SimConfig config, Plant plant) throws IOException {
        return start(config, plant, Clock.systemUTC());
    }

    /**
     * As {@link #start(SimConfig, Plant)}, with the wall clock that the deadlines of role commands are
     * compared with (tests give it one that is ahead, to see a command refused as stale).
     */
    public static SimulatedPlc start(SimConfig config, Plant plant, Clock wallClock) throws IOException {
        return start(config, plant, System::nanoTime, wallClock);
    }

    /** As {@link #start(SimConfig, Plant)} with the scan's time source injected (tests). */
    static SimulatedPlc start(SimConfig config, Plant plant, LongSupplier nanoTime) throws IOException {
        return start(config, plant, nanoTime, Clock.systemUTC());
    }

    private static SimulatedPlc start(SimConfig config, Plant plant, LongSupplier nanoTime, Clock wallClock)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(plant, "plant");
        Objects.requireNonNull(wallClock, "wallClock");
        return PlcMdc.call(config.name(), () -> {
            InetAddress bindAddress = InetAddress.getByName(config.bindAddress());
            Plant.Slot slot = plant.attach(config.name());
            try {
                SimulatedPlc plc = new SimulatedPlc(config, bindAddress, slot, nanoTime, wallClock);
                log.info(
                        "Started as {}: {} {}:{} unit {}, control port {}",
                        config.initialRole(),
                        plc.tls() ? "Modbus/TCP Security" : "plain Modbus TCP",
                        bindAddress.getHostAddress(),
                        plc.modbusPort(),
                        config.unitId(),
                        plc.controlPort());
                plc.plainPort()
                        .ifPresent(port -> log.warn(
                                "Plain Modbus TCP also open on {}:{}: requests there are not authenticated or authorized",
                                bindAddress.getHostAddress(),
                                port));
                plc.opcUaPort()
                        .ifPresent(port -> log.info(
                                "OPC UA on opc.tcp://{}:{}{} (SignAndEncrypt, X.509 users)",
                                bindAddress.getHostAddress(),
                                port,
                                PlcOpcUaServer.PATH));
                return plc;
            } catch (IOException | RuntimeException e) {
                slot.close();
                throw e;
            }
        });
    }

    /** The deadlines' timer: one daemon thread; cancelled deadlines leave its queue at once. */
    private static ScheduledExecutorService admissionTimer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = Executors.defaultThreadFactory().newThread(task);
            thread.setName("plc-" + name + "-admission");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private ModbusServer startModbus(int port) throws IOException {
        if (config.tls().isPresent()) {
            SimConfig.Tls tls = config.tls().get();
            return ModbusServer.startTls(
                    config.name(),
                    bindAddress,
                    port,
                    config.unitId(),
                    registers,
                    comms,
                    tls.serverContext(),
                    tls.access(),
                    tlsPosture,
                    modbusAdmission);
        }
        return ModbusServer.start(config.name(), bindAddress, port, config.unitId(), registers, comms, modbusAdmission);
    }

    private Optional<ModbusServer> startPlainModbus(OptionalInt port) throws IOException {
        if (port.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ModbusServer.start(
                config.name(), bindAddress, port.getAsInt(), config.unitId(), registers, comms, plainAdmission));
    }

    private Optional<PlcOpcUaServer> startOpcUa(int port) throws IOException {
        if (config.opcUa().isEmpty()) {
            return Optional.empty();
        }
        SimConfig.OpcUa ua = config.opcUa().get();
        return Optional.of(PlcOpcUaServer.start(
                config.name(),
                bindAddress,
                port,
                ua.application(),
                ua.verifier(),
                ua.crls(),
                registers,
                comms,
                opcUaAdmission,
                uaPosture));
    }

    /**
     * What the OPC UA server offers from now on: like a real controller's, the server restarts on the
     * same port with its new endpoints (open sessions are closed; clients reconnect).
     *
     * @throws IllegalStateException if the controller has no OPC UA server
     */
    void opcUaPosture(UaPosture posture) throws IOException {
        synchronized (lifecycleLock) {
            if (config.opcUa().isEmpty()) {
                throw new IllegalStateException(config.name() + " has no OPC UA server");
            }
            uaPosture = posture;
            if (lifecycle == Lifecycle.RUNNING) {
                opcUa.ifPresent(PlcOpcUaServer::close);
                opcUa = Optional.empty();
                opcUa = startOpcUa(opcUaPort.orElse(0));
            }
        }
    }

    /** What the OPC UA server offers beyond its hardened endpoints. */
    UaPosture opcUaPosture() {
        synchronized (lifecycleLock) {
            return uaPosture;
        }
    }

    private void closeModbus() {
        modbus.close();
        plainModbus.ifPresent(ModbusServer::close);
        opcUa.ifPresent(PlcOpcUaServer::close);
    }

    /** The Modbus port (TLS when {@link #tls()}); the same after a crash and restart. */
    public int modbusPort() {
        return modbusPort;
    }

    /** Whether the Modbus port serves Modbus/TCP Security rather than plain Modbus TCP. */
    public boolean tls() {
        return config.tls().isPresent();
    }

    /**
     * Opens a plain Modbus TCP listener on {@code port} beside the TLS one (closing one already open),
     * or closes it ({@code port} empty): a posture weakened while the controller runs.
     */
    void plainModbus(OptionalInt port) throws IOException {
        synchronized (lifecycleLock) {
            plainModbus.ifPresent(ModbusServer::close);
            plainModbus = Optional.empty();
            plainPort = OptionalInt.empty();
            if (port.isPresent() && lifecycle != Lifecycle.CLOSED) {
                Optional<ModbusServer> opened = startPlainModbus(port);
                plainPort = opened.map(m -> OptionalInt.of(m.port())).orElse(OptionalInt.empty());
                if (lifecycle == Lifecycle.CRASHED) {
                    opened.ifPresent(ModbusServer::close);
                } else {
                    plainModbus = opened;
                }
            }
        }
    }

    /** Its security posture (TLS versions and suites, a plain port, its identity), changeable at run time. */
    public PostureControls posture() {
        return posture;
    }

    /** The second, plain Modbus TCP port beside the TLS one, if configured; the same after a restart. */
    public OptionalInt plainPort() {
        return plainPort;
    }

    /** The OPC UA port, if {@link SimConfig#opcUa()} asks for a server; the same after a restart. */
    public OptionalInt opcUaPort() {
        return opcUaPort;
    }

    /** The control port. */
    public int controlPort() {
        return control.port();
    }

    /** The address both servers are bound to. */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** Fault injection into this controller. */
    public FaultInjector faults() {
        return faults;
    }

    /** A consistent view of this controller now. */
    public SimSnapshot snapshot() {
        ControllerView view = controller.view();
        Set<String> active = new LinkedHashSet<>();
        synchronized (lifecycleLock) {
            if (lifecycle == Lifecycle.CRASHED) {
                active.add("crash");
            }
        }
        for (ControllerFault fault : ControllerFault.values()) {
            if (view.faults().contains(fault)) {
                active.add(fault.text());
            }
        }
        active.addAll(comms.active());
        return new SimSnapshot(
                config.name(),
                view.settings().role(),
                view.status(),
                view.heartbeat(),
                view.driving(),
                view.outputEnable(),
                view.plant().levelPercent(),
                view.pumpPercent(),
                view.plant().inflowPercent(),
                active,
                tls(),
                view.roleChanges(),
                view.partner(),
                view.partnerAgeMillis(),
                modbusAdmission.counters().plus(plainAdmission.counters()),
                opcUaAdmission.counters());
    }

    void crash() {
        synchronized (lifecycleLock) {
            if (lifecycle != Lifecycle.RUNNING) {
                return;
            }
            lifecycle = Lifecycle.CRASHED;
            scan.stop();
            closeModbus();
            controller.stop();
            slot.release();
        }
        PlcMdc.run(
                config.name(),
                () -> log.warn("Crashed: Modbus port {} closed, scan stopped, outputs dropped", modbusPort));
    }

    void restartIfCrashed() {
        synchronized (lifecycleLock) {
            if (lifecycle != Lifecycle.CRASHED) {
                return;
            }
            // The role is settled before the ports open, so no one reads the pre-crash ACTIVE role.
            controller.restart();
            try {
                modbus = startModbus(modbusPort);
                try {
                    plainModbus = startPlainModbus(plainPort);
                } catch (IOException e) {
                    modbus.close();
                    throw e;
                }
                try {
                    opcUa = startOpcUa(opcUaPort.orElse(0));
                } catch (IOException e) {
                    modbus.close();
                    plainModbus.ifPresent(ModbusServer::close);
                    throw e;
                }
            } catch (IOException e) {
                controller.stop();
                throw new UncheckedIOException("restart failed: " + e.getMessage(), e);
            }
            scan = ScanLoop.start(config.name(), config.scanPeriod(), controller::scan);
            lifecycle = Lifecycle.RUNNING;
        }
        PlcMdc.run(config.name(), () -> log.info("Restarted after a crash on Modbus port {}", modbusPort));
    }

    /** Closes every open Modbus and OPC UA connection; the servers keep accepting. */
    void closeConnections() {
        synchronized (lifecycleLock) {
            if (lifecycle == Lifecycle.RUNNING) {
                modbus.closeConnections();
                plainModbus.ifPresent(ModbusServer::closeConnections);
                opcUa.ifPresent(PlcOpcUaServer::closeConnections);
            }
        }
    }

    /** Stops the scan and both servers, drops the outputs and detaches from the plant. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (lifecycle == Lifecycle.CLOSED) {
                return;
            }
            if (lifecycle == Lifecycle.RUNNING) {
                scan.stop();
                closeModbus();
            }
            lifecycle = Lifecycle.CLOSED;
        }
        control.close();
        admissionTimer.shutdownNow();
        controller.stop();
        slot.close();
        PlcMdc.run(config.name(), () -> log.info("Closed"));
    }
}
