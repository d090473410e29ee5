package dev.failover.gateway.journal;

import dev.failover.gateway.journal.JournalRecord.Accepted;
import dev.failover.gateway.journal.JournalRecord.Acknowledged;
import dev.failover.gateway.journal.JournalRecord.AppliedActive;
import dev.failover.gateway.journal.JournalRecord.AppliedStandby;
import dev.failover.gateway.journal.JournalRecord.DeliveredToStandby;
import dev.failover.gateway.journal.JournalRecord.Failed;
import dev.failover.gateway.journal.JournalRecord.Retained;
import dev.failover.gateway.journal.JournalRecord.StandbyQueued;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's wire format (all integers big-endian):
 *
 * <pre>
 * file    = header record*
 * header  = "FGCJ" u16:version(1) u16:reserved(0)                          8 bytes
 * record  = u32:length u32:crc32c(payload) payload                          8 + length bytes
 * payload = u8:type body                                                    1..{@value #MAX_PAYLOAD} bytes
 * text    = u16:byteCount UTF-8 bytes
 *
 * type body
 *  1   Accepted           text:id text:pair i64:epochSecond i32:nano text:signer u16:n (text:tag f64:raw)*n
 *  2   AppliedActive      text:id text:controller
 *  3   AppliedStandby     text:id text:controller
 *  4   StandbyQueued      text:id text:controller
 *  5   DeliveredToStandby text:id text:controller
 *  6   Acknowledged       text:id
 *  7   Failed             text:id text:reason
 *  8   Retained           (the body of an Accepted) u16:n text:controller*n
 * </pre>
 *
 * A payload must be consumed exactly; anything else in it is corruption.
 */
final class RecordCodec {

    static final byte[] MAGIC = {'F', 'G', 'C', 'J'};
    static final int VERSION = 1;
    static final int HEADER_BYTES = 8;
    static final int FRAME_BYTES = 8;
    static final int MAX_PAYLOAD = 4 << 20;
    /** The type byte and an id of one byte with its length. */
    static final int MIN_PAYLOAD = 4;

    private static final int ACCEPTED = 1;
    private static final int APPLIED_ACTIVE = 2;
    private static final int APPLIED_STANDBY = 3;
    private static final int STANDBY_QUEUED = 4;
    private static final int DELIVERED_TO_STANDBY = 5;
    private static final int ACKNOWLEDGED = 6;
    private static final int FAILED = 7;
    private static final int RETAINED = 8;

    private RecordCodec() {}

    static byte[] header() {
        return ByteBuffer.allocate(HEADER_BYTES)
                .put(MAGIC)
                .putShort((short) VERSION)
                .putShort((short) 0)
                .array();
    }

    /** The record with its length and checksum, ready to append. */
    static byte[] frame(JournalRecord record) {
        byte[] payload = payload(record);
        return ByteBuffer.allocate(FRAME_BYTES + payload.length)
                .putInt(payload.length)
                .putInt(crc(payload, 0, payload.length))
                .put(payload)
                .array();
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    static byte[] payload(JournalRecord record) {
        Out out = new Out();
        switch (record) {
            case Accepted a -> {
                out.u8(ACCEPTED);
                accepted(out, a);
            }
            case AppliedActive a -> out.u8(APPLIED_ACTIVE).text(a.commandId()).text(a.controllerId());
            case AppliedStandby a -> out.u8(APPLIED_STANDBY).text(a.commandId()).text(a.controllerId());
            case StandbyQueued q -> out.u8(STANDBY_QUEUED).text(q.commandId()).text(q.controllerId());
            case DeliveredToStandby d ->
                out.u8(DELIVERED_TO_STANDBY).text(d.commandId()).text(d.controllerId());
            case Acknowledged a -> out.u8(ACKNOWLEDGED).text(a.commandId());
            case Failed f -> out.u8(FAILED).text(f.commandId()).text(f.reason());
            case Retained r -> {
                out.u8(RETAINED);
                accepted(out, r.command());
                out.u16(r.owedTo().size());
                r.owedTo().forEach(out::text);
            }
        }
        // The record constructors bound every field, so this holds by construction.
        if (out.size() > MAX_PAYLOAD) {
            throw new IllegalStateException("record of " + out.size() + " bytes exceeds " + MAX_PAYLOAD);
        }
        return out.toByteArray();
    }

    private static void accepted(Out out, Accepted a) {
        out.text(a.commandId()).text(a.pair());
        out.i64(a.acceptedAt().getEpochSecond()).i32(a.acceptedAt().getNano());
        out.text(a.signer()).u16(a.writes().size());
        for (TagWrite w : a.writes()) {
            out.text(w.tag()).f64(w.raw());
        }
    }

    /**
     * Decodes a payload whose checksum matched.
     *
     * @throws MalformedRecordException naming what is wrong: an unknown type, a field cut short, bytes
     *     left over, text that is not UTF-8 or a field a record does not allow
     */
    static JournalRecord decode(byte[] bytes, int offset, int length) throws MalformedRecordException {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length).slice();
        try {
            int type = Byte.toUnsignedInt(in.get());
            JournalRecord record = switch (type) {
                case ACCEPTED -> accepted(in);
                case APPLIED_ACTIVE -> new AppliedActive(text(in), text(in));
                case APPLIED_STANDBY -> new AppliedStandby(text(in), text(in));
                case STANDBY_QUEUED -> new StandbyQueued(text(in), text(in));
                case DELIVERED_TO_STANDBY -> new DeliveredToStandby(text(in), text(in));
                case ACKNOWLEDGED -> new Acknowledged(text(in));
                case FAILED -> new Failed(text(in), text(in));
                case RETAINED -> {
                    Accepted command = accepted(in);
                    int n = Short.toUnsignedInt(in.getShort());
                    List<String> owed = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        owed.add(text(in));
                    }
                    yield new Retained(command, owed);
                }
                default -> throw new MalformedRecordException("unknown record type " + type);
            };
            if (in.hasRemaining()) {
                throw new MalformedRecordException(record.getClass().getSimpleName() + " record followed by "
                        + in.remaining() + " unexpected byte(s) in its payload");
            }
            return record;
        } catch (BufferUnderflowException e) {
            throw new MalformedRecordException("the payload ends inside a field");
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new MalformedRecordException(e.getMessage());
        }
    }

    private static Accepted accepted(ByteBuffer in) throws MalformedRecordException {
        String id = text(in);
        String pair = text(in);
        Instant at = Instant.ofEpochSecond(in.getLong(), in.getInt());
        String signer = text(in);
        int n = Short.toUnsignedInt(in.getShort());
        List<TagWrite> writes = new ArrayList<>(Math.min(n, JournalRecord.MAX_WRITES));
        for (int i = 0; i < n; i++) {
            writes.add(new TagWrite(text(in), in.getDouble()));
        }
        return new Accepted(id, pair, writes, at, signer);
    }

    private static String text(ByteBuffer in) throws MalformedRecordException {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer bytes = in.slice(in.position(), n);
        in.position(in.position() + n);
        try {
            // Strict: a journal is written by us, so bytes that are not UTF-8 are damage.
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedRecordException("a text field is not UTF-8");
        }
    }

    /** A payload with a good checksum that is not a valid record. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message);
        }
    }

    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        private final ByteBuffer scratch = ByteBuffer.allocate(8);

        Out u8(int v) {
            bytes.write(v);
            return this;
        }

        Out u16(int v) {
            return put(scratch.clear().putShort((short) v));
        }

        Out i32(int v) {
            return put(scratch.clear().putInt(v));
        }

        Out i64(long v) {
            return put(scratch.clear().putLong(v));
        }

        Out f64(double v) {
            return put(scratch.clear().putDouble(v));
        }

        Out text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u16(b.length);
            bytes.write(b, 0, b.length);
            return this;
        }

        private Out put(ByteBuffer filled) {
            bytes.write(filled.array(), 0, filled.position());
            return this;
        }

        int size() {
            return bytes.size();
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
