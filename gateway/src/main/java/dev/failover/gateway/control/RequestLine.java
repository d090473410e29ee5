package dev.failover.gateway.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One request line as the control endpoint reads it: the bytes up to the first {@code '\n'} (or the
 * end of the stream). A line longer than the limit is not kept but read on to its end, up to a drain
 * limit, so that its size can be told and the answer is not lost in a TCP reset (a socket closed with
 * unread data resets the connection, and the peer may lose the answer it had not read yet).
 *
 * @param text the line, when it fits the limit; {@code null} when it is oversized
 * @param size the bytes of the line read, without the {@code '\n'}
 * @param ended whether the line's end ({@code '\n'} or the end of the stream) was reached: {@code
 *     false} when the drain limit stopped the reading first
 */
record RequestLine(String text, long size, boolean ended) {

    /** Whether the line was longer than the limit. */
    boolean oversized() {
        return text == null;
    }

    /**
     * Reads one line from {@code in} (which should be buffered).
     *
     * @param limit the longest line kept, in bytes
     * @param drainLimit how many bytes of an oversized line are read at most
     */
    static RequestLine read(InputStream in, int limit, long drainLimit) throws IOException {
        byte[] kept = new byte[Math.min(limit, 4096)];
        long size = 0;
        while (true) {
            int b = in.read();
            if (b == -1 || b == '\n') {
                return size > limit
                        ? new RequestLine(null, size, true)
                        : new RequestLine(new String(kept, 0, (int) size, StandardCharsets.UTF_8), size, true);
            }
            if (size < limit) {
                if (size == kept.length) {
                    kept = Arrays.copyOf(kept, (int) Math.min(limit, kept.length * 2L));
                }
                kept[(int) size] = (byte) b;
            } else if (size >= drainLimit) {
                return new RequestLine(null, size, false);
            }
            size++;
        }
    }
}
