package dev.failover.plcsim;

import dev.failover.plcsim.control.LineServer;
import dev.failover.plcsim.modbus.CommsFaults;
import dev.failover.plcsim.modbus.ModbusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated controller: a scan loop over a {@link Plant}, a Modbus TCP server with the register
 * map of docs/plc-sim.md and a control port for fault injection.
 *
 * <p>Lifecycle: {@code RUNNING} after {@link #start}; {@link FaultInjector#crash()} moves to {@code
 * CRASHED} (Modbus port closed, scan stopped, outputs dropped, control port still up); {@link
 * FaultInjector#clear()} restarts on the same Modbus port in the retained role; {@link #close()} ends
 * everything.
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
    private final int modbusPort;
    private final LineServer control;

    private final Object lifecycleLock = new Object();
    // Guarded by lifecycleLock.
    private Lifecycle lifecycle = Lifecycle.RUNNING;
    private ModbusServer modbus;
    private ScanLoop scan;

    private SimulatedPlc(SimConfig config, InetAddress bindAddress, Plant.Slot slot, LongSupplier nanoTime)
            throws IOException {
        this.config = config;
        this.bindAddress = bindAddress;
        this.slot = slot;
        this.controller = new Controller(config, slot, nanoTime);
        this.registers = new RegisterMap(config.name(), controller);
        this.faults = new FaultInjector(this, controller, comms, config.name());
        this.modbus = startModbus(config.modbusPort());
        this.modbusPort = modbus.port();
        ControlDispatcher dispatcher = new ControlDispatcher(faults, this::snapshot);
        try {
            this.control = LineServer.start(config.name(), bindAddress, config.controlPort(), dispatcher::handle);
        } catch (IOException e) {
            modbus.close();
            throw e;
        }
        this.scan = ScanLoop.start(config.name(), config.scanPeriod(), controller::scan);
    }

    /**
     * Starts a controller attached to {@code plant}: binds both ports, then scans.
     *
     * @throws IOException if the bind address is unknown or a port cannot be bound
     * @throws IllegalStateException if a controller of that name is already attached to the plant
     */
    public static SimulatedPlc start(SimConfig config, Plant plant) throws IOException {
        return start(config, plant, System::nanoTime);
    }

    /** As {@link #start(SimConfig, Plant)} with the scan's time source injected (tests). */
    static SimulatedPlc start(SimConfig config, Plant plant, LongSupplier nanoTime) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(plant, "plant");
        return PlcMdc.call(config.name(), () -> {
            InetAddress bindAddress = InetAddress.getByName(config.bindAddress());
            Plant.Slot slot = plant.attach(config.name());
            try {
                SimulatedPlc plc = new SimulatedPlc(config, bindAddress, slot, nanoTime);
                log.info(
                        "Started as {}: Modbus {}:{} unit {}, control port {}",
                        config.initialRole(),
                        bindAddress.getHostAddress(),
                        plc.modbusPort(),
                        config.unitId(),
                        plc.controlPort());
                return plc;
            } catch (IOException | RuntimeException e) {
                slot.close();
                throw e;
            }
        });
    }

    private ModbusServer startModbus(int port) throws IOException {
        return ModbusServer.start(config.name(), bindAddress, port, config.unitId(), registers, comms);
    }

    /** The Modbus TCP port; the same after a crash and restart. */
    public int modbusPort() {
        return modbusPort;
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
                active);
    }

    void crash() {
        synchronized (lifecycleLock) {
            if (lifecycle != Lifecycle.RUNNING) {
                return;
            }
            lifecycle = Lifecycle.CRASHED;
            scan.stop();
            modbus.close();
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
            try {
                modbus = startModbus(modbusPort);
            } catch (IOException e) {
                throw new UncheckedIOException("restart failed: " + e.getMessage(), e);
            }
            controller.restart();
            scan = ScanLoop.start(config.name(), config.scanPeriod(), controller::scan);
            lifecycle = Lifecycle.RUNNING;
        }
        PlcMdc.run(config.name(), () -> log.info("Restarted after a crash on Modbus port {}", modbusPort));
    }

    void closeModbusConnections() {
        synchronized (lifecycleLock) {
            if (lifecycle == Lifecycle.RUNNING) {
                modbus.closeConnections();
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
                modbus.close();
            }
            lifecycle = Lifecycle.CLOSED;
        }
        control.close();
        controller.stop();
        slot.close();
        PlcMdc.run(config.name(), () -> log.info("Closed"));
    }
}
