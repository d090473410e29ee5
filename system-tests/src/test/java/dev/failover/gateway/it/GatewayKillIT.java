package dev.failover.gateway.it;

import static dev.failover.gateway.it.GatewayKillRig.PAIR;
import static dev.failover.gateway.it.GatewayKillRig.SETPOINT;
import static dev.failover.gateway.it.GatewayKillRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.it.GatewayKillRig.JournalCopy;
import dev.failover.gateway.it.GatewayKillRig.Sent;
import dev.failover.gateway.journal.AcknowledgedValue;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.JournalRecord;
import dev.failover.gateway.journal.PendingCommand;
import dev.failover.testkit.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety rule 4 across a crash of the gateway itself (issue 5: "the gateway killed with SIGKILL in
 * the middle of commands and restarted: nothing acknowledged is lost, nothing is applied twice").
 * The gateway runs as a child process; operator alice's signed setpoint writes stream in over the TLS
 * control endpoint; the gateway is killed with SIGKILL and restarted on the same configuration and
 * state directory, three times at seeded random points. Every write answered DONE is then on the
 * active and the standby and acknowledged in the journal; every envelope already seen is refused
 * REPLAYED and changes nothing; a command the kill interrupted is recorded failed at start, never
 * replayed. The seed is logged; {@code -DgatewayKillIT.seed=N} repeats a run. A failed run keeps its
 * folder (configuration, gateway logs, state, journal copies).
 */
@Timeout(120)
class GatewayKillIT {

    private static final Logger log = LoggerFactory.getLogger(GatewayKillIT.class);

    private static final int ROUNDS = 3;
    /** A round's writes stop here if no kill came: far more than a round needs. */
    private static final int MAX_WRITES_PER_ROUND = 60;

    /** Where in the stream of writes a round's SIGKILL lands. */
    private enum KillPoint {
        /**
         * A random 0-30 ms after an answer: mostly in the next command's TLS handshake or signature
         * check, before or after its id reached the replay store, rarely in its journaled write.
         */
        AFTER_ANSWER(30_000),
        /**
         * A random 0-4 ms after the next command's first journal record was synced: while it is written
         * to the active or the standby, or acknowledged and not yet answered.
         */
        IN_JOURNALED_WRITE(4_000);

        final long maxDelayMicros;

        KillPoint(long maxDelayMicros) {
            this.maxDelayMicros = maxDelayMicros;
        }
    }

    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private GatewayKillRig rig;
    /** Every write answered DONE, in answer order, over all rounds. */
    private final List<Sent> done = new ArrayList<>();
    /** Every envelope the gateway answered, over all rounds. */
    private final List<Sent> answered = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // The seed and what each kill hit are the point of a failure report.
        ((ch.qos.logback.classic.Logger) log).setLevel(Level.INFO);
        rig = new GatewayKillRig(dir);
    }

    @AfterEach
    void stop() throws Exception {
        writer.shutdownNow();
        rig.close();
    }

    @Test
    void aGatewayKilledMidCommandLosesNoAcknowledgedWriteAndRunsNoneTwice() throws Exception {
        long seed = Long.getLong("gatewayKillIT.seed", System.nanoTime());
        log.info("seed {} (repeat with -DgatewayKillIT.seed={})", seed, seed);
        Random random = new Random(seed);
        log.info("gateway named its endpoint after {} ms", rig.startGateway());
        rig.awaitProtected();

        for (int round = 1; round <= ROUNDS; round++) {
            KillPoint point = round == 1 ? KillPoint.AFTER_ANSWER : KillPoint.IN_JOURNALED_WRITE;
            int doneBeforeKill = 2 + random.nextInt(9);
            long delayMicros = random.nextLong(point.maxDelayMicros + 1);
            killAndRestart("seed " + seed + ", round " + round, point, doneBeforeKill, delayMicros);
        }

        assertThat(rig.gateway().stop()).as("exit status of a SIGTERM stop").isEqualTo(GatewayProcess.TERMINATED);
        try (CommandJournal journal = CommandJournal.open(rig.journalFile(), Clock.systemUTC())) {
            assertThat(journal.pending())
                    .as("pending commands after the last restart")
                    .isEmpty();
            assertThat(journal.acknowledgedCommands(PAIR).stream().map(JournalRecord.Accepted::commandId))
                    .as("every DONE acknowledged")
                    .containsAll(ids(done));
            AcknowledgedValue latest = journal.latestAcknowledgedValues(PAIR).get(SETPOINT);
            assertThat(latest.commandId()).isEqualTo(done.getLast().id());
            assertThat((int) latest.raw()).isEqualTo(done.getLast().raw());
        }
        // The audit log went through three SIGKILLs under load: every record the kills cut short was
        // dropped at the next start, and the whole log verifies with only the CA certificate.
        var audit = dev.failover.gateway.audit.AuditVerifier.verify(
                rig.auditDirectory(), rig.caCertificates(), java.util.Optional.empty());
        assertThat(audit.problems()).as("the audit log after three SIGKILLs").isEmpty();
        assertThat(audit.unsignedTail()).as("the SIGTERM stop signs the end").isZero();
        assertThat(audit.records()).isGreaterThan(ids(done).size());
        // Over every life of the gateway, each command was accepted (ran) once and DONE at most once.
        List<JsonNode> events = rig.events();
        assertThat(countById(events, "COMMAND_ACCEPTED"))
                .as("COMMAND_ACCEPTED events per command id")
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        Map<String, Long> doneEvents = countById(events, "COMMAND_DONE");
        assertThat(doneEvents)
                .as("COMMAND_DONE events per command id")
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(doneEvents.keySet()).containsAll(ids(done));
    }

    private void killAndRestart(String why, KillPoint point, int doneBeforeKill, long delayMicros) throws Exception {
        List<Sent> sent = writeAndKill(why, point, doneBeforeKill, delayMicros);
        List<Sent> unanswered = sent.stream().filter(s -> s.answer().isEmpty()).toList();
        List<Sent> roundAnswered =
                sent.stream().filter(s -> s.answer().isPresent()).toList();
        assertThat(roundAnswered)
                .as("%s: every write before the kill DONE (the pair is healthy): %s", why, sent)
                .allMatch(Sent::done);
        answered.addAll(roundAnswered);
        done.addAll(roundAnswered);

        Set<String> replayStore = rig.replayStoreIds();
        JournalCopy journal = rig.journalCopy(why.replaceAll("\\W+", "-"));
        int eventsAtKill = rig.events().size();
        log.info(
                "{}: SIGKILL {} {} us after DONE #{} (armed at DONE #{}); cut off: {}",
                why,
                point,
                delayMicros,
                roundAnswered.size(),
                doneBeforeKill,
                unanswered.stream().map(s -> describe(s, journal, replayStore)).toList());
        assertNothingAcknowledgedIsLostFromTheJournal(why, journal, unanswered, replayStore);
        // A DONE goes out only once its audit records are synced: the files as the kill left them hold
        // the COMMAND_DONE record of every write answered DONE, in every life of the gateway.
        assertThat(auditedDone())
                .as("%s: a COMMAND_DONE audit record for every write answered DONE", why)
                .containsAll(ids(done));

        log.info("{}: gateway restarted, named its endpoint after {} ms", why, rig.startGateway());
        rig.awaitProtected();
        List<JsonNode> events = rig.events();
        List<JsonNode> restartEvents = events.subList(eventsAtKill, events.size());
        assertThat(restartEvents.stream()
                        .filter(e -> e.path("type").asText().equals("COMMAND_FAILED")
                                && e.path("fields").path("code").asText().startsWith("GATEWAY_RESTARTED"))
                        .map(e -> e.path("fields").path("commandId").asText()))
                .as("%s: every interrupted command recorded failed at start, none replayed", why)
                .containsExactlyInAnyOrderElementsOf(journal.pendingIds());
        assertThat(restartEvents.stream().map(e -> e.path("type").asText()))
                .as("%s: a torn last journal record is reported", why)
                .matches(types -> types.contains("JOURNAL_RECOVERED")
                        == journal.recovery().isPresent());

        int held = assertTheControllersHoldTheAcknowledgedValue(why, journal);
        log.info(
                "{}: after the restart both controllers hold {} (last DONE {}, latest acknowledged {})",
                why,
                held,
                done.getLast().raw(),
                (int) journal.latest().orElseThrow().raw());
        assertNothingRunsTwice(why, unanswered, replayStore, held);

        Sent fresh = rig.write();
        assertThat(fresh.done())
                .as("%s: a new write after the restart: %s", why, fresh)
                .isTrue();
        answered.add(fresh);
        done.add(fresh);
        assertThat(rig.setpointOn(rig.activeId())).isEqualTo(fresh.raw());
    }

    /**
     * Streams signed writes from a second thread and kills the gateway with SIGKILL at {@code point}
     * once {@code doneBeforeKill} were answered DONE. Returns what was sent, in order; the writer stops
     * at the first write without an answer.
     */
    private List<Sent> writeAndKill(String why, KillPoint point, int doneBeforeKill, long delayMicros)
            throws Exception {
        CountDownLatch dones = new CountDownLatch(doneBeforeKill);
        AtomicLong journalSizeAtLastDone = new AtomicLong();
        Future<List<Sent>> sending = writer.submit(() -> {
            List<Sent> sent = new ArrayList<>();
            while (sent.size() < MAX_WRITES_PER_ROUND) {
                Sent s = rig.write();
                sent.add(s);
                if (s.answer().isEmpty()) {
                    break;
                }
                if (s.done()) {
                    // Between answers the journal is still: the next record is the next command's.
                    journalSizeAtLastDone.set(Files.size(rig.journalFile()));
                    dones.countDown();
                }
            }
            return sent;
        });
        boolean reached = dones.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (reached && point == KillPoint.IN_JOURNALED_WRITE) {
            long size = journalSizeAtLastDone.get();
            await().atMost(WAIT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofNanos(200_000))
                    .until(() -> Files.size(rig.journalFile()) > size);
        }
        // The random kill point of the round: part of the scenario, not a synchronisation.
        TimeUnit.MICROSECONDS.sleep(delayMicros);
        long pid = rig.gateway().pid();
        int exit = rig.gateway().kill();
        List<Sent> sent = sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reached)
                .as("%s: %d DONE before the kill: %s", why, doneBeforeKill, sent)
                .isTrue();
        assertThat(exit)
                .as("%s: gateway process %d ended by SIGKILL (exit status 128 + 9)", why, pid)
                .isEqualTo(GatewayProcess.KILLED);
        return sent;
    }

    /**
     * Every DONE is acknowledged in the dead gateway's journal; the latest acknowledged value is the
     * last DONE one or that of a write whose answer the kill cut off; a command is answered only once
     * it is acknowledged or failed, so nothing answered is pending; and a command is journaled only
     * after its id was synced to the replay store.
     */
    private void assertNothingAcknowledgedIsLostFromTheJournal(
            String why, JournalCopy journal, List<Sent> unanswered, Set<String> replayStore) {
        assertThat(journal.acknowledged())
                .as("%s: every DONE acknowledged in the journal", why)
                .containsAll(ids(done));
        assertThat(journal.latest().orElseThrow().commandId())
                .as("%s: the latest acknowledged command", why)
                .isIn(Stream.concat(Stream.of(done.getLast()), unanswered.stream())
                        .map(Sent::id)
                        .toList());
        assertThat(ids(unanswered)).as("%s: interrupted commands", why).containsAll(journal.pendingIds());
        for (Sent s : unanswered) {
            if (journal.knows(s.id())) {
                assertThat(replayStore)
                        .as("%s: %s is journaled, so its id is in the replay store", why, s)
                        .contains(s.id());
            }
        }
    }

    /**
     * The active holds the latest acknowledged value, or that of an interrupted command (it may have
     * reached the active before the kill). With nothing interrupted, the active and the standby hold
     * exactly the latest acknowledged value; otherwise the mirror brings the standby to the active's.
     * Returns the value both hold.
     */
    private int assertTheControllersHoldTheAcknowledgedValue(String why, JournalCopy journal) throws Exception {
        int latest = (int) journal.latest().orElseThrow().raw();
        Set<Integer> allowed = new HashSet<>(Set.of(latest));
        for (PendingCommand p : journal.pending()) {
            p.command().writes().forEach(w -> allowed.add((int) w.raw()));
        }
        String active = rig.activeId();
        String standby = rig.standbyId();
        int onActive = rig.setpointOn(active);
        assertThat(onActive)
                .as("%s: setpoint on the active %s (latest acknowledged %d)", why, active, latest)
                .isIn(allowed);
        if (journal.pending().isEmpty()) {
            assertThat(onActive)
                    .as("%s: setpoint on the active %s", why, active)
                    .isEqualTo(latest);
            assertThat(rig.setpointOn(standby))
                    .as("%s: setpoint on the standby %s", why, standby)
                    .isEqualTo(latest);
        } else {
            assertThat(rig.setpointOn(standby))
                    .as("%s: setpoint on the standby %s", why, standby)
                    .isIn(allowed);
            await().atMost(WAIT).until(() -> rig.setpointOn(standby) == onActive);
        }
        return onActive;
    }

    /**
     * Every envelope the gateway answered, in this life or an earlier one, is refused REPLAYED and
     * changes nothing; one the kill cut off is REPLAYED when its id reached the replay store, and
     * otherwise never ran and runs now, once.
     */
    private void assertNothingRunsTwice(String why, List<Sent> unanswered, Set<String> replayStore, int held)
            throws Exception {
        for (Sent s : answered) {
            assertThat(code(rig.submit(s.envelope())))
                    .as("%s: resubmitted %s", why, s)
                    .isEqualTo("REPLAYED");
        }
        int expected = held;
        for (Sent s : unanswered) {
            JsonNode again = rig.submit(s.envelope());
            if (replayStore.contains(s.id())) {
                assertThat(code(again)).as("%s: resubmitted %s", why, s).isEqualTo("REPLAYED");
            } else {
                assertThat(code(again)).as("%s: first run of %s", why, s).isEqualTo("DONE");
                expected = s.raw();
                answered.add(s.answered(again));
                done.add(s.answered(again));
            }
        }
        assertThat(rig.setpointOn(rig.activeId()))
                .as("%s: active after the resubmissions", why)
                .isEqualTo(expected);
        assertThat(rig.setpointOn(rig.standbyId()))
                .as("%s: standby after the resubmissions", why)
                .isEqualTo(expected);
    }

    /** Where the kill caught a write that got no answer, from the journal and the replay store. */
    private static String describe(Sent s, JournalCopy journal, Set<String> replayStore) {
        String stage;
        if (journal.acknowledged().contains(s.id())) {
            stage = "acknowledged, answer not sent";
        } else if (journal.pendingIds().contains(s.id())) {
            PendingCommand p = journal.pending().stream()
                    .filter(c -> c.command().commandId().equals(s.id()))
                    .findFirst()
                    .orElseThrow();
            stage = "journaled, applied to active " + p.appliedActive() + ", to standby " + p.appliedStandby()
                    + ", queued for " + p.queuedFor();
        } else if (replayStore.contains(s.id())) {
            stage = "in the replay store, not journaled (or already failed)";
        } else {
            stage = "not in the replay store (never ran)";
        }
        return s.id().substring(0, 8) + " (" + s.raw() + "): " + stage
                + journal.recovery()
                        .map(r -> "; journal tail torn: " + r.damage())
                        .orElse("");
    }

    private static String code(JsonNode answer) {
        return answer.path("code").asText(answer.toString());
    }

    /** The command ids of the COMMAND_DONE records in the audit log's files, as they are now. */
    private Set<String> auditedDone() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(rig.auditDirectory())) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("audit(-\\d+)?\\.jsonl"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank() || !line.endsWith("}")) {
                        continue; // a record the kill cut short
                    }
                    JsonNode r = json.readTree(line);
                    if (r.path("type").asText().equals("COMMAND_DONE")) {
                        ids.add(r.path("fields").path("commandId").asText());
                    }
                }
            }
        }
        return ids;
    }

    private static Map<String, Long> countById(List<JsonNode> events, String type) {
        return events.stream()
                .filter(e -> e.path("type").asText().equals(type))
                .collect(Collectors.groupingBy(
                        e -> e.path("fields").path("commandId").asText(), Collectors.counting()));
    }

    private static List<String> ids(List<Sent> sent) {
        return sent.stream().map(Sent::id).toList();
    }
}
