package dev.failover.gateway.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    /** Where the complete records of a file end, how many bytes of an incomplete one follow, and how many complete ones it holds. */
    record End(long completeBytes, long trailingBytes, long records) {}

    /** The prefix of a sealed segment's name, followed by the index of its first record. */
    static final String SEGMENT = "audit-";

    /** The name of the sealed segment whose first record is {@code index}. */
    static String segmentName(long index) {
        return String.format(java.util.Locale.ROOT, "%s%020d.jsonl", SEGMENT, index);
    }

    /** The log's files in order: the sealed segments by their first index, then the live file. */
    static List<Path> files(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (Stream<Path> list = Files.list(directory)) {
                list.filter(p -> p.getFileName().toString().matches(SEGMENT + "[0-9]{20}\\.jsonl"))
                        .sorted()
                        .forEach(files::add);
            }
        }
        files.add(directory.resolve(AuditLog.RECORDS));
        return files;
    }

    /**
     * Visits every complete record of the log in {@code directory}, the segments' and the live
     * file's, with indexes counted across them; the end returned is the live file's.
     */
    static End readAll(Path directory, Visitor visitor) throws IOException {
        long[] offset = {0};
        End end = new End(0, 0, 0);
        boolean[] stopped = {false};
        for (Path file : files(directory)) {
            long base = offset[0];
            end = read(file, (index, bytes) -> {
                offset[0] = base + index + 1;
                boolean more = visitor.record(base + index, bytes);
                stopped[0] = !more;
                return more;
            });
            if (stopped[0]) {
                break;
            }
        }
        return end;
    }

    /** Visits the complete records of {@code file} (none if it is missing). */
    static End read(Path file, Visitor visitor) throws IOException {
        if (!Files.exists(file)) {
            return new End(0, 0, 0);
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
                    return new End(complete, 0, index);
                }
            }
        }
        return new End(complete, line.size(), index);
    }
}
