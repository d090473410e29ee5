package dev.failover.gateway.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the audit log's records one at a time, as stored (without their line ends), so that a log of
 * millions of records is checked in constant memory. Stateless.
 */
final class RecordFile {

    private RecordFile() {}

    /** Called with each complete record. */
    interface Visitor {
        /** @return false to stop */
        boolean record(long index, byte[] bytes) throws IOException;
    }

    /** Where the complete records end, and how many bytes of an incomplete one follow. */
    record End(long completeBytes, long trailingBytes) {}

    /** Visits the complete records of {@code file} (none if it is missing). */
    static End read(Path file, Visitor visitor) throws IOException {
        if (!Files.exists(file)) {
            return new End(0, 0);
        }
        long complete = 0;
        long index = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            int b;
            long position = 0;
            while ((b = in.read()) >= 0) {
                position++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                complete = position;
                boolean more = visitor.record(index++, line.toByteArray());
                line.reset();
                if (!more) {
                    return new End(complete, 0);
                }
            }
        }
        return new End(complete, line.size());
    }
}
