package dev.failover.plcsim.modbus;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads Modbus TCP frames: a 7-byte MBAP header (transaction id, protocol id, length, unit id)
 * followed by the PDU (Modbus Messaging on TCP/IP v1.0b, section 3.1.3).
 *
 * <p>We frame requests ourselves rather than with {@code ModbusTCPTransport.readRequest}: j2mod
 * 3.3.0 decodes a function code it does not know by reading two bytes past the frame, which ends in
 * an end-of-stream error and loses the connection instead of answering exception 01.
 *
 * <p>Not thread-safe: one reader per connection thread.
 */
final class MbapReader {

    /** Largest length field: unit id plus a PDU of at most 253 bytes. */
    static final int MAX_LENGTH = 254;

    private static final int HEADER = 6;

    private final DataInputStream in;

    MbapReader(InputStream in) {
        this.in = new DataInputStream(new BufferedInputStream(in));
    }

    /** One request frame (MBAP header and PDU). */
    record Frame(int transactionId, int protocolId, int unitId, int functionCode, byte[] adu) {}

    /**
     * Reads the next frame, blocking until it has fully arrived.
     *
     * @return the frame, or empty when the peer closed the connection between frames
     * @throws IOException on a read error, a frame cut short or a length field out of range
     */
    Optional<Frame> read() throws IOException {
        byte[] header = new byte[HEADER];
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        header[0] = (byte) first;
        in.readFully(header, 1, HEADER - 1);
        int length = u16(header, 4);
        if (length < 2 || length > MAX_LENGTH) {
            throw new IOException("MBAP length " + length + " outside 2.." + MAX_LENGTH + ": not a Modbus TCP peer");
        }
        byte[] adu = new byte[HEADER + length];
        System.arraycopy(header, 0, adu, 0, HEADER);
        try {
            in.readFully(adu, HEADER, length);
        } catch (EOFException e) {
            throw new IOException("connection closed inside a Modbus frame", e);
        }
        return Optional.of(new Frame(u16(adu, 0), u16(adu, 2), adu[6] & 0xFF, adu[7] & 0xFF, adu));
    }

    private static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }
}
