package dev.failover.plcsim.process;

import dev.failover.plcsim.Plant;
import dev.failover.plcsim.PlantState;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The plant logic shared by the in-memory and the file-backed tank: slot claims, integration and the
 * sum of contributions. Subclasses supply the storage and the lock; thread-safe through that lock.
 */
abstract sealed class SharedTank implements Plant permits InMemoryPlant, FilePlant {

    /** A contribution not refreshed for this long counts as zero: its controller is gone. */
    static final long STALE_MICROS = 500_000;

    private final Clock clock;
    private final Set<Integer> attached = ConcurrentHashMap.newKeySet();

    SharedTank(Clock clock) {
        this.clock = clock;
    }

    /** Runs {@code action} on the store while holding the plant's lock. */
    abstract <T> T locked(Function<TankStore, T> action);

    final long nowMicros() {
        return epochMicros(clock);
    }

    static long epochMicros(Clock clock) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    }

    @Override
    public Slot attach(String controllerName) {
        int index = locked(store -> claim(store, controllerName));
        if (!attached.add(index)) {
            throw new IllegalStateException(
                    "controller '" + controllerName + "' is already attached to this plant; close it first");
        }
        return new TankSlot(index);
    }

    @Override
    public PlantState read() {
        return locked(store -> advance(store, nowMicros()));
    }

    private static int claim(TankStore store, String name) {
        int free = -1;
        for (int i = 0; i < TankStore.SLOTS; i++) {
            String owner = store.slotName(i);
            if (owner.equals(name)) {
                return i;
            }
            if (owner.isEmpty() && free < 0) {
                free = i;
            }
        }
        if (free < 0) {
            throw new IllegalStateException("the plant has no free slot: all " + TankStore.SLOTS
                    + " controller slots are claimed; use a new plant file");
        }
        store.claimSlot(free, name);
        store.writeSlot(free, 0.0, false, 0L);
        return free;
    }

    /** Integrates once over the interval since the last update, then reports the state at {@code now}. */
    private static PlantState advance(TankStore store, long now) {
        long last = store.lastUpdateMicros();
        if (now > last) {
            integrate(store, last, now);
        }
        // A clock that stepped back restarts the interval instead of integrating a negative one.
        if (now != last) {
            store.lastUpdateMicros(now);
        }
        return state(store, now);
    }

    /**
     * Integrates {@code [from, to]} in pieces split where a contribution goes stale, so a controller
     * that died counts for at most {@link #STALE_MICROS} however long nobody scanned.
     */
    private static void integrate(TankStore store, long from, long to) {
        long t = from;
        while (t < to) {
            double inflow = 0;
            long next = to;
            for (int i = 0; i < TankStore.SLOTS; i++) {
                long freshUntil = store.slotSeenMicros(i) + STALE_MICROS;
                if (store.slotDriving(i) && freshUntil > t) {
                    inflow += store.slotPump(i);
                    next = Math.min(next, freshUntil);
                }
            }
            store.level(TankModel.integrate(store.level(), inflow, store.valve(), (next - t) / 1e6));
            t = next;
        }
    }

    private static PlantState state(TankStore store, long now) {
        int drivers = 0;
        int controllers = 0;
        for (int i = 0; i < TankStore.SLOTS; i++) {
            if (!store.slotName(i).isEmpty()) {
                controllers++;
            }
            if (fresh(store, i, now) && store.slotDriving(i)) {
                drivers++;
            }
        }
        return new PlantState(store.level(), store.valve(), inflow(store, now), drivers, controllers);
    }

    private static double inflow(TankStore store, long now) {
        double sum = 0;
        for (int i = 0; i < TankStore.SLOTS; i++) {
            if (fresh(store, i, now) && store.slotDriving(i)) {
                sum += store.slotPump(i);
            }
        }
        return sum;
    }

    private static boolean fresh(TankStore store, int i, long now) {
        return now - store.slotSeenMicros(i) <= STALE_MICROS;
    }

    private final class TankSlot implements Slot {
        private final int index;
        private final AtomicBoolean closed = new AtomicBoolean();

        TankSlot(int index) {
            this.index = index;
        }

        @Override
        public PlantState exchange(double pumpPercent, boolean driving, double valvePercent) {
            double pump = driving ? Math.max(0.0, Math.min(100.0, pumpPercent)) : 0.0;
            double valve = Math.max(0.0, Math.min(100.0, valvePercent));
            return locked(store -> {
                long now = nowMicros();
                advance(store, now);
                store.writeSlot(index, pump, driving, now);
                if (driving) {
                    store.valve(valve);
                }
                return state(store, now);
            });
        }

        @Override
        public void release() {
            locked(store -> {
                advance(store, nowMicros());
                store.writeSlot(index, 0.0, false, 0L);
                return null;
            });
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                release();
                attached.remove(index);
            }
        }
    }
}
