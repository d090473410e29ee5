package dev.failover.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.gateway.command.CommandGuardTest.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonceStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T06:00:00Z"));

    private Path file() {
        return dir.resolve("nonces");
    }

    @Test
    void anIdIsAcceptedOnceUntilItExpiresAlsoAcrossRestarts() throws IOException {
        Instant expires = clock.instant().plusSeconds(60);
        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThat(store.remember("command-0001", expires)).isTrue();
            assertThat(store.remember("command-0001", expires)).isFalse();
        }
        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThat(store.contains("command-0001")).isTrue();
            assertThat(store.remember("command-0001", expires)).isFalse();
        }
        clock.advance(Duration.ofSeconds(61));
        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThat(store.contains("command-0001"))
                    .as("expired ids are forgotten")
                    .isFalse();
            assertThat(Files.readString(file())).as("and compacted away").isEmpty();
        }
    }

    @Test
    void aLastRecordCutShortByACrashIsDroppedAndTheRestKept() throws IOException {
        long expires = clock.instant().plusSeconds(60).toEpochMilli();
        Files.writeString(file(), "command-0001 " + expires + "\ncommand-00", StandardCharsets.UTF_8);

        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThat(store.contains("command-0001")).isTrue();
            assertThat(store.remember("command-0002", clock.instant().plusSeconds(60)))
                    .isTrue();
        }
        assertThat(Files.readAllLines(file())).hasSize(2).allMatch(l -> l.matches("command-000[12] \\d+"));
    }

    @Test
    void anyOtherCorruptionStopsWithTheFileAndOffset() throws IOException {
        long expires = clock.instant().plusSeconds(60).toEpochMilli();
        Files.writeString(file(), "command-0001 " + expires + "\ngarbage here\n", StandardCharsets.UTF_8);
        int offset = ("command-0001 " + expires + "\n").length();

        assertThatThrownBy(() -> NonceStore.open(file(), clock))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(
                        file() + ": corrupt replay record at byte offset " + offset + ": 'garbage here'");
    }

    @Test
    void theFileIsCompactedWhileRunningSoItDoesNotGrowForEver() throws IOException {
        try (NonceStore store = NonceStore.open(file(), clock)) {
            for (int i = 0; i < NonceStore.COMPACT_AFTER; i++) {
                store.remember(String.format("old-%08d", i), clock.instant().plusSeconds(1));
            }
            clock.advance(Duration.ofSeconds(2));
            store.remember("fresh-0001", clock.instant().plusSeconds(60));
            assertThat(Files.readAllLines(file()))
                    .as("only the live id is left")
                    .hasSize(1);
            assertThat(store.contains("fresh-0001")).isTrue();
            assertThat(store.remember("fresh-0001", clock.instant().plusSeconds(60)))
                    .isFalse();
        }
        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThat(store.contains("fresh-0001")).isTrue();
        }
    }

    @Test
    void refusesIdsThatCouldCorruptTheFile() throws IOException {
        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThatThrownBy(() -> store.remember("two words", clock.instant().plusSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anIdRememberedWithoutWaitingIsRefusedAtOnceAndOnDiskOnceItsSyncIsAwaited() throws IOException {
        dev.failover.gateway.durable.GroupCommit group = new dev.failover.gateway.durable.GroupCommit("state");
        Instant expires = clock.instant().plusSeconds(60);
        try (NonceStore store = NonceStore.open(file(), clock, group)) {
            var remembered = store.rememberLater("command-0001", expires);
            assertThat(remembered).isPresent();
            assertThat(store.rememberLater("command-0001", expires))
                    .as("a replay is refused before the first one's sync")
                    .isEmpty();
            remembered.get().await();
            assertThat(Files.readAllLines(file())).anyMatch(l -> l.startsWith("command-0001 "));
            assertThat(group.figures().appends()).isEqualTo(1);
        }
    }

    @Test
    void aTagWritesIdIsNotSyncedOnItsOwnAndTheJournalsIdsAreLearnedAndKept() throws IOException {
        dev.failover.gateway.durable.GroupCommit group = new dev.failover.gateway.durable.GroupCommit("state");
        Instant expires = clock.instant().plusSeconds(60);
        Duration lifetime = Duration.ofMinutes(5).plusSeconds(30);
        try (NonceStore store = NonceStore.open(file(), clock, group)) {
            assertThat(store.rememberJournaled("write-0001", expires)).isTrue();
            assertThat(store.rememberJournaled("write-0001", expires))
                    .as("a replay")
                    .isFalse();
            assertThat(group.figures().appends()).as("no sync waited for").isZero();

            // Ids the journal holds (a power loss kept them from this file): refused until they expire.
            store.learn(java.util.Map.of("write-0002", clock.instant()), lifetime);
            assertThat(store.contains("write-0002")).isTrue();
            assertThat(store.rememberJournaled("write-0002", expires)).isFalse();

            // Ids a journal compaction drops: written and synced here before the compaction goes on.
            store.keep(
                    java.util.Map.of(
                            "write-0003",
                            clock.instant(),
                            "old-0004",
                            clock.instant().minusSeconds(3600)),
                    lifetime);
            assertThat(group.figures().appends()).as("kept with a sync").isEqualTo(1);
        }
        assertThat(Files.readString(file())).contains("write-0003").doesNotContain("old-0004");
        clock.advance(Duration.ofMinutes(4));
        try (NonceStore store = NonceStore.open(file(), clock)) {
            assertThat(store.contains("write-0003"))
                    .as("until acceptance plus the lifetime")
                    .isTrue();
        }
    }
}
