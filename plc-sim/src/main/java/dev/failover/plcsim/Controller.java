package dev.failover.plcsim;

import dev.failover.plcsim.modbus.BankResult;
import dev.failover.plcsim.modbus.ExceptionCode;
import dev.failover.plcsim.process.PiController;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller program: heartbeat, status, role and a PI level loop exchanging with the plant
 * once per scan.
 *
 * <p>Only a controller that is {@code ACTIVE}, in {@code RUN} and has output-enable on drives the
 * pump. Otherwise its loop tracks the pump output applied to the plant while someone drives, and
 * holds the last value when no one does, so a promotion continues from the process state.
 *
 * <p>The output-enable input is the slot's relay in the plant ({@link Plant.Slot#outputEnabled()}),
 * read at every scan and before every register read or write, so a controller that resumes after a
 * pause answers its first request with the relay as it is now. A controller that finds the input off
 * while {@code ACTIVE} becomes {@code STANDBY} at once: a fenced controller never reports {@code
 * ACTIVE}, and a promotion while the input is off is refused (exception 04).
 *
 * <p>The partner link: every scan publishes the {@code HEARTBEAT} value as this controller's life
 * sign in its plant slot and reads its partner's, which a {@link PartnerMonitor} judges. A controller
 * that does not scan (crashed) publishes nothing, so its partner sees the life sign frozen; with the
 * link cut ({@link ControllerFault#PARTNER_LINK_CUT}) this controller still publishes but no longer
 * sees its partner's updates.
 *
 * <p>Thread-safe: every method holds the object's monitor, so register reads see one scan's values
 * and a role write is visible to the next read at once.
 */
final class Controller {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final String name;
    private final Duration scanPeriod;
    private final Plant.Slot slot;
    private final LongSupplier nanoTime;
    private final Clock wallClock;
    private final boolean retainActiveRole;
    private final PiController pi = new PiController();
    private final PartnerMonitor partner;

    // Guarded by this.
    private Settings settings;
    private byte[] configHash;
    private Status status = Status.INIT;
    private final EnumSet<ControllerFault> faults = EnumSet.noneOf(ControllerFault.class);
    private boolean outputEnable;
    private boolean driving;
    private double pump;
    private int heartbeat;
    private int roleChanges;
    private int scanTimeMicros;
    private long lastScanNanos;
    private PlantState plant;

    /**
     * @param nanoTime the scan's monotonic time source
     * @param wallClock the wall clock that deadlines of role commands are compared with
     */
    Controller(SimConfig config, Plant.Slot slot, LongSupplier nanoTime, Clock wallClock) {
        this.name = config.name();
        this.scanPeriod = config.scanPeriod();
        this.slot = slot;
        this.nanoTime = nanoTime;
        this.wallClock = wallClock;
        this.retainActiveRole = config.retainActiveRole();
        this.partner = new PartnerMonitor(config.partnerTimeout());
        this.settings = Settings.initial(config.initialRole());
        this.configHash = settings.configHash(scanPeriod);
        this.lastScanNanos = nanoTime.getAsLong();
        this.outputEnable = slot.outputEnabled();
        this.plant = slot.exchange(0.0, false, settings.valveSetpointPercent());
    }

    /** One scan: output-enable input, PI loop or tracking, exchange with the plant, heartbeat, status. */
    synchronized void scan() {
        readOutputEnable();
        long start = nanoTime.getAsLong();
        double dtSeconds = (start - lastScanNanos) / 1e9;
        lastScanNanos = start;
        boolean drive = settings.role() == Role.ACTIVE && status == Status.RUN && outputEnable;
        double setpoint = settings.levelSetpointPercent();
        double level = plant.levelPercent();
        if (drive) {
            pump = pi.update(setpoint, level, dtSeconds, settings.gain(), settings.integralSeconds());
        } else {
            if (plant.drivers() > 0) {
                pi.track(plant.inflowPercent(), setpoint, level, settings.gain());
            }
            pump = 0.0;
        }
        if (drive != driving) {
            log.info(
                    drive ? "Driving the outputs from pump {}%" : "Stopped driving the outputs (pump was {}%)",
                    String.format(Locale.ROOT, "%.1f", pi.output()));
        }
        driving = drive;
        plant = slot.exchange(pump, drive, settings.valveSetpointPercent());
        if (!faults.contains(ControllerFault.FREEZE_HEARTBEAT)) {
            heartbeat = (heartbeat + 1) & 0xFFFF;
        }
        exchangeLifeSigns();
        if (status == Status.INIT) {
            status = Status.RUN;
            log.info("In RUN as {}", settings.role());
        }
        scanTimeMicros = (int) Math.min(0xFFFF, Math.max(0, (nanoTime.getAsLong() - start) / 1000));
    }

    /** Publishes the heartbeat as the life sign and judges the partner's; the caller holds the monitor. */
    private void exchangeLifeSigns() {
        Optional<PartnerSign> seen = slot.exchangeLifeSign(heartbeat);
        long now = nanoTime.getAsLong();
        if (faults.contains(ControllerFault.PARTNER_LINK_CUT)) {
            partner.scanWithoutNews(now);
        } else {
            partner.scan(seen, now);
        }
    }

    /**
     * Applies a change to the retentive settings; the caller has validated addresses and ranges.
     * Promotion outside {@code RUN} is refused with exception 04 and changes nothing.
     */
    synchronized BankResult modify(UnaryOperator<Settings> change) {
        readOutputEnable();
        Settings next = change.apply(settings);
        if (next.role() != settings.role()) {
            if (next.role() == Role.ACTIVE && status != Status.RUN) {
                log.warn("Promotion refused: status is {}", status);
                return new BankResult.Rejected(ExceptionCode.SERVER_DEVICE_FAILURE);
            }
            if (next.role() == Role.ACTIVE && !outputEnable) {
                log.warn("Promotion refused: the output-enable input is off");
                return new BankResult.Rejected(ExceptionCode.SERVER_DEVICE_FAILURE);
            }
            roleChanges = (roleChanges + 1) & 0xFFFF;
            log.info("Role {} -> {}", settings.role(), next.role());
        }
        if (next.kp() != settings.kp() || next.ti() != settings.ti()) {
            configHash = next.configHash(scanPeriod);
        }
        settings = next;
        return new BankResult.Written();
    }

    /**
     * A role command with a deadline (registers 30-34): applied as a {@code ROLE} write if this
     * controller's wall clock has not passed {@code deadlineEpochMillis} (unsigned), else refused with
     * exception 03 and nothing changed, so a command its sender gave up on is never executed late.
     */
    synchronized BankResult roleCommand(Role role, long deadlineEpochMillis) {
        long now = wallClock.millis();
        if (Long.compareUnsigned(now, deadlineEpochMillis) > 0) {
            log.warn("stale role command: deadline passed {} ms ago", now - deadlineEpochMillis);
            return new BankResult.Rejected(ExceptionCode.ILLEGAL_DATA_VALUE);
        }
        return modify(s -> s.withRole(role));
    }

    /** Sets the heartbeat counter to {@code value} (a spoof or a replay, for drills); it counts on from there. */
    synchronized void heartbeat(int value) {
        heartbeat = value & 0xFFFF;
    }

    synchronized void inject(ControllerFault fault) {
        faults.add(fault);
        if (fault == ControllerFault.FAULT && status != Status.STOP) {
            status = Status.FAULT;
        }
    }

    /** Restores a cut partner link: the next scan sees the partner's life sign again. */
    synchronized void restorePartnerLink() {
        faults.remove(ControllerFault.PARTNER_LINK_CUT);
    }

    /**
     * Removes every controller fault (a cut partner link included); a faulted controller resets
     * through {@code INIT}.
     */
    synchronized void clearFaults() {
        faults.clear();
        if (status == Status.FAULT) {
            status = Status.INIT;
        }
    }

    /**
     * Sets this controller's relay in the plant, as an external relay would, and reads the input at
     * once. Turning it off cuts the outputs at once (the plant ignores them from the cut on) and
     * demotes an {@code ACTIVE} controller; turning it on takes effect at the next scan, when the
     * program decides again whether to drive.
     */
    synchronized void outputEnable(boolean on) {
        slot.outputEnable(on);
        readOutputEnable();
    }

    /** Reads the output-enable input from the slot's relay; the caller holds the monitor. */
    private void readOutputEnable() {
        boolean on = slot.outputEnabled();
        if (on != outputEnable) {
            log.info("Output-enable input {}", on ? "on" : "off");
        }
        outputEnable = on;
        if (on || status == Status.STOP) {
            return;
        }
        if (driving) {
            log.info(
                    "Stopped driving the outputs: output-enable cut (pump was {}%)",
                    String.format(Locale.ROOT, "%.1f", pump));
            driving = false;
            pump = 0.0;
            plant = slot.exchange(0.0, false, settings.valveSetpointPercent());
        }
        if (settings.role() == Role.ACTIVE) {
            settings = settings.withRole(Role.STANDBY);
            roleChanges = (roleChanges + 1) & 0xFFFF;
            log.info("output-enable cut while ACTIVE: now STANDBY");
        }
    }

    /** Crash or close: no scan runs any more; the caller releases the plant slot. */
    synchronized void stop() {
        status = Status.STOP;
        driving = false;
        pump = 0.0;
    }

    /**
     * Restart after a crash: retentive settings kept, except that an {@code ACTIVE} controller comes
     * back {@code STANDBY} unless {@link SimConfig#retainActiveRole()}; heartbeat restarts at 0, status
     * {@code INIT}, and the partner is judged afresh.
     */
    synchronized void restart() {
        if (settings.role() == Role.ACTIVE && !retainActiveRole) {
            settings = settings.withRole(Role.STANDBY);
            roleChanges = (roleChanges + 1) & 0xFFFF;
            log.info("Restarting as STANDBY: the ACTIVE role is not retained across a crash");
        }
        status = Status.INIT;
        heartbeat = 0;
        partner.reset();
        lastScanNanos = nanoTime.getAsLong();
    }

    /** What the registers show now; reads the output-enable input first. */
    synchronized ControllerView view() {
        readOutputEnable();
        return new ControllerView(
                settings,
                status,
                heartbeat,
                roleChanges,
                scanTimeMicros,
                outputEnable,
                driving,
                pump,
                plant,
                configHash,
                faults,
                partner.status(),
                partner.ageMillis());
    }
}
