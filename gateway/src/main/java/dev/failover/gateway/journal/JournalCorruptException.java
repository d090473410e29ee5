package dev.failover.gateway.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The journal file is damaged in a way a crash cannot explain (a bad header, a bad record followed
 * by more data, an unknown record type, a record that contradicts the ones before it). Nothing was
 * modified: the gateway must not start on it, because acknowledged commands could be lost.
 */
public final class JournalCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    JournalCorruptException(Path file, long offset, String detail) {
        super(file + ": corrupt command journal at byte offset " + offset + ": " + detail
                + ". Nothing was changed. Restore the file from a backup, or move it aside to start with an "
                + "empty journal once the controllers are known to hold every acknowledged command.");
        this.file = file;
        this.offset = offset;
    }

    /** The damaged journal. */
    public Path file() {
        return file;
    }

    /** Where the damage starts: the first byte of the header or of the bad record. */
    public long offset() {
        return offset;
    }
}
