package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.JournalFixtures.START;
import static dev.failover.gateway.journal.JournalFixtures.acknowledge;
import static dev.failover.gateway.journal.JournalFixtures.fileOf;
import static dev.failover.gateway.journal.JournalFixtures.read;
import static dev.failover.gateway.journal.JournalFixtures.w;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.journal.JournalFixtures.TickingClock;
import dev.failover.gateway.journal.JournalRecord.Accepted;
import dev.failover.gateway.journal.JournalRecord.Acknowledged;
import dev.failover.gateway.journal.JournalRecord.AppliedActive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 5: "a truncated last record is detected, the journal recovers to the last good record, and
 * the event says so; any other corruption stops with a message naming the file and the offset."
 */
class JournalRecoveryTest {

    @TempDir
    Path dir;

    private final TickingClock clock = new TickingClock(START);
    private Path file;
    /** Where the last record of the journal built by {@link #writeJournal} starts, and the view before it. */
    private long lastStart;

    private JournalState.View beforeLast;
    private JournalState.View whole;
    private byte[] good;

    @BeforeEach
    void writeJournal() throws IOException {
        file = dir.resolve("commands.journal").toAbsolutePath();
        try (CommandJournal journal = CommandJournal.open(file, clock)) {
            acknowledge(journal, "cmd-0001", "tank-1", List.of(w("level_sp", 550)));
            acknowledge(journal, "cmd-0002", "tank-1", List.of(w("level_sp", 560)));
            journal.accepted("cmd-0003", "tank-1", List.of(w("level_sp", 570)), "CN=op");
            journal.appliedActive("cmd-0003", "plc-a");
            journal.appliedStandby("cmd-0003", "plc-b");
            lastStart = journal.sizeBytes();
            beforeLast = journal.view();
            journal.acknowledged("cmd-0003");
            whole = journal.view();
        }
        good = read(file);
    }

    private void rewrite(UnaryOperator<byte[]> damage) throws IOException {
        Files.write(file, damage.apply(good.clone()));
    }

    @ParameterizedTest(name = "cut {0} bytes into the last record")
    // 0..7: inside the length and CRC; 8..: inside the payload (the Acknowledged record of cmd-0003 has 11 bytes of
    // payload)
    @ValueSource(ints = {1, 3, 4, 7, 8, 9, 15, 18})
    void aLastRecordCutShortByACrashIsDroppedReportedAndAppendsGoOn(int keep) throws IOException {
        rewrite(b -> Arrays.copyOf(b, (int) lastStart + keep));

        try (CommandJournal journal = CommandJournal.open(file, clock)) {
            assertThat(journal.recovery()).hasValueSatisfying(r -> {
                assertThat(r.truncatedAtOffset()).isEqualTo(lastStart);
                assertThat(r.bytesDropped()).isEqualTo(keep);
                assertThat(r.damage())
                        .isEqualTo(
                                keep < 8
                                        ? "only " + keep + " of the 8 bytes of its length and CRC"
                                        : "its payload is cut short: " + (keep - 8) + " of 11 bytes present");
                assertThat(r.message())
                        .startsWith(file + ": the last record (byte offset " + lastStart + ") was cut short by a crash")
                        .endsWith("dropped " + keep + " byte(s), the journal ends at its last good record");
            });
            assertThat(journal.view()).isEqualTo(beforeLast);
            assertThat(Files.size(file)).isEqualTo(lastStart);
            // The command was never acknowledged to its sender (the ack waits for the sync): do it now.
            journal.acknowledged("cmd-0003");
            assertThat(journal.view()).isEqualTo(whole);
        }
        try (CommandJournal journal = CommandJournal.open(file, clock)) {
            assertThat(journal.recovery()).isEmpty();
            assertThat(journal.view()).isEqualTo(whole);
        }
        assertThat(read(file)).isEqualTo(good);
    }

    @ParameterizedTest(name = "flip byte {0} of the last record")
    // 4..7: the CRC; 8..: the payload
    @ValueSource(ints = {4, 7, 8, 12, 18})
    void aLastRecordWithABadCrcIsDroppedAndReported(int at) throws IOException {
        rewrite(b -> {
            b[(int) lastStart + at] ^= 0x10;
            return b;
        });

        try (CommandJournal journal = CommandJournal.open(file, clock)) {
            assertThat(journal.recovery()).hasValueSatisfying(r -> {
                assertThat(r.truncatedAtOffset()).isEqualTo(lastStart);
                assertThat(r.bytesDropped()).isEqualTo(19);
                assertThat(r.damage()).startsWith("CRC32C mismatch (stored ");
            });
            assertThat(journal.view()).isEqualTo(beforeLast);
            journal.acknowledged("cmd-0003");
        }
        assertThat(read(file)).isEqualTo(good);
    }

    @Test
    void zerosWhereTheLastRecordShouldBeAreDropped() throws IOException {
        // A file system may extend the file before the crash lets the data reach the disk.
        rewrite(b -> Arrays.copyOf(b, b.length + 40));

        try (CommandJournal journal = CommandJournal.open(file, clock)) {
            assertThat(journal.recovery()).hasValueSatisfying(r -> {
                assertThat(r.truncatedAtOffset()).isEqualTo(good.length);
                assertThat(r.bytesDropped()).isEqualTo(40);
                assertThat(r.damage()).isEqualTo("zero bytes where the record should be");
            });
            assertThat(journal.view()).isEqualTo(whole);
        }
        assertThat(read(file)).isEqualTo(good);
    }

    @Test
    void aBadCrcInTheMiddleStopsWithTheFileAndOffsetAndChangesNothing() throws IOException {
        int second = 8 + frameLength(good, 8);
        rewrite(b -> {
            b[second + 10] ^= 0x01;
            return b;
        });
        byte[] damaged = read(file);

        assertThatThrownBy(() -> CommandJournal.open(file, clock))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageStartingWith(
                        file + ": corrupt command journal at byte offset " + second + ": CRC32C mismatch (stored ")
                .hasMessageContaining("more byte(s): a crash during an append damages only the last record")
                .hasMessageContaining("Nothing was changed")
                .satisfies(e -> {
                    assertThat(((JournalCorruptException) e).offset()).isEqualTo(second);
                    assertThat(((JournalCorruptException) e).file()).isEqualTo(file);
                });
        assertThat(read(file)).isEqualTo(damaged);
    }

    @Test
    void aDamagedLengthInTheMiddleIsNotMistakenForACrash() throws IOException {
        // The length now reaches past the end of the file, as a torn last record's would; the valid
        // records after it show that it is not the last one.
        int second = 8 + frameLength(good, 8);
        rewrite(b -> {
            ByteBuffer.wrap(b).putInt(second, 0x00FF_0000);
            return b;
        });
        byte[] damaged = read(file);

        assertThatThrownBy(() -> CommandJournal.open(file, clock))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageStartingWith(file + ": corrupt command journal at byte offset " + second
                        + ": a damaged record (its length field reads 16711680, past the end of the file) with a valid"
                        + " record after it at byte offset ");
        assertThat(read(file)).isEqualTo(damaged);
    }

    @Test
    void anImpossibleLengthInTheMiddleStops() throws IOException {
        int second = 8 + frameLength(good, 8);
        rewrite(b -> {
            ByteBuffer.wrap(b).putInt(second, 2);
            return b;
        });

        assertThatThrownBy(() -> CommandJournal.open(file, clock))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageStartingWith(
                        file + ": corrupt command journal at byte offset " + second + ": impossible record length 2");
    }

    @Test
    void anUnknownRecordTypeWithAGoodCrcStopsEvenAtTheEnd() throws IOException {
        byte[] payload = {42, 0, 1, 'x'};
        byte[] frame = ByteBuffer.allocate(8 + payload.length)
                .putInt(payload.length)
                .putInt(RecordCodec.crc(payload, 0, payload.length))
                .put(payload)
                .array();
        byte[] bytes = Arrays.copyOf(good, good.length + frame.length);
        System.arraycopy(frame, 0, bytes, good.length, frame.length);
        Files.write(file, bytes);

        assertThatThrownBy(() -> CommandJournal.open(file, clock))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageStartingWith(file + ": corrupt command journal at byte offset " + good.length
                        + ": a record with a good CRC is malformed: unknown record type 42");
        assertThat(read(file)).isEqualTo(bytes);
    }

    @Test
    void aRecordThatContradictsTheOnesBeforeItStops() throws IOException {
        Accepted a = new Accepted("cmd-0001", "tank-1", List.of(w("level_sp", 550)), START, "CN=op");
        byte[] bytes = fileOf(a, new AppliedActive("cmd-0001", "plc-a"), new Acknowledged("cmd-0009"));
        Files.write(file, bytes);
        int offset = fileOf(a, new AppliedActive("cmd-0001", "plc-a")).length;

        assertThatThrownBy(() -> CommandJournal.open(file, clock))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageStartingWith(file + ": corrupt command journal at byte offset " + offset
                        + ": Acknowledged record contradicts the records before it: command cmd-0009 cannot be "
                        + "acknowledged: it is not in the journal");
        assertThat(read(file)).isEqualTo(bytes);
    }

    @Test
    void anAcknowledgementTheRulesForbidStops() throws IOException {
        Accepted a = new Accepted("cmd-0001", "tank-1", List.of(w("level_sp", 550)), START, "CN=op");
        Files.write(file, fileOf(a, new AppliedActive("cmd-0001", "plc-a"), new Acknowledged("cmd-0001")));

        assertThatThrownBy(() -> CommandJournal.open(file, clock))
                .isInstanceOf(JournalCorruptException.class)
                .hasMessageContaining("no standby holds its writes and none is owed them");
    }

    @Test
    void badHeadersStopWithTheOffset() throws IOException {
        Map<byte[], String> cases = Map.of(
                new byte[0],
                "at byte offset 0: the file has 0 byte(s), fewer than the 8-byte header",
                Arrays.copyOf(good, 5),
                "at byte offset 0: the file has 5 byte(s), fewer than the 8-byte header",
                patched(0, (byte) 'X'),
                "at byte offset 0: not a command journal: it starts with bytes 5847434a",
                patched(5, (byte) 2),
                "at byte offset 4: journal format version 2 is not supported",
                patched(7, (byte) 1),
                "at byte offset 6: the reserved header bytes are not zero");
        for (Map.Entry<byte[], String> c : cases.entrySet()) {
            Files.write(file, c.getKey());
            assertThatThrownBy(() -> CommandJournal.open(file, clock))
                    .isInstanceOf(JournalCorruptException.class)
                    .hasMessageStartingWith(file + ": corrupt command journal " + c.getValue());
            assertThat(read(file)).isEqualTo(c.getKey());
        }
    }

    @Test
    void aCorruptJournalIsLeftAloneAlsoWithALeftoverCompactionFile() throws IOException {
        Path leftover = CommandJournal.compactionFileOf(file);
        Files.write(leftover, fileOf());
        rewrite(b -> {
            b[0] = 0;
            return b;
        });

        assertThatThrownBy(() -> CommandJournal.open(file, clock)).isInstanceOf(JournalCorruptException.class);
        assertThat(leftover).exists();
    }

    private byte[] patched(int at, byte value) {
        byte[] b = good.clone();
        b[at] = value;
        return b;
    }

    private static int frameLength(byte[] b, int at) {
        return 8 + ByteBuffer.wrap(b, at, 4).getInt();
    }
}
