package dev.failover.plcsim;

import dev.failover.plcsim.modbus.BankResult;
import dev.failover.plcsim.modbus.ExceptionCode;
import dev.failover.plcsim.process.PiController;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
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
 * <p>Thread-safe: every method holds the object's monitor, so register reads see one scan's values
 * and a role write is visible to the next read at once.
 */
final class Controller {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final String name;
    private final Duration scanPeriod;
    private final Plant.Slot slot;
    private final LongSupplier nanoTime;
    private final PiController pi = new PiController();

    // Guarded by this.
    private Settings settings;
    private byte[] configHash;
    private Status status = Status.INIT;
    private final EnumSet<ControllerFault> faults = EnumSet.noneOf(ControllerFault.class);
    private boolean outputEnable = true;
    private boolean driving;
    private double pump;
    private int heartbeat;
    private int roleChanges;
    private int scanTimeMicros;
    private long lastScanNanos;
    private PlantState plant;

    Controller(SimConfig config, Plant.Slot slot, LongSupplier nanoTime) {
        this.name = config.name();
        this.scanPeriod = config.scanPeriod();
        this.slot = slot;
        this.nanoTime = nanoTime;
        this.settings = Settings.initial(config.initialRole());
        this.configHash = settings.configHash(scanPeriod);
        this.lastScanNanos = nanoTime.getAsLong();
        this.plant = slot.exchange(0.0, false, settings.valveSetpointPercent());
    }

    /** One scan: PI loop or tracking, exchange with the plant, heartbeat, status. */
    synchronized void scan() {
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
        if (status == Status.INIT) {
            status = Status.RUN;
            log.info("In RUN as {}", settings.role());
        }
        scanTimeMicros = (int) Math.min(0xFFFF, Math.max(0, (nanoTime.getAsLong() - start) / 1000));
    }

    /**
     * Applies a change to the retentive settings; the caller has validated addresses and ranges.
     * Promotion outside {@code RUN} is refused with exception 04 and changes nothing.
     */
    synchronized BankResult modify(UnaryOperator<Settings> change) {
        Settings next = change.apply(settings);
        if (next.role() != settings.role()) {
            if (next.role() == Role.ACTIVE && status != Status.RUN) {
                log.warn("Promotion refused: status is {}", status);
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

    synchronized void inject(ControllerFault fault) {
        faults.add(fault);
        if (fault == ControllerFault.FAULT && status != Status.STOP) {
            status = Status.FAULT;
        }
    }

    /** Removes every controller fault; a faulted controller resets through {@code INIT}. */
    synchronized void clearFaults() {
        faults.clear();
        if (status == Status.FAULT) {
            status = Status.INIT;
        }
    }

    /**
     * The output-enable input. Turning it off cuts the outputs at once, like the relay contact in
     * series with them would, without waiting for the next scan; turning it on takes effect at the
     * next scan, when the program decides again whether to drive.
     */
    synchronized void outputEnable(boolean on) {
        if (on != outputEnable) {
            log.info("Output-enable input {}", on ? "on" : "off");
        }
        outputEnable = on;
        if (!on && driving) {
            log.info(
                    "Stopped driving the outputs: output-enable cut (pump was {}%)",
                    String.format(Locale.ROOT, "%.1f", pump));
            driving = false;
            pump = 0.0;
            plant = slot.exchange(0.0, false, settings.valveSetpointPercent());
        }
    }

    /** Crash or close: no scan runs any more; the caller releases the plant slot. */
    synchronized void stop() {
        status = Status.STOP;
        driving = false;
        pump = 0.0;
    }

    /** Restart after a crash: retentive settings kept, heartbeat restarts at 0, status {@code INIT}. */
    synchronized void restart() {
        status = Status.INIT;
        heartbeat = 0;
        lastScanNanos = nanoTime.getAsLong();
    }

    synchronized ControllerView view() {
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
                faults);
    }
}
