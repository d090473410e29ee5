package dev.failover.gateway.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.fence.FenceLedger.Recorded;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable record of fence actions that a restarted gateway reconciles with the relays (safety rule 8). */
class FenceLedgerTest {

    @TempDir
    Path dir;

    private FenceLedger open() throws Exception {
        return FenceLedger.open(dir.resolve("state/fences-tank-1.log"), Clock.systemUTC());
    }

    @Test
    void anIntentWithoutOutcomeIsUncertainAfterARestart() throws Exception {
        try (FenceLedger ledger = open()) {
            ledger.intent("plc-a", true);
        }
        try (FenceLedger again = open()) {
            assertThat(again.recorded()).isEqualTo(Map.of("plc-a", Recorded.UNCERTAIN));
        }
    }

    @Test
    void theLastConfirmedActionOfEachControllerIsWhatTheRecordSays() throws Exception {
        try (FenceLedger ledger = open()) {
            ledger.intent("plc-a", true);
            ledger.outcome("plc-a", true, true);
            ledger.intent("plc-b", true);
            ledger.outcome("plc-b", true, true);
            ledger.intent("plc-b", false);
            ledger.outcome("plc-b", false, true);
        }
        try (FenceLedger again = open()) {
            assertThat(again.recorded()).isEqualTo(Map.of("plc-a", Recorded.CUT, "plc-b", Recorded.RESTORED));
        }
    }

    @Test
    void aFailedRestoreLeavesTheRelayUncertain() throws Exception {
        try (FenceLedger ledger = open()) {
            ledger.outcome("plc-a", true, true);
            ledger.intent("plc-a", false);
            ledger.outcome("plc-a", false, false);
            assertThat(ledger.recorded()).containsEntry("plc-a", Recorded.UNCERTAIN);
        }
    }

    @Test
    void aTornLastLineIsIgnored() throws Exception {
        try (FenceLedger ledger = open()) {
            ledger.outcome("plc-a", true, true);
        }
        Path file = dir.resolve("state/fences-tank-1.log");
        Files.writeString(file, Files.readString(file) + "17650 confirmed rest", StandardCharsets.UTF_8);
        try (FenceLedger again = open()) {
            assertThat(again.recorded()).isEqualTo(Map.of("plc-a", Recorded.CUT));
        }
    }

    @Test
    void compactionKeepsOneLinePerControllerAndAppendsGoOn() throws Exception {
        try (FenceLedger ledger = open()) {
            for (int i = 0; i < 10; i++) {
                ledger.intent("plc-a", true);
                ledger.outcome("plc-a", true, true);
            }
            ledger.compact(Map.of("plc-a", true, "plc-b", false));
            assertThat(Files.readAllLines(ledger.file())).hasSize(2);
            ledger.intent("plc-b", true);
            assertThat(ledger.recorded()).isEqualTo(Map.of("plc-a", Recorded.CUT, "plc-b", Recorded.UNCERTAIN));
        }
    }
}
