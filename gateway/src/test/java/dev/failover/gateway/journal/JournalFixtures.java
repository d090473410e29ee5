package dev.failover.gateway.journal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** Shared helpers of the journal tests. */
final class JournalFixtures {

    static final Instant START = Instant.parse("2026-11-21T06:00:00Z");

    private JournalFixtures() {}

    static TagWrite w(String tag, double raw) {
        return new TagWrite(tag, raw);
    }

    /** A whole file: the header, then each record framed. */
    static byte[] fileOf(JournalRecord... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RecordCodec.header());
        for (JournalRecord r : records) {
            out.writeBytes(RecordCodec.frame(r));
        }
        return out.toByteArray();
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One command the way the gateway runs it with both controllers up: accepted, written to the
     * active {@code plc-a}, mirrored to the standby {@code plc-b}, acknowledged.
     */
    static void acknowledge(CommandJournal journal, String id, String pair, List<TagWrite> writes) throws IOException {
        journal.accepted(id, pair, writes, "CN=operator-1");
        journal.appliedActive(id, "plc-a");
        journal.appliedStandby(id, "plc-b");
        journal.acknowledged(id);
    }

    /** As {@link #acknowledge}, with the standby {@code plc-b} down: the command is owed to it. */
    static void acknowledgeOwed(CommandJournal journal, String id, String pair, List<TagWrite> writes)
            throws IOException {
        journal.accepted(id, pair, writes, "CN=operator-1");
        journal.appliedActive(id, "plc-a");
        journal.queuedForStandby(id, "plc-b");
        journal.acknowledged(id);
    }

    /** A clock that moves one millisecond forward at every reading, so that each record has its own time. */
    static final class TickingClock extends Clock {
        private Instant now;

        TickingClock(Instant start) {
            this.now = start;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plusMillis(1);
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
