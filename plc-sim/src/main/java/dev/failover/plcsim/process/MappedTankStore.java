package dev.failover.plcsim.process;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link TankStore} on a tank image: a page of a memory-mapped plant file shared between processes
 * ({@link FilePlant}), or a copy of one. Not thread-safe: the plant file writes only pages of its
 * own and publishes them whole.
 *
 * <p>Layout, big-endian: magic {@code "PLCTANK\0"} (8 bytes), version (int), slot count (int), level
 * (double), valve (double), time of the last integration in epoch µs (long), then {@value
 * TankStore#SLOTS} slots of {@value #SLOT_SIZE} bytes, at offset 40 + slot ×
 * {@value #SLOT_SIZE}:
 *
 * <ul>
 *   <li>0-31: name (32 ASCII bytes, NUL padded; all NUL = free slot)
 *   <li>32-39: pump (double, %)
 *   <li>40-47: last refresh in epoch µs (long)
 *   <li>48-51: driving (int, 0 or 1)
 *   <li>52-55: output-enable relay (int): 0 closed, 1 cut. Files written before the relay existed have
 *       0 there, so their relays read closed; the format version stays 1
 *   <li>56-59: life sign (int): 0 never published, else {@code 0x10000 | heartbeat}, the value of the
 *       controller's {@code HEARTBEAT} register at its last scan
 *   <li>60-63: when the life sign was last published, epoch seconds (unsigned int); 0 never
 * </ul>
 *
 * <p>Files written before the partner link existed have 0 at 56-63, so their slots read as never
 * having published; the format version stays 1, and a plc-sim without the partner link ignores these
 * bytes.
 */
final class MappedTankStore implements TankStore {

    static final byte[] MAGIC = "PLCTANK\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int SLOT_SIZE = 64;
    private static final int NAME_BYTES = 32;
    private static final int OFF_VERSION = 8;
    private static final int OFF_SLOTS_COUNT = 12;
    private static final int OFF_LEVEL = 16;
    private static final int OFF_VALVE = 24;
    private static final int OFF_LAST_UPDATE = 32;
    private static final int OFF_FIRST_SLOT = 40;
    private static final int SLOT_PUMP = 32;
    private static final int SLOT_SEEN = 40;
    private static final int SLOT_DRIVING = 48;
    private static final int SLOT_RELAY = 52;
    private static final int SLOT_LIFE_SIGN = 56;
    private static final int SLOT_LIFE_SIGN_TIME = 60;
    /** Set in a published life sign, so that heartbeat 0 differs from "never published". */
    private static final int PUBLISHED = 0x10000;

    /** Size of a tank image in bytes: a page of the plant file ({@link FilePlant#PAGE_SIZE}). */
    static final int SIZE = OFF_FIRST_SLOT + SLOTS * SLOT_SIZE;

    private final ByteBuffer buffer;

    MappedTankStore(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Writes the header and a fresh tank into an all-zero buffer. */
    void initialize(long nowMicros) {
        buffer.put(0, MAGIC);
        buffer.putInt(OFF_VERSION, VERSION);
        buffer.putInt(OFF_SLOTS_COUNT, SLOTS);
        level(TankModel.INITIAL_LEVEL);
        valve(TankModel.INITIAL_VALVE);
        lastUpdateMicros(nowMicros);
    }

    /** Why this buffer does not hold a plant file of this version, or empty if it does. */
    Optional<String> formatProblem() {
        byte[] magic = new byte[MAGIC.length];
        buffer.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return Optional.of("it does not start with the plant file magic 'PLCTANK'");
        }
        int version = buffer.getInt(OFF_VERSION);
        if (version != VERSION || buffer.getInt(OFF_SLOTS_COUNT) != SLOTS) {
            return Optional.of("unsupported plant file version " + version + " (expected " + VERSION + ")");
        }
        return Optional.empty();
    }

    @Override
    public double level() {
        return buffer.getDouble(OFF_LEVEL);
    }

    @Override
    public void level(double percent) {
        buffer.putDouble(OFF_LEVEL, percent);
    }

    @Override
    public double valve() {
        return buffer.getDouble(OFF_VALVE);
    }

    @Override
    public void valve(double percent) {
        buffer.putDouble(OFF_VALVE, percent);
    }

    @Override
    public long lastUpdateMicros() {
        return buffer.getLong(OFF_LAST_UPDATE);
    }

    @Override
    public void lastUpdateMicros(long epochMicros) {
        buffer.putLong(OFF_LAST_UPDATE, epochMicros);
    }

    @Override
    public String slotName(int i) {
        byte[] raw = new byte[NAME_BYTES];
        buffer.get(slot(i), raw);
        int length = 0;
        while (length < raw.length && raw[length] != 0) {
            length++;
        }
        return new String(raw, 0, length, StandardCharsets.US_ASCII);
    }

    @Override
    public void claimSlot(int i, String name) {
        byte[] raw = Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), NAME_BYTES);
        buffer.put(slot(i), raw);
    }

    @Override
    public double slotPump(int i) {
        return buffer.getDouble(slot(i) + SLOT_PUMP);
    }

    @Override
    public boolean slotDriving(int i) {
        return buffer.getInt(slot(i) + SLOT_DRIVING) != 0;
    }

    @Override
    public long slotSeenMicros(int i) {
        return buffer.getLong(slot(i) + SLOT_SEEN);
    }

    @Override
    public void writeSlot(int i, double pumpPercent, boolean driving, long seenMicros) {
        buffer.putDouble(slot(i) + SLOT_PUMP, pumpPercent);
        buffer.putLong(slot(i) + SLOT_SEEN, seenMicros);
        buffer.putInt(slot(i) + SLOT_DRIVING, driving ? 1 : 0);
    }

    @Override
    public boolean slotRelayCut(int i) {
        return buffer.getInt(slot(i) + SLOT_RELAY) != 0;
    }

    @Override
    public void slotRelayCut(int i, boolean cut) {
        buffer.putInt(slot(i) + SLOT_RELAY, cut ? 1 : 0);
    }

    @Override
    public OptionalInt slotLifeSign(int i) {
        int sign = buffer.getInt(slot(i) + SLOT_LIFE_SIGN);
        return (sign & PUBLISHED) != 0 ? OptionalInt.of(sign & 0xFFFF) : OptionalInt.empty();
    }

    @Override
    public long slotLifeSignSeconds(int i) {
        return Integer.toUnsignedLong(buffer.getInt(slot(i) + SLOT_LIFE_SIGN_TIME));
    }

    @Override
    public void slotLifeSign(int i, int heartbeat, long epochSeconds) {
        buffer.putInt(slot(i) + SLOT_LIFE_SIGN, PUBLISHED | (heartbeat & 0xFFFF));
        buffer.putInt(slot(i) + SLOT_LIFE_SIGN_TIME, (int) epochSeconds);
    }

    @Override
    public void clearLifeSign(int i) {
        buffer.putInt(slot(i) + SLOT_LIFE_SIGN, 0);
        buffer.putInt(slot(i) + SLOT_LIFE_SIGN_TIME, 0);
    }

    private static int slot(int i) {
        return OFF_FIRST_SLOT + i * SLOT_SIZE;
    }
}
