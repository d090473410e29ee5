package dev.failover.gateway.link.modbus;

import dev.failover.gateway.config.TagConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Tags grouped into blocks of consecutive holding registers, so that each block is one Modbus request,
 * and the register encoding of tag values (32-bit types high word first).
 *
 * <p>Only adjacent tags share a block: a gap is never read or written, since a controller may refuse
 * (or act on) a register that belongs to no tag.
 */
final class RegisterBlocks {

    /** One request's registers and the indexes (into the caller's list) of the tags they hold. */
    record Block(int address, int count, List<Integer> tagIndexes) {}

    private RegisterBlocks() {}

    /**
     * The blocks covering {@code tags}, in address order.
     *
     * @param maxRegisters the most registers one request may carry
     */
    static List<Block> of(List<TagConfig> tags, int maxRegisters) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            if (!tags.get(i).hasAddress()) {
                throw new IllegalArgumentException("tag " + tags.get(i).name() + " has no Modbus register address");
            }
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> tags.get(i).address()));
        List<Block> blocks = new ArrayList<>();
        int start = -1;
        int end = -1;
        List<Integer> members = new ArrayList<>();
        for (int i : order) {
            TagConfig tag = tags.get(i);
            int size = tag.type().registers();
            if (start >= 0 && tag.address() == end && end + size - start <= maxRegisters) {
                end += size;
                members.add(i);
                continue;
            }
            if (start >= 0) {
                blocks.add(new Block(start, end - start, List.copyOf(members)));
            }
            start = tag.address();
            end = start + size;
            members = new ArrayList<>(List.of(i));
        }
        if (start >= 0) {
            blocks.add(new Block(start, end - start, List.copyOf(members)));
        }
        return blocks;
    }

    /** The raw value of {@code tag} from its registers at {@code offset}. */
    static double decode(TagConfig tag, int[] registers, int offset) {
        int hi = registers[offset] & 0xFFFF;
        return switch (tag.type()) {
            case UINT16 -> hi;
            case INT16 -> (short) hi;
            case UINT32 -> ((long) hi << 16) | (registers[offset + 1] & 0xFFFF);
            case INT32 -> (hi << 16) | (registers[offset + 1] & 0xFFFF);
            case FLOAT32 -> Float.intBitsToFloat((hi << 16) | (registers[offset + 1] & 0xFFFF));
        };
    }

    /** Writes the registers of raw value {@code raw} of {@code tag} into {@code registers} at {@code offset}. */
    static void encode(TagConfig tag, double raw, int[] registers, int offset) {
        switch (tag.type()) {
            case UINT16, INT16 -> registers[offset] = (int) ((long) raw & 0xFFFF);
            case UINT32, INT32 -> {
                long bits = (long) raw;
                registers[offset] = (int) ((bits >> 16) & 0xFFFF);
                registers[offset + 1] = (int) (bits & 0xFFFF);
            }
            case FLOAT32 -> {
                int bits = Float.floatToIntBits((float) raw);
                registers[offset] = (bits >>> 16) & 0xFFFF;
                registers[offset + 1] = bits & 0xFFFF;
            }
        }
    }
}
