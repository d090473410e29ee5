package dev.failover.plcsim;

import dev.failover.plcsim.comms.CommsFaults;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects the faults of docs/plc-sim.md into one {@link SimulatedPlc}; the control port's commands
 * call the same methods. Every fault lasts until {@link #clear()} unless marked transient. The comms
 * faults act on the Modbus server and, if there is one, the OPC UA server alike.
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

    /**
     * Stops the controller: Modbus and OPC UA ports closed and connections reset, scan stopped,
     * outputs dropped.
     */
    public void crash() {
        logged("crash", plc::crash);
    }

    /**
     * Connections are accepted and requests read, but nothing is executed or ever answered (over OPC
     * UA not even the connection handshake).
     */
    public void hang() {
        logged("hang", comms::hang);
    }

    /** {@code HEARTBEAT} stops advancing; everything else keeps running. */
    public void freezeHeartbeat() {
        logged("freeze-heartbeat", () -> controller.inject(ControllerFault.FREEZE_HEARTBEAT));
    }

    /**
     * Sets {@code HEARTBEAT} to {@code value} once (transient): it counts on from there, as a replayed or
     * spoofed status would make it jump or run backwards.
     */
    public void spoofHeartbeat(int value) {
        logged("heartbeat " + value, () -> controller.heartbeat(value));
    }

    /** {@code STATUS} = {@code FAULT}, {@code FAULT_CODE} = 1, outputs dropped. */
    public void fault() {
        logged("fault", () -> controller.inject(ControllerFault.FAULT));
    }

    /** Every Modbus and OPC UA response is delayed by {@code delay}. */
    public void slow(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        logged("slow " + delay.toMillis() + " ms", () -> comms.slow(delay));
    }

    /** Every connection is closed at once, and every new one right after accept. */
    public void drop() {
        logged("drop", () -> {
            comms.drop();
            plc.closeConnections();
        });
    }

    /** Open connections are closed once (transient). */
    public void dropOnce() {
        logged("drop once", plc::closeConnections);
    }

    /**
     * The next {@code n} requests, over Modbus or OPC UA, are read and never executed or answered
     * (transient).
     */
    public void lose(int n) {
        logged("lose " + n, () -> comms.lose(n));
    }

    /**
     * The Modbus and OPC UA servers answer nothing for {@code duration}, then answer what queued
     * (transient).
     */
    public void stall(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        logged("stall " + duration.toMillis() + " ms", () -> comms.stall(duration));
    }

    /** Process registers 10-13 read as garbage (values of 40960 and above). */
    public void corrupt() {
        logged("corrupt", () -> controller.inject(ControllerFault.CORRUPT));
    }

    /**
     * Setpoint registers 20-23 ({@code LEVEL_SP}, {@code VALVE_SP}, {@code KP}, {@code TI}) read as
     * garbage (values of 40960 and above, out of every setpoint's range), as a corrupted memory or a
     * tampered program would show them; the program keeps controlling with the true setpoints, and
     * writes still set them.
     */
    public void corruptSetpoints() {
        logged("corrupt-setpoints", () -> controller.inject(ControllerFault.CORRUPT_SETPOINTS));
    }

    /**
     * Cuts this controller's side of the partner link: it keeps publishing its own life sign, so the
     * partner still sees it, but it no longer sees the partner's updates. The partner's heartbeat
     * looks frozen to it, so after the partner timeout (and 5 scans) it reports the partner lost, as a
     * controller with a broken sync link would. Lasts until {@link #restorePartnerLink()} or {@link
     * #clear()}.
     */
    public void cutPartnerLink() {
        logged("partner-link cut", () -> controller.inject(ControllerFault.PARTNER_LINK_CUT));
    }

    /** Restores the partner link cut by {@link #cutPartnerLink()}; the next scan sees the partner again. */
    public void restorePartnerLink() {
        logged("partner-link restore", controller::restorePartnerLink);
    }

    /**
     * Clears every fault (a cut partner link included) and restarts a crashed controller in its
     * retained role on its old port.
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
