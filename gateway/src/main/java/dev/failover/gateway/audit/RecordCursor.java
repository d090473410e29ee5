package dev.failover.gateway.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an audit log's records in order from a given index on, while the log is being written: the
 * sealed segments, then the live file, only complete lines, and on into a segment that the live file
 * was sealed as meanwhile. Keeps its place (a file and a byte offset), so reading a long backlog is
 * linear. Each record's {@code index} field is checked against its place; a mismatch (the live file
 * sealed under the reader's feet) makes the cursor find its place again from the file names. Not
 * thread-safe: one reader.
 */
public final class RecordCursor {

    private static final int CHUNK = 1 << 16;

    private final Path directory;
    private Path file;
    /** The index of {@link #file}'s first record. */
    private long fileFirst;

    private long offset;
    private long next;

    private RecordCursor(Path directory) {
        this.directory = directory;
    }

    /** A cursor at {@code index} (the log's size or beyond: at its end, for the records to come). */
    static RecordCursor open(Path directory, long index) throws IOException {
        RecordCursor cursor = new RecordCursor(directory);
        cursor.seek(index);
        return cursor;
    }

    /** The index of the next record {@link #read} returns. */
    public long next() {
        return next;
    }

    private void seek(long index) throws IOException {
        List<Path> files = RecordFile.files(directory);
        file = files.getLast();
        fileFirst = 0;
        for (Path f : files.subList(0, files.size() - 1)) {
            long first = firstOf(f);
            if (first <= index) {
                file = f;
                fileFirst = first;
            }
        }
        if (file.equals(files.getLast()) && files.size() > 1) {
            // Before every segment, or none matched: start at the first one.
            file = files.getFirst();
            fileFirst = firstOf(file);
        }
        offset = 0;
        next = fileFirst;
        while (next < index) {
            if (read((int) Math.min(index - next, 4_096), false).isEmpty()) {
                return; // the log is shorter than index: wait at its end
            }
        }
    }

    private static long firstOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(RecordFile.SEGMENT.length(), name.length() - ".jsonl".length()));
    }

    /**
     * Up to {@code max} records from {@link #next()} on; fewer, maybe none, at the end of what is
     * written so far.
     */
    public List<LogRecord> read(int max) throws IOException {
        return read(max, true);
    }

    private List<LogRecord> read(int max, boolean check) throws IOException {
        List<LogRecord> out = new ArrayList<>(Math.min(max, 1024));
        boolean sought = false;
        while (out.size() < max) {
            boolean live = file.getFileName().toString().equals(AuditLog.RECORDS);
            if (live) {
                Path sealed = directory.resolve(RecordFile.segmentName(fileFirst));
                if (Files.exists(sealed)) {
                    file = sealed; // the live file was sealed since: same records, same offsets
                    live = false;
                }
            }
            int before = out.size();
            readLines(max, out);
            if (check && out.size() > before && !indexed(out.getLast())) {
                if (sought) {
                    throw new IOException("the audit log in " + directory + " does not hold record "
                            + out.getLast().index() + " where its files say it is");
                }
                // The live file was replaced between the check above and the read: find the place again.
                long from = out.get(before).index();
                out.subList(before, out.size()).clear();
                seek(from);
                sought = true;
                continue;
            }
            if (out.size() > before) {
                continue;
            }
            if (live) {
                break; // at the end of what is written
            }
            // The end of a sealed segment: on to the next file.
            Path following = directory.resolve(RecordFile.segmentName(next));
            file = Files.exists(following) ? following : directory.resolve(AuditLog.RECORDS);
            fileFirst = next;
            offset = 0;
        }
        return out;
    }

    /** Reads the complete lines of {@link #file} from {@link #offset}, at most as many as {@code out} can still take. */
    private void readLines(int max, List<LogRecord> out) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long position = offset;
            while (out.size() < max) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    return;
                }
                byte[] bytes = buffer.array();
                int start = 0;
                int lines = 0;
                for (int i = 0; i < n && out.size() < max; i++) {
                    if (bytes[i] == '\n') {
                        out.add(new LogRecord(next++, Arrays.copyOfRange(bytes, start, i)));
                        start = i + 1;
                        lines++;
                    }
                }
                position += start;
                offset = position;
                if (lines == 0) {
                    if (n < buffer.capacity()) {
                        return; // an incomplete last line: still being written
                    }
                    buffer = ByteBuffer.allocate(buffer.capacity() * 2); // a record longer than the buffer
                }
            }
        } catch (NoSuchFileException e) {
            // The live file between its sealing and its successor: nothing to read yet.
        }
    }

    private static boolean indexed(LogRecord record) {
        try {
            return AuditRecords.parse(record.bytes()).path("index").asLong(-1) == record.index();
        } catch (IOException e) {
            return false;
        }
    }
}
