package dev.failover.plcsim;

import dev.failover.plcsim.modbus.CommsFaults;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects the faults of docs/plc-sim.md into one {@link SimulatedPlc}; the control port's commands
 * call the same methods. Every fault lasts until {@link #clear()} unless marked transient.
 *
 * <p>Thread-safe.
 */
public final class FaultInjector {

    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

    private final SimulatedPlc plc;
    private final Controller controller;
    private final CommsFaults comms;
    private final String name;

    FaultInjector(SimulatedPlc plc, Controller controller, CommsFaults comms, String name) {
        this.plc = plc;
        this.controller = controller;
        this.comms = comms;
        this.name = name;
    }

    /** Stops the controller: Modbus port closed and connections reset, scan stopped, outputs dropped. */
    public void crash() {
        logged("crash", plc::crash);
    }

    /** Connections are accepted and requests read, but nothing is ever answered. */
    public void hang() {
        logged("hang", comms::hang);
    }

    /** {@code HEARTBEAT} stops advancing; everything else keeps running. */
    public void freezeHeartbeat() {
        logged("freeze-heartbeat", () -> controller.inject(ControllerFault.FREEZE_HEARTBEAT));
    }

    /** {@code STATUS} = {@code FAULT}, {@code FAULT_CODE} = 1, outputs dropped. */
    public void fault() {
        logged("fault", () -> controller.inject(ControllerFault.FAULT));
    }

    /** Every Modbus response is delayed by {@code delay}. */
    public void slow(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        logged("slow " + delay.toMillis() + " ms", () -> comms.slow(delay));
    }

    /** Every connection is closed at once, and every new one right after accept. */
    public void drop() {
        logged("drop", () -> {
            comms.drop();
            plc.closeModbusConnections();
        });
    }

    /** Open connections are closed once (transient). */
    public void dropOnce() {
        logged("drop once", plc::closeModbusConnections);
    }

    /** The next {@code n} requests are read and never answered (transient). */
    public void lose(int n) {
        logged("lose " + n, () -> comms.lose(n));
    }

    /** The Modbus server answers nothing for {@code duration}, then answers what queued (transient). */
    public void stall(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        logged("stall " + duration.toMillis() + " ms", () -> comms.stall(duration));
    }

    /** Process registers 10-13 read as garbage (values of 40960 and above). */
    public void corrupt() {
        logged("corrupt", () -> controller.inject(ControllerFault.CORRUPT));
    }

    /**
     * Clears every fault and restarts a crashed controller in its retained role on its old port.
     *
     * @throws java.io.UncheckedIOException if the Modbus port cannot be bound again
     */
    public void clear() {
        logged("clear", () -> {
            comms.clear();
            controller.clearFaults();
            plc.restartIfCrashed();
        });
    }

    /** Sets the output-enable input, as a relay wired to it would. */
    public void outputEnable(boolean on) {
        controller.outputEnable(on);
    }

    private void logged(String what, Runnable action) {
        PlcMdc.run(name, () -> {
            log.info("Fault injection: {}", what);
            action.run();
        });
    }
}
