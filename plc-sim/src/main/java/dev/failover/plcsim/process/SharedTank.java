package dev.failover.plcsim.process;

import dev.failover.plcsim.PartnerSign;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.PlantState;
import dev.failover.plcsim.SimConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The plant logic shared by the in-memory and the file-backed tank: slot claims, integration, the
 * sum of contributions and the output-enable relays. Subclasses supply the storage and make each
 * {@link #update} atomic; thread-safe through that.
 *
 * <p>A slot contributes to the inflow only while its controller says it drives, its last exchange is
 * fresh ({@link #STALE_MICROS}) and its relay is closed: the relay is checked here, in the plant, so a
 * cut takes effect at once whatever the controller's process does (runs, is paused or is dead).
 *
 * <p>The partner link: each slot holds its controller's last published life sign and when it was
 * published. A controller's partner is the other claimed slot that published most recently (slots
 * that never published count as the oldest; a tie goes to the first slot), so in a pair it is simply
 * the other controller, and a third, stale slot left in the file by an earlier run does not displace
 * a partner that stopped publishing a moment ago.
 */
abstract sealed class SharedTank implements Plant permits InMemoryPlant, FilePlant {

    /** A contribution not refreshed for this long counts as zero: its controller is gone. */
    static final long STALE_MICROS = 500_000;

    private final Clock clock;
    private final Set<Integer> attached = ConcurrentHashMap.newKeySet();

    SharedTank(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs {@code action} on the store as one atomic update: no other update interleaves with it, and a
     * reader sees all of it or none. The action may run more than once (a file-backed tank retries an
     * update that lost a race), so it must touch nothing but the store.
     */
    abstract <T> T update(Function<TankStore, T> action);

    /**
     * Runs {@code action} on a consistent copy of the store, for reading only: what it writes is lost.
     * By default as an update, on the store itself.
     */
    <T> T onSnapshot(Function<TankStore, T> action) {
        return update(action);
    }

    final long nowMicros() {
        return epochMicros(clock);
    }

    static long epochMicros(Clock clock) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    }

    @Override
    public Slot attach(String controllerName) {
        int index = update(store -> claim(store, controllerName));
        if (!attached.add(index)) {
            throw new IllegalStateException(
                    "controller '" + controllerName + "' is already attached to this plant; close it first");
        }
        return new TankSlot(index);
    }

    /**
     * The state now. Integrates on a snapshot where the storage offers one ({@link #onSnapshot}): a
     * reader (an observer sampling every millisecond) then never writes the tank the controllers' scans
     * and the relays update. The stored level is integrated by the next exchange or relay change as
     * before; the result is the same.
     */
    @Override
    public PlantState read() {
        return onSnapshot(store -> advance(store, nowMicros()));
    }

    @Override
    public boolean outputEnabled(String controllerName) {
        return onSnapshot(store -> {
            int i = find(store, controllerName);
            return i < 0 || !store.slotRelayCut(i);
        });
    }

    @Override
    public void outputEnable(String controllerName, boolean on) {
        requireName(controllerName);
        update(store -> {
            // The tank moved under the old relay state until now; the new one applies from now on.
            advance(store, nowMicros());
            store.slotRelayCut(claim(store, controllerName), !on);
            return null;
        });
    }

    @Override
    public Map<String, Boolean> outputEnables() {
        return onSnapshot(store -> {
            Map<String, Boolean> relays = new LinkedHashMap<>();
            for (int i = 0; i < TankStore.SLOTS; i++) {
                if (!store.slotName(i).isEmpty()) {
                    relays.put(store.slotName(i), !store.slotRelayCut(i));
                }
            }
            return Collections.unmodifiableMap(relays);
        });
    }

    private static void requireName(String name) {
        if (name.isEmpty()
                || name.length() > SimConfig.MAX_NAME_LENGTH
                || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "a controller name is 1 to 32 printable ASCII characters without spaces, got '" + name + "'");
        }
    }

    /** The slot claimed by {@code name}, or -1. */
    private static int find(TankStore store, String name) {
        for (int i = 0; i < TankStore.SLOTS; i++) {
            if (store.slotName(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The slot of {@code name}, claimed with its relay closed if it has none. */
    private static int claim(TankStore store, String name) {
        int own = find(store, name);
        if (own >= 0) {
            return own;
        }
        int free = find(store, "");
        if (free < 0) {
            throw new IllegalStateException("the plant has no free slot: all " + TankStore.SLOTS
                    + " controller slots are claimed; use a new plant file");
        }
        store.claimSlot(free, name);
        store.writeSlot(free, 0.0, false, 0L);
        store.slotRelayCut(free, false);
        store.clearLifeSign(free);
        return free;
    }

    /** The partner of slot {@code own}: the other claimed slot that published last, or -1. */
    private static int partnerOf(TankStore store, int own) {
        int partner = -1;
        for (int i = 0; i < TankStore.SLOTS; i++) {
            if (i == own || store.slotName(i).isEmpty()) {
                continue;
            }
            if (partner < 0 || store.slotLifeSignSeconds(i) > store.slotLifeSignSeconds(partner)) {
                partner = i;
            }
        }
        return partner;
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
                if (store.slotDriving(i) && !store.slotRelayCut(i) && freshUntil > t) {
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
            if (contributes(store, i, now)) {
                drivers++;
            }
        }
        return new PlantState(store.level(), store.valve(), inflow(store, now), drivers, controllers);
    }

    private static double inflow(TankStore store, long now) {
        double sum = 0;
        for (int i = 0; i < TankStore.SLOTS; i++) {
            if (contributes(store, i, now)) {
                sum += store.slotPump(i);
            }
        }
        return sum;
    }

    /** Driving, fresh and with its relay closed. */
    private static boolean contributes(TankStore store, int i, long now) {
        return store.slotDriving(i) && !store.slotRelayCut(i) && now - store.slotSeenMicros(i) <= STALE_MICROS;
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
            return update(store -> {
                long now = nowMicros();
                advance(store, now);
                store.writeSlot(index, pump, driving, now);
                // The valve is an output too: a controller whose relay is cut does not move it.
                if (driving && !store.slotRelayCut(index)) {
                    store.valve(valve);
                }
                return state(store, now);
            });
        }

        @Override
        public Optional<PartnerSign> exchangeLifeSign(int heartbeat) {
            return update(store -> {
                store.slotLifeSign(index, heartbeat & 0xFFFF, clock.instant().getEpochSecond());
                int partner = partnerOf(store, index);
                return partner < 0
                        ? Optional.<PartnerSign>empty()
                        : Optional.of(new PartnerSign(store.slotName(partner), store.slotLifeSign(partner)));
            });
        }

        @Override
        public boolean outputEnabled() {
            return onSnapshot(store -> !store.slotRelayCut(index));
        }

        @Override
        public void outputEnable(boolean on) {
            update(store -> {
                advance(store, nowMicros());
                store.slotRelayCut(index, !on);
                return null;
            });
        }

        @Override
        public void release() {
            update(store -> {
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
