package dev.failover.gateway.config;

import java.util.List;
import java.util.Objects;

/**
 * One named value of the pair's tag map.
 *
 * @param name the tag name, unique within the pair
 * @param address the first holding register
 * @param type how the registers encode the value
 * @param scale engineering value = raw value × scale
 * @param unit engineering unit, for display
 * @param min lowest permitted engineering value (writes and mirroring are checked against it)
 * @param max highest permitted engineering value
 * @param mirrored whether the value is copied from the active to the standby
 * @param writableBy the operator roles that may write it; empty for read-only
 */
public record TagConfig(
        String name,
        int address,
        TagType type,
        double scale,
        String unit,
        double min,
        double max,
        boolean mirrored,
        List<String> writableBy) {

    /** Register encodings; 32-bit types take two registers, high word first. */
    public enum TagType {
        UINT16(1),
        INT16(1),
        UINT32(2),
        INT32(2),
        FLOAT32(2);

        private final int registers;

        TagType(int registers) {
            this.registers = registers;
        }

        public int registers() {
            return registers;
        }
    }

    public TagConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        writableBy = List.copyOf(writableBy);
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is above max " + max);
        }
    }

    /** Decodes this tag's engineering value from its registers (as many as {@link TagType#registers()}). */
    public double decode(int[] registers, int offset) {
        int hi = registers[offset] & 0xFFFF;
        double raw = switch (type) {
            case UINT16 -> hi;
            case INT16 -> (short) hi;
            case UINT32 -> ((long) hi << 16) | (registers[offset + 1] & 0xFFFF);
            case INT32 -> (hi << 16) | (registers[offset + 1] & 0xFFFF);
            case FLOAT32 -> Float.intBitsToFloat((hi << 16) | (registers[offset + 1] & 0xFFFF));
        };
        return raw * scale;
    }
}
