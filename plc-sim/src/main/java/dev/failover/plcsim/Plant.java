package dev.failover.plcsim;

import dev.failover.plcsim.process.FilePlant;
import dev.failover.plcsim.process.InMemoryPlant;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The physical tank that one or more controllers act on.
 *
 * <p>Level 0-100 %, starting at 50 %. An inflow pump fills it with the sum of what the controllers
 * drive; an outflow valve drains it with a flow proportional to the square root of the level. The
 * level is integrated from the wall time elapsed since the last update whenever any controller
 * exchanges with the plant (see {@link dev.failover.plcsim.process.TankModel}). A contribution that
 * has not been refreshed for 500 ms counts as zero, so a controller that dies drops its output.
 *
 * <p><b>Output-enable relays.</b> Each controller slot has a relay in series with that controller's
 * outputs, as a contact in the cabinet would be, independent of the controller's process: while it
 * is cut the slot contributes no inflow, moves no valve and is not counted in {@link
 * PlantState#drivers()}, from the moment of the cut, whatever its process does (a paused or killed
 * process's last "driving" exchange counts for nothing, not for another 500 ms). The relay is also the
 * controller's output-enable input. It lives with the slot: a controller that restarts and
 * re-attaches finds it as it was (still cut, say); a newly claimed slot starts closed.
 *
 * <p><b>Partner link.</b> Each slot also carries its controller's life sign, the value of its {@code
 * HEARTBEAT} register, published at every scan ({@link Slot#exchangeLifeSign(int)}), as a redundant
 * pair's sync link would carry it: each controller reads its partner's there. The partner is the other
 * controller that has a slot (with more than two, the one that published last).
 *
 * <p>Implementations are thread-safe: {@link #inMemory()} can be shared by several {@link
 * SimulatedPlc} in one JVM, {@link #file(Path)} by several processes.
 */
public interface Plant extends AutoCloseable {

    /** A private tank in this JVM, which several {@link SimulatedPlc} instances may share. */
    static Plant inMemory() {
        return new InMemoryPlant(Clock.systemUTC());
    }

    /**
     * A tank in a small memory-mapped file that several processes share, updated under a file lock.
     * The file is created when it does not exist or is empty.
     *
     * @throws IllegalArgumentException if the file exists but is not a plant file
     * @throws java.io.UncheckedIOException if the file cannot be opened, locked or mapped
     */
    static Plant file(Path path) {
        return FilePlant.open(path, Clock.systemUTC());
    }

    /**
     * Claims the slot of the named controller, or re-claims it after a restart.
     *
     * @throws IllegalStateException if that controller is already attached through this object, or
     *     the plant has no free slot
     */
    Slot attach(String controllerName);

    /** The current state, after integrating the time elapsed since the last update. */
    PlantState read();

    /**
     * The relay contact of the named controller's slot: {@code true} = closed, its outputs may drive.
     * A name without a slot reads {@code true} (nothing is cut).
     */
    boolean outputEnabled(String controllerName);

    /**
     * Closes ({@code on}) or cuts the relay of the named controller's slot, claiming a slot for the name
     * if it has none (so a relay may be cut before its controller attaches). The tank is integrated up
     * to now under the old state first; the new state applies from now on.
     *
     * @throws IllegalArgumentException if the name is not 1 to 32 printable ASCII characters without
     *     spaces
     * @throws IllegalStateException if the name has no slot and the plant has no free one
     */
    void outputEnable(String controllerName, boolean on);

    /** Every claimed slot's relay ({@code true} = closed), in slot order. */
    Map<String, Boolean> outputEnables();

    /** Releases the resources of this object (the file mapping); the tank itself lives on. */
    @Override
    void close();

    /** One controller's connection to the plant. Thread-safe. */
    interface Slot extends AutoCloseable {

        /**
         * Integrates the elapsed time, then records this controller's contribution.
         *
         * @param pumpPercent pump output driven, 0 to 100 (ignored unless {@code driving})
         * @param driving whether this controller drives the outputs now
         * @param valvePercent valve setpoint, applied to the plant only while {@code driving}
         */
        PlantState exchange(double pumpPercent, boolean driving, double valvePercent);

        /**
         * Publishes this controller's life sign (its {@code HEARTBEAT} register, 0 to 65535) in its slot
         * and reads its partner's. The life sign stays in the slot when the controller stops
         * publishing (crashed, paused, killed), so the partner sees it frozen.
         *
         * @return the partner's slot as it is now; empty if no other controller has a slot in the plant
         */
        Optional<PartnerSign> exchangeLifeSign(int heartbeat);

        /** This slot's relay contact, as {@link Plant#outputEnabled(String)}. */
        boolean outputEnabled();

        /** Sets this slot's relay, as {@link Plant#outputEnable(String, boolean)}. */
        void outputEnable(boolean on);

        /**
         * Drops this controller's outputs (no pump, not driving) and keeps the slot claimed, relay
         * included.
         */
        void release();

        /** Drops the outputs and detaches, so the same name can attach again. Idempotent. */
        @Override
        void close();
    }
}
