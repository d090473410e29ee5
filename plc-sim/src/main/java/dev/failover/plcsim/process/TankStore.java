package dev.failover.plcsim.process;

import java.util.OptionalInt;

/**
 * Raw storage of the shared tank: the level, the valve, the time of the last integration and one
 * slot per controller. Callers hold the plant's lock; implementations are not thread-safe.
 */
interface TankStore {

    /** Number of controller slots. */
    int SLOTS = 8;

    double level();

    void level(double percent);

    double valve();

    void valve(double percent);

    long lastUpdateMicros();

    void lastUpdateMicros(long epochMicros);

    /** The name that claimed slot {@code i}, empty when free. */
    String slotName(int i);

    void claimSlot(int i, String name);

    double slotPump(int i);

    boolean slotDriving(int i);

    long slotSeenMicros(int i);

    void writeSlot(int i, double pumpPercent, boolean driving, long seenMicros);

    /** Whether the output-enable relay of slot {@code i} is cut (open); a fresh slot's is closed. */
    boolean slotRelayCut(int i);

    void slotRelayCut(int i, boolean cut);

    /** The heartbeat slot {@code i}'s controller last published as its life sign, empty if it never did. */
    OptionalInt slotLifeSign(int i);

    /** When slot {@code i} last published its life sign, epoch seconds; 0 if it never did. */
    long slotLifeSignSeconds(int i);

    /** Publishes {@code heartbeat} (0 to 65535) as slot {@code i}'s life sign at {@code epochSeconds}. */
    void slotLifeSign(int i, int heartbeat, long epochSeconds);

    /** Slot {@code i} has never published a life sign (a freshly claimed slot). */
    void clearLifeSign(int i);
}
