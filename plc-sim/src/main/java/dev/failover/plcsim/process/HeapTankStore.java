package dev.failover.plcsim.process;

import java.util.Arrays;
import java.util.OptionalInt;

/** {@link TankStore} in plain fields, for a plant private to one JVM. Not thread-safe. */
final class HeapTankStore implements TankStore {

    private double level = TankModel.INITIAL_LEVEL;
    private double valve = TankModel.INITIAL_VALVE;
    private long lastUpdateMicros;
    private final String[] names = new String[SLOTS];
    private final double[] pumps = new double[SLOTS];
    private final boolean[] driving = new boolean[SLOTS];
    private final long[] seen = new long[SLOTS];
    private final boolean[] relayCut = new boolean[SLOTS];
    private final boolean[] published = new boolean[SLOTS];
    private final int[] lifeSigns = new int[SLOTS];
    private final long[] lifeSignSeconds = new long[SLOTS];

    HeapTankStore(long nowMicros) {
        lastUpdateMicros = nowMicros;
        Arrays.fill(names, "");
    }

    /** A copy of every field of {@code source}: a private snapshot to compute on without touching it. */
    static HeapTankStore copyOf(TankStore source) {
        HeapTankStore copy = new HeapTankStore(source.lastUpdateMicros());
        copy.level = source.level();
        copy.valve = source.valve();
        for (int i = 0; i < SLOTS; i++) {
            copy.names[i] = source.slotName(i);
            copy.pumps[i] = source.slotPump(i);
            copy.driving[i] = source.slotDriving(i);
            copy.seen[i] = source.slotSeenMicros(i);
            copy.relayCut[i] = source.slotRelayCut(i);
            OptionalInt sign = source.slotLifeSign(i);
            copy.published[i] = sign.isPresent();
            copy.lifeSigns[i] = sign.orElse(0);
            copy.lifeSignSeconds[i] = source.slotLifeSignSeconds(i);
        }
        return copy;
    }

    @Override
    public double level() {
        return level;
    }

    @Override
    public void level(double percent) {
        level = percent;
    }

    @Override
    public double valve() {
        return valve;
    }

    @Override
    public void valve(double percent) {
        valve = percent;
    }

    @Override
    public long lastUpdateMicros() {
        return lastUpdateMicros;
    }

    @Override
    public void lastUpdateMicros(long epochMicros) {
        lastUpdateMicros = epochMicros;
    }

    @Override
    public String slotName(int i) {
        return names[i];
    }

    @Override
    public void claimSlot(int i, String name) {
        names[i] = name;
    }

    @Override
    public double slotPump(int i) {
        return pumps[i];
    }

    @Override
    public boolean slotDriving(int i) {
        return driving[i];
    }

    @Override
    public long slotSeenMicros(int i) {
        return seen[i];
    }

    @Override
    public void writeSlot(int i, double pumpPercent, boolean isDriving, long seenMicros) {
        pumps[i] = pumpPercent;
        driving[i] = isDriving;
        seen[i] = seenMicros;
    }

    @Override
    public boolean slotRelayCut(int i) {
        return relayCut[i];
    }

    @Override
    public void slotRelayCut(int i, boolean cut) {
        relayCut[i] = cut;
    }

    @Override
    public OptionalInt slotLifeSign(int i) {
        return published[i] ? OptionalInt.of(lifeSigns[i]) : OptionalInt.empty();
    }

    @Override
    public long slotLifeSignSeconds(int i) {
        return lifeSignSeconds[i];
    }

    @Override
    public void slotLifeSign(int i, int heartbeat, long epochSeconds) {
        published[i] = true;
        lifeSigns[i] = heartbeat & 0xFFFF;
        lifeSignSeconds[i] = epochSeconds;
    }

    @Override
    public void clearLifeSign(int i) {
        published[i] = false;
        lifeSigns[i] = 0;
        lifeSignSeconds[i] = 0;
    }
}
