package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.RecordCodec.FRAME_BYTES;
import static dev.failover.gateway.journal.RecordCodec.HEADER_BYTES;
import static dev.failover.gateway.journal.RecordCodec.MAX_PAYLOAD;
import static dev.failover.gateway.journal.RecordCodec.MIN_PAYLOAD;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a journal file's bytes into a state, telling a crash mid-append from any other damage.
 *
 * <p>Every append is one write followed by a sync, and the next append starts only after it, so a
 * crash can damage the last record only. The last record is taken as cut short by a crash when its
 * frame header is incomplete, when its length reaches past the end of the file, when its checksum
 * fails and it ends exactly at the end of the file, or when everything from it to the end is zero
 * bytes (space the file system allocated but the crash kept from being written). Anything else that
 * is wrong is corruption, reported with the offset of the header or record where it starts.
 */
final class JournalReader {

    /** What a file holds: the state of its good records, where they end, and what was cut short. */
    record Scan(JournalState state, long validEnd, Optional<Recovery> recovery) {}

    private JournalReader() {}

    static Scan scan(Path file, byte[] b) throws JournalCorruptException {
        checkHeader(file, b);
        JournalState state = new JournalState();
        int pos = HEADER_BYTES;
        while (pos < b.length) {
            int remaining = b.length - pos;
            if (remaining < FRAME_BYTES) {
                return torn(file, state, b, pos, "only " + remaining + " of the 8 bytes of its length and CRC");
            }
            int length = ByteBuffer.wrap(b, pos, 4).getInt();
            int stored = ByteBuffer.wrap(b, pos + 4, 4).getInt();
            long unsignedLength = Integer.toUnsignedLong(length);
            long end = pos + (long) FRAME_BYTES + unsignedLength;
            boolean plausible = unsignedLength >= MIN_PAYLOAD && unsignedLength <= MAX_PAYLOAD;
            if (end > b.length) {
                String damage = plausible
                        ? "its payload is cut short: " + (remaining - FRAME_BYTES) + " of " + unsignedLength
                                + " bytes present"
                        : "its length field reads " + unsignedLength + ", past the end of the file";
                return torn(file, state, b, pos, damage);
            }
            if (!plausible) {
                if (zerosFrom(b, pos)) {
                    return torn(file, state, b, pos, "zero bytes where the record should be");
                }
                throw new JournalCorruptException(
                        file,
                        pos,
                        "impossible record length " + unsignedLength + " (a record holds " + MIN_PAYLOAD + " to "
                                + MAX_PAYLOAD + " bytes)");
            }
            int computed = RecordCodec.crc(b, pos + FRAME_BYTES, length);
            if (computed != stored) {
                String mismatch =
                        String.format(Locale.ROOT, "CRC32C mismatch (stored %08x, computed %08x)", stored, computed);
                if (end == b.length) {
                    return torn(file, state, b, pos, mismatch);
                }
                throw new JournalCorruptException(
                        file,
                        pos,
                        mismatch + " in a record followed by " + (b.length - end)
                                + " more byte(s): a crash during an append damages only the last record");
            }
            JournalRecord record;
            try {
                record = RecordCodec.decode(b, pos + FRAME_BYTES, length);
            } catch (RecordCodec.MalformedRecordException e) {
                throw new JournalCorruptException(
                        file, pos, "a record with a good CRC is malformed: " + e.getMessage());
            }
            Optional<String> violation = state.violation(record);
            if (violation.isPresent()) {
                throw new JournalCorruptException(
                        file,
                        pos,
                        record.getClass().getSimpleName() + " record contradicts the records before it: "
                                + violation.get());
            }
            state.apply(record);
            pos = (int) end;
        }
        return new Scan(state, b.length, Optional.empty());
    }

    private static void checkHeader(Path file, byte[] b) throws JournalCorruptException {
        if (b.length < HEADER_BYTES) {
            throw new JournalCorruptException(
                    file,
                    0,
                    "the file has " + b.length + " byte(s), fewer than the " + HEADER_BYTES
                            + "-byte header (the journal is created whole, so a crash cannot explain this)");
        }
        if (!Arrays.equals(b, 0, 4, RecordCodec.MAGIC, 0, 4)) {
            throw new JournalCorruptException(
                    file,
                    0,
                    "not a command journal: it starts with bytes "
                            + HexFormat.of().formatHex(b, 0, 4) + " instead of '"
                            + new String(RecordCodec.MAGIC, StandardCharsets.US_ASCII) + "'");
        }
        int version = Short.toUnsignedInt(ByteBuffer.wrap(b, 4, 2).getShort());
        if (version != RecordCodec.VERSION) {
            throw new JournalCorruptException(
                    file,
                    4,
                    "journal format version " + version + " is not supported (this gateway reads version "
                            + RecordCodec.VERSION + ")");
        }
        if (b[6] != 0 || b[7] != 0) {
            throw new JournalCorruptException(file, 6, "the reserved header bytes are not zero");
        }
    }

    private static Scan torn(Path file, JournalState state, byte[] b, int pos, String damage)
            throws JournalCorruptException {
        // A damaged length could make a middle record look like the last: truncating there would
        // drop the good records after it. A crash leaves nothing valid after the damaged record.
        int next = validFrameAfter(b, pos);
        if (next >= 0) {
            throw new JournalCorruptException(
                    file,
                    pos,
                    "a damaged record (" + damage + ") with a valid record after it at byte offset " + next
                            + ": a crash during an append damages only the last record");
        }
        return new Scan(state, pos, Optional.of(new Recovery(file, pos, b.length - pos, damage)));
    }

    /** The offset of the first whole record with a good CRC that starts after {@code pos}, or -1. */
    static int validFrameAfter(byte[] b, int pos) {
        for (int at = pos + 1; at + FRAME_BYTES + MIN_PAYLOAD <= b.length; at++) {
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(b, at, 4).getInt());
            if (length < MIN_PAYLOAD || length > MAX_PAYLOAD || at + FRAME_BYTES + length > b.length) {
                continue;
            }
            int stored = ByteBuffer.wrap(b, at + 4, 4).getInt();
            if (RecordCodec.crc(b, at + FRAME_BYTES, (int) length) == stored) {
                return at;
            }
        }
        return -1;
    }

    private static boolean zerosFrom(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
