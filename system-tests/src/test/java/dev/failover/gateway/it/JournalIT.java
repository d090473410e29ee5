package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.command.CommandResult;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.link.LinkResult;
import dev.failover.testkit.SimPair;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safety rule 4 with real controllers: an acknowledged write is on both controllers (or owed to the
 * standby, durably), a standby that missed writes gets them before it can take over, and the journal
 * survives a restart of the gateway.
 */
@Timeout(60)
class JournalIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SETPOINT = "level_setpoint";

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path stateDir;

    private SimPair pair;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    private void start() throws Exception {
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO), true, events::add, pki, stateDir);
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private CommandResult write(double value) {
        return pair.gateway()
                .commands()
                .writeTagAsUser(SimPair.PAIR, SETPOINT, value, "CN=test-operator", "operator", "JournalIT");
    }

    /** The setpoint as {@code controller} holds it, read over the gateway's link to it. */
    private double setpointOn(String controller) {
        TagConfig tag = pair.supervisor().config().tags().stream()
                .filter(t -> t.name().equals(SETPOINT))
                .findFirst()
                .orElseThrow();
        LinkResult<double[]> read = pair.supervisor().link(controller).readTags(List.of(tag));
        assertThat(read.isOk()).as("read %s: %s", controller, read).isTrue();
        return tag.engineering(((LinkResult.Ok<double[]>) read).value()[0]);
    }

    @Test
    void anAcknowledgedSetpointIsOnTheNewActiveWhenTheActiveDiesRightAfterTheAcknowledgement() throws Exception {
        start();
        CommandResult done = write(42.5);
        pair.plc(SimPair.A).faults().crash();

        assertThat(done.outcome()).as(done.toString()).isEqualTo(CommandResult.Outcome.DONE);
        assertThat(done.detail()).contains("and " + SimPair.B);
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(setpointOn(SimPair.B)).isEqualTo(42.5);
    }

    @Test
    void aStandbyThatWasDownGetsTheAcknowledgedWritesBeforeItCanTakeOver() throws Exception {
        start();
        pair.plc(SimPair.B).faults().crash();
        await().atMost(WAIT).until(() -> !pair.status().health().get(SimPair.B).reachable());

        CommandResult first = write(31.0);
        CommandResult second = write(33.25);

        assertThat(first.outcome()).as(first.toString()).isEqualTo(CommandResult.Outcome.DONE);
        assertThat(second.outcome()).as(second.toString()).isEqualTo(CommandResult.Outcome.DONE);
        assertThat(second.detail()).contains("queued for " + SimPair.B);

        events.clear();
        pair.plc(SimPair.B).faults().clear();
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));

        assertThat(setpointOn(SimPair.B)).isEqualTo(33.25);
        List<String> order = events.stream()
                .filter(e -> e.type().equals("JOURNAL_CAUGHT_UP")
                        || (e.type().equals("PAIR_STATE") && e.message().contains("standby " + SimPair.B + " ready")))
                .map(GatewayEvent::type)
                .toList();
        assertThat(order).as("caught up before it counted as a ready standby").startsWith("JOURNAL_CAUGHT_UP");

        // Now it may take over, and it holds the last acknowledged value.
        pair.plc(SimPair.A).faults().crash();
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(setpointOn(SimPair.B)).isEqualTo(33.25);
    }

    @Test
    void theJournalSurvivesARestartAndKeepsWhatIsOwed() throws Exception {
        start();
        pair.plc(SimPair.B).faults().crash();
        await().atMost(WAIT).until(() -> !pair.status().health().get(SimPair.B).reachable());
        assertThat(write(27.5).outcome()).isEqualTo(CommandResult.Outcome.DONE);
        pair.close();
        pair = null;

        try (CommandJournal journal =
                CommandJournal.open(stateDir.resolve("state").resolve("command-journal"), Clock.systemUTC())) {
            assertThat(journal.latestAcknowledgedValues(SimPair.PAIR)
                            .get(SETPOINT)
                            .raw())
                    .isEqualTo(2750.0);
            assertThat(journal.owedTo(SimPair.B)).hasSize(1);
            assertThat(journal.pending()).isEmpty();
        }
    }

    @Test
    void aJournalDamagedBeforeItsLastRecordStopsTheGatewayNamingTheFileAndOffset() throws Exception {
        start();
        assertThat(write(44.0).outcome()).isEqualTo(CommandResult.Outcome.DONE);
        pair.close();
        pair = null;
        Path journal = stateDir.resolve("state").resolve("command-journal");
        byte[] bytes = java.nio.file.Files.readAllBytes(journal);
        // Inside the first record's payload (header 8 bytes, then length and CRC 8 bytes): more records follow.
        bytes[8 + 8 + 3] ^= 0x55;
        java.nio.file.Files.write(journal, bytes);

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> SimPair.startSecure(FailoverPolicy.defaults(), true, events::add, pki, stateDir));

        assertThat(refused)
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(journal.toString())
                .hasMessageContaining("byte offset 8");
        assertThat(java.nio.file.Files.readAllBytes(journal))
                .as("nothing modified")
                .isEqualTo(bytes);
    }

    @Test
    void aTagWritesIdThatAPowerLossKeptFromTheReplayStoreIsStillRefusedAfterARestart() throws Exception {
        // A tag write's id is not synced by the replay store: the journal's Accepted record, synced
        // before the write runs, keeps it, and the replay store learns it at start.
        start();
        var operator = pki.identity(pki.operator("replayer", "operator"));
        java.time.Instant now = java.time.Instant.now();
        dev.failover.gateway.command.Command c = new dev.failover.gateway.command.Command(
                java.util.UUID.randomUUID().toString(),
                now,
                now.plusSeconds(120),
                SimPair.PAIR,
                dev.failover.gateway.config.CommandAction.WRITE_TAG,
                java.util.Map.of("tag", SETPOINT, "value", 12.5));
        byte[] envelope = dev.failover.gateway.command.cms.CmsEnvelope.sign(
                c.canonicalJson(), operator.privateKey(), operator.chain());
        assertThat(pair.gateway().commands().submit(envelope, "JournalIT").outcome())
                .isEqualTo(CommandResult.Outcome.DONE);
        pair.close();
        pair = null;
        // What a power loss may leave: the replay store without the id (never synced there).
        Path ids = stateDir.resolve("state").resolve("command-ids");
        assertThat(java.nio.file.Files.readString(ids)).contains(c.id());
        java.nio.file.Files.writeString(ids, "");

        start();
        CommandResult again = pair.gateway().commands().submit(envelope, "JournalIT");
        assertThat(again.outcome()).as(again.toString()).isEqualTo(CommandResult.Outcome.REJECTED);
        assertThat(again.code()).isEqualTo("REPLAYED");
    }
}
