package dev.failover.gateway.journal;

import static dev.failover.gateway.journal.JournalFixtures.START;
import static dev.failover.gateway.journal.JournalFixtures.w;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.journal.JournalRecord.Accepted;
import dev.failover.gateway.journal.JournalRecord.Acknowledged;
import dev.failover.gateway.journal.JournalRecord.AppliedActive;
import dev.failover.gateway.journal.JournalRecord.AppliedStandby;
import dev.failover.gateway.journal.JournalRecord.DeliveredToStandby;
import dev.failover.gateway.journal.JournalRecord.Failed;
import dev.failover.gateway.journal.JournalRecord.Retained;
import dev.failover.gateway.journal.JournalRecord.StandbyQueued;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The wire format of docs/journal.md, byte for byte. */
class RecordCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final Accepted ACCEPTED =
            new Accepted("cmd-0001", "tank-1", List.of(w("level_sp", 55.0)), START.plusNanos(500), "CN=op");

    @Test
    void goldenHeaderAndFrames() {
        assertThat(HEX.formatHex(RecordCodec.header())).isEqualTo("4647434a00010000");
        // length 18, CRC32C (Castagnoli, computed independently of java.util.zip), type 2, two texts
        assertThat(HEX.formatHex(RecordCodec.frame(new AppliedActive("cmd-0001", "plc-a"))))
                .isEqualTo("00000012" + "aff7392e" + "02" + "0008636d642d30303031" + "0005706c632d61");
        assertThat(HEX.formatHex(RecordCodec.frame(ACCEPTED)))
                .isEqualTo("0000003a" + "fb7e3612" + "01" + "0008636d642d30303031" + "000674616e6b2d31"
                        + "000000006b013360" + "000001f4" + "0005434e3d6f70" + "0001" + "00086c6576656c5f7370"
                        + "404b800000000000");
    }

    @Test
    void everyRecordTypeDecodesToWhatWasEncoded() throws Exception {
        List<JournalRecord> records = List.of(
                ACCEPTED,
                new Accepted(
                        "write-\u00e9\u6c34\uD83D\uDCA7",
                        "t",
                        IntStream.range(0, JournalRecord.MAX_WRITES)
                                .mapToObj(i -> w("tag-" + i, -i * 0.5))
                                .toList(),
                        START.minusSeconds(86_400L * 365 * 60),
                        "s".repeat(JournalRecord.MAX_TEXT_BYTES)),
                new AppliedActive("cmd-0001", "plc-a"),
                new AppliedStandby("cmd-0001", "plc-b"),
                new StandbyQueued("cmd-0001", "plc-b"),
                new DeliveredToStandby("cmd-0001", "plc-b"),
                new Acknowledged("cmd-0001"),
                new Failed("cmd-0001", "READBACK_MISMATCH"),
                new Retained(ACCEPTED, List.of("plc-b", "plc-c")),
                new Retained(ACCEPTED, List.of()));
        for (JournalRecord r : records) {
            byte[] payload = RecordCodec.payload(r);
            assertThat(RecordCodec.decode(payload, 0, payload.length)).isEqualTo(r);
        }
    }

    @Test
    void payloadsThatAreNotRecordsAreRejectedWithTheReason() {
        assertMalformed("0d0001", "unknown record type 13");
        assertMalformed(
                "060008636d642d30303031ff", "Acknowledged record followed by 1 unexpected byte(s) in its payload");
        assertMalformed("060008636d642d3030", "the payload ends inside a field");
        assertMalformed("060002c328", "a text field is not UTF-8");
        assertMalformed("060000", "commandId must not be empty");
        assertMalformed("070001780000", "reason must not be empty");
    }

    private static void assertMalformed(String hex, String reason) {
        byte[] payload = HEX.parseHex(hex);
        assertThatThrownBy(() -> RecordCodec.decode(payload, 0, payload.length))
                .isInstanceOf(RecordCodec.MalformedRecordException.class)
                .hasMessage(reason);
    }
}
