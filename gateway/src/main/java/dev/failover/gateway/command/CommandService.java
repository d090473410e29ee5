package dev.failover.gateway.command;

import dev.failover.gateway.config.CommandAction;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.TagConfig;
import dev.failover.gateway.durable.GroupCommit.Durable;
import dev.failover.gateway.events.CommandDetail;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.RefusalReporter;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.OwedWrites;
import dev.failover.gateway.journal.TagWrite;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.supervisor.Pair;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs signed commands: the {@link CommandGuard} decides, and an accepted command runs on the
 * pair's active controller only (a tag write, verified by reading it back) or as a planned
 * switchover. Every decision and outcome is an event. Independent of the transport the envelope
 * came by. Thread-safe; commands of one pair run one at a time, and what only waits for a disk sync
 * (the journal's record of a tag write before it runs and its acknowledgement after, the events)
 * is waited for outside the pair's lock, so that commands arriving together share their syncs
 * (docs/journal.md "Group commit").
 */
public final class CommandService {

    private static final Logger log = LoggerFactory.getLogger(CommandService.class);

    private static final long SWITCHOVER_WAIT_SECONDS = 15;
    /** How long a command's answer waits for its events to be written. */
    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(2);

    private final CommandGuard guard;
    private final CommandJournal journal;
    private final Map<String, Pair> pairs;
    private final EventSink events;
    private final Clock clock;

    /**
     * @param journal the durable command journal: every tag write is journaled before it runs and
     *     acknowledged only once the active and the standby have it (or it is queued for the standby)
     */
    /** Reasons found before the envelope's signer is known: what anyone can send (docs/security.md). */
    private static final Set<RejectReason> BEFORE_THE_SIGNER = EnumSet.of(
            RejectReason.OVERSIZED,
            RejectReason.MALFORMED,
            RejectReason.UNSUPPORTED_ALGORITHM,
            RejectReason.BAD_SIGNATURE);

    private final RefusalReporter refusals;

    public CommandService(
            CommandGuard guard, List<? extends Pair> pairs, CommandJournal journal, EventSink events, Clock clock) {
        this(guard, pairs, journal, events, clock, null);
    }

    /**
     * @param refusals summarises the repeats of refusals made before the signer is known (a flood of
     *     garbage envelopes must not flood the event log and push out failover evidence); null: every
     *     refusal is an event of its own
     */
    public CommandService(
            CommandGuard guard,
            List<? extends Pair> pairs,
            CommandJournal journal,
            EventSink events,
            Clock clock,
            RefusalReporter refusals) {
        this.refusals = refusals;
        this.guard = guard;
        this.journal = journal;
        this.pairs = pairs.stream().collect(Collectors.toUnmodifiableMap(Pair::pairName, p -> (Pair) p));
        this.events = events;
        this.clock = clock;
    }

    /** Checks and runs one envelope; {@code origin} (for example the TLS peer) goes into the events. */
    public CommandResult submit(byte[] envelope, String origin) {
        return submit(envelope, origin, null, EnumSet.allOf(CommandAction.class));
    }

    /**
     * As {@link #submit(byte[], String)}, accepting only commands for {@code pairName} (null: any) and
     * of the given actions: see {@link CommandGuard#check(byte[], String, Set)}.
     */
    public CommandResult submit(byte[] envelope, String origin, String pairName, Set<CommandAction> actions) {
        // The replay store's sync is waited for below, before the command runs. A tag write's id needs
        // none: the journal's Accepted record, synced before the write runs, keeps it (docs/security.md).
        Decision decision = guard.checkBeforeSync(envelope, pairName, actions);
        if (decision instanceof Decision.Rejected r) {
            var rejected = new CommandDetail.CommandRejected(
                    r.reason().name(), r.commandId(), null, null, r.signer(), null, origin);
            if (refusals != null && BEFORE_THE_SIGNER.contains(r.reason())) {
                refusals.refused(rejected, "command refused: " + r.detail());
            } else {
                publish("", "command refused: " + r.detail(), rejected);
            }
            evidenceWritten();
            return new CommandResult(
                    r.commandId(), CommandResult.Outcome.REJECTED, r.reason().name(), r.detail());
        }
        Decision.Accepted accepted = (Decision.Accepted) decision;
        Command c = accepted.command();
        publish(
                c.pair(),
                c.action().wireName() + " by " + accepted.signer(),
                new CommandDetail.CommandAccepted(
                        c.id(),
                        c.action().wireName(),
                        c.args().toString(),
                        accepted.signer(),
                        accepted.role(),
                        origin));
        Pair pair = pairs.get(c.pair());
        CommandResult result;
        if (c.action() == CommandAction.WRITE_TAG) {
            result = writeTag(
                    pair,
                    c.id(),
                    (String) c.args().get("tag"),
                    ((Number) c.args().get("value")).doubleValue(),
                    accepted.signer(),
                    accepted.remembered());
        } else if (!remembered(accepted)) {
            result = failed(
                    c, "REPLAY_STORE_UNAVAILABLE", "the replay store cannot keep the command's id; nothing done");
        } else {
            synchronized (pair.commandLock()) {
                result = switch (c.action()) {
                    case WRITE_TAG -> throw new IllegalStateException("a tag write runs above");
                    case SWITCHOVER, START_DRILL -> switchover(pair, c, accepted.signer());
                    case WAIVE_POSTURE ->
                        endAlarm(
                                c,
                                pair.waivePosture(signedBy(c, accepted.signer()), reason(c)),
                                "waived: ",
                                "NOTHING_TO_WAIVE",
                                "pair " + pair.pairName() + " is not in the heightened mode");
                    case REARM ->
                        endAlarm(
                                c,
                                pair.rearm(signedBy(c, accepted.signer()), reason(c)),
                                "re-armed: ",
                                "NOT_LOCKED",
                                "pair " + pair.pairName() + " is not locked after a switchover storm");
                };
            }
        }
        publishOutcome(c.pair(), result, c.action().wireName(), accepted.signer());
        return withEvidence(result);
    }

    /** Waits until the replay store holds the command's id on disk: whether it does. */
    private static boolean remembered(Decision.Accepted accepted) {
        try {
            accepted.remembered().await();
            return true;
        } catch (IOException e) {
            log.error("command {}: {}", accepted.command().id(), e.getMessage());
            return false;
        }
    }

    /**
     * Waits until the command's events are written (the audit log synced, the event log, the log)
     * before its answer goes out: an acknowledged command's evidence must survive a crash of the
     * gateway right after the answer. When they cannot be (a failing audit log raises {@code
     * AUDIT_FAILED}; control goes on, IEC 62443-3-3 SR 2.10), the answer says so.
     */
    private CommandResult withEvidence(CommandResult result) {
        if (evidenceWritten()) {
            return result;
        }
        return new CommandResult(
                result.commandId(),
                result.outcome(),
                result.code(),
                result.detail() + " (its events are not confirmed on disk: the audit log or the event log is "
                        + "failing or behind)");
    }

    private boolean evidenceWritten() {
        if (events.flush(EVIDENCE_WAIT)) {
            return true;
        }
        log.warn(
                "the events of a command were not written within {} (see AUDIT_FAILED): answering anyway",
                EVIDENCE_WAIT);
        return false;
    }

    /**
     * A tag write by a user authenticated by its transport (an OPC UA session with an X.509 user token
     * checked against the plant PKI) rather than by a signed envelope. The same policy applies: the
     * user's role must be in the tag's {@code writableBy}, the value must fit the tag's type and
     * bounds, and the write goes to the active controller only and is read back. Every decision and
     * outcome is an event.
     *
     * @param user the user's certificate subject, for events
     * @param role the user's role from its certificate, empty when it has none
     * @param origin where the write came from (for example the OPC UA session), for events
     */
    public CommandResult writeTagAsUser(
            String pairName, String tagName, Object value, String user, String role, String origin) {
        String id = "write-" + UUID.randomUUID();
        Pair pair = pairs.get(pairName);
        TagConfig tag = pair == null
                ? null
                : pair.config().tags().stream()
                        .filter(t -> t.name().equals(tagName))
                        .findFirst()
                        .orElse(null);
        String action = CommandAction.WRITE_TAG.wireName();
        String args = "{tag=" + tagName + ", value=" + value + "}";
        Decision.Rejected rejected = null;
        if (tag == null) {
            rejected = CommandGuard.reject(
                    RejectReason.UNKNOWN_TAG, "no tag " + tagName + " in pair " + pairName, user, id);
        } else if (!tag.writableBy().contains(role)) {
            rejected = CommandGuard.reject(
                    RejectReason.ROLE_NOT_PERMITTED,
                    "role '" + role + "' may not write tag " + tag.name() + " (allowed: " + tag.writableBy() + ")",
                    user,
                    id);
        } else {
            rejected = TagValues.check(tag, value, user, id).orElse(null);
        }
        if (rejected != null) {
            publish(
                    pairName,
                    "write refused: " + rejected.detail(),
                    new CommandDetail.CommandRejected(rejected.reason().name(), id, action, args, user, role, origin));
            evidenceWritten();
            return new CommandResult(
                    id, CommandResult.Outcome.REJECTED, rejected.reason().name(), rejected.detail());
        }
        publish(
                pairName,
                "write-tag by " + user,
                new CommandDetail.CommandAccepted(id, action, args, user, role, origin));
        CommandResult result = writeTag(pair, id, tag.name(), ((Number) value).doubleValue(), user, Durable.DONE);
        publishOutcome(pairName, result, action, user);
        return withEvidence(result);
    }

    /** A command's result, and the acknowledgement to wait for before it is given (tag writes that succeeded). */
    private record Ran(CommandResult result, Durable acknowledgement) {

        static Ran failed(CommandResult result) {
            return new Ran(result, Durable.DONE);
        }
    }

    /**
     * A journaled tag write (safety rule 4): the command is journaled and synced before anything is
     * written; then, holding the pair's lock, the active controller is brought up to date with what
     * it is owed, written and read back; then the standby is written too, or the write is durably
     * queued for it when it is not ready; the acknowledgement is written. Only once it is synced is
     * the command acknowledged ({@code DONE}). Any failure before that leaves the command FAILED in the
     * journal, never acknowledged.
     *
     * <p>Both syncs are waited for without the pair's lock: the next command of the pair runs
     * meanwhile, and one sync covers this command's acknowledgement and the next one's acceptance
     * (the journal's group commit). Safe, because a command runs only once its acceptance is on disk,
     * and that sync covers every record written before it: an acknowledgement still waiting for its
     * sync when a crash comes leaves the command interrupted, never answered DONE.
     */
    private CommandResult writeTag(
            Pair pair, String id, String tagName, double value, String signer, Durable remembered) {
        TagConfig tag = pair.config().tags().stream()
                .filter(t -> t.name().equals(tagName))
                .findFirst()
                .orElseThrow();
        double raw = tag.raw(value);
        try {
            journal.accepted(id, pair.pairName(), List.of(new TagWrite(tag.name(), raw)), signer);
        } catch (IOException | RuntimeException e) {
            return failed(
                    id,
                    "JOURNAL_UNAVAILABLE",
                    "the command journal refused the command (" + e.getMessage() + "); nothing written");
        }
        try {
            // Nothing to wait for when the journal's record keeps the id (signed tag writes).
            remembered.await();
        } catch (IOException e) {
            return journalFailed(
                            id,
                            "REPLAY_STORE_UNAVAILABLE",
                            "the replay store cannot keep the command's id (" + e.getMessage() + "); nothing written")
                    .result();
        }
        Ran ran;
        synchronized (pair.commandLock()) {
            ran = run(pair, id, tag, raw, value);
        }
        try {
            ran.acknowledgement().await();
        } catch (IOException e) {
            return failed(
                    id,
                    "JOURNAL_UNAVAILABLE",
                    "written, but the journal could not make the acknowledgement durable (" + e.getMessage()
                            + "); not acknowledged");
        }
        return ran.result();
    }

    /** The part of a tag write that holds the pair's lock: the command is accepted in the journal. */
    private Ran run(Pair pair, String id, TagConfig tag, double raw, double value) {
        PairStatus status = pair.status();
        String active = status.activeId();
        // One missed poll is not a fault (safety rule 2): a SUSPECT active still takes commands; a
        // write to a controller that is really gone fails by itself and is reported as such.
        if (active == null || !status.health().get(active).canTakeCommands()) {
            return journalFailed(
                    id,
                    "NO_ACTIVE",
                    "no healthy active controller in pair " + pair.pairName() + " (" + status.state()
                            + "); nothing written");
        }
        if (status.state() == PairState.SWITCHING) {
            return journalFailed(
                    id, "SWITCHING", "a switchover of " + pair.pairName() + " is in progress; nothing written");
        }
        ControllerLink link = pair.link(active);
        // A new active takes no command before it holds every acknowledged one.
        OwedWrites.Delivery caughtUp = OwedWrites.deliver(journal, pair.config(), active, link);
        if (!caughtUp.ok()) {
            return journalFailed(
                    id,
                    "CATCHING_UP",
                    active + " does not yet hold every acknowledged command (" + caughtUp.failure()
                            + "); nothing written");
        }
        int switchoversBefore = status.switchovers();
        LinkResult<double[]> written = link.writeTags(List.of(tag), new double[] {raw});
        if (written instanceof LinkResult.Failed<double[]> f) {
            return journalFailed(
                    id,
                    "CONTROLLER_" + f.error().name(),
                    "writing " + tag.name() + " on " + active + ": " + f.detail());
        }
        double held = ((LinkResult.Ok<double[]>) written).value()[0];
        if (held != raw) {
            return journalFailed(
                    id,
                    "READBACK_MISMATCH",
                    active + " holds " + tag.engineering(held) + " " + tag.unit() + " after writing " + value + " to "
                            + tag.name());
        }
        try {
            journal.appliedActive(id, active);
        } catch (IOException e) {
            return Ran.failed(failed(
                    id,
                    "JOURNAL_UNAVAILABLE",
                    "written to " + active + " but the journal failed (" + e.getMessage() + "); not acknowledged"));
        }
        PairStatus after = pair.status();
        if (!active.equals(after.activeId())
                || after.state() == PairState.SWITCHING
                || after.switchovers() != switchoversBefore) {
            return journalFailed(
                    id,
                    "ACTIVE_CHANGED",
                    "a switchover ran while " + tag.name() + " was written to " + active + "; not acknowledged");
        }
        String standbyNote;
        Durable acknowledgement;
        try {
            standbyNote = toStandby(pair, after, active, id, tag, raw);
            acknowledgement = journal.acknowledge(id);
        } catch (IOException e) {
            return Ran.failed(failed(
                    id,
                    "JOURNAL_UNAVAILABLE",
                    "written to " + active + " but the journal failed (" + e.getMessage() + "); not acknowledged"));
        }
        return new Ran(
                new CommandResult(
                        id,
                        CommandResult.Outcome.DONE,
                        "DONE",
                        tag.name() + " = " + value + " " + tag.unit() + " on " + active + standbyNote),
                acknowledgement);
    }

    /**
     * Writes the command to the standby when it is ready, else queues it durably for it; the journal
     * records which. Returns a note for the answer.
     */
    private String toStandby(Pair pair, PairStatus status, String active, String id, TagConfig tag, double raw)
            throws IOException {
        String standby = pair.config().controllers().stream()
                .map(ControllerConfig::id)
                .filter(c -> !c.equals(active))
                .findFirst()
                .orElseThrow();
        Health health = status.health().get(standby);
        if (health != null && health.readyAsStandby() && !OwedWrites.owed(journal, pair.config(), standby)) {
            LinkResult<double[]> written = pair.link(standby).writeTags(List.of(tag), new double[] {raw});
            if (written instanceof LinkResult.Ok<double[]> ok && ok.value()[0] == raw) {
                journal.appliedStandby(id, standby);
                return " and " + standby;
            }
        }
        journal.queuedForStandby(id, standby);
        return "; queued for " + standby + " (not ready), delivered before it can take over";
    }

    /** Records the command failed in the journal (best effort: a broken journal refuses later commands anyway). */
    private Ran journalFailed(String id, String code, String detail) {
        try {
            journal.failed(id, code + ": " + detail);
        } catch (IOException | RuntimeException e) {
            return Ran.failed(
                    failed(id, code, detail + " (the journal could not record the failure: " + e.getMessage() + ")"));
        }
        return Ran.failed(failed(id, code, detail));
    }

    private CommandResult switchover(Pair pair, Command c, String signer) {
        String why = String.valueOf(c.args().getOrDefault("reason", c.action().wireName()));
        String label = c.action() == CommandAction.START_DRILL ? "failover drill: " : "";
        try {
            SwitchoverReport report = pair.requestSwitchover(signer + " (signed command " + c.id() + ")", label + why)
                    .get(SWITCHOVER_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!report.ok()) {
                return failed(c, "SWITCHOVER_" + report.outcome().name(), report.failure());
            }
            return new CommandResult(
                    c.id(),
                    CommandResult.Outcome.DONE,
                    "DONE",
                    String.format(
                            java.util.Locale.ROOT,
                            "%s -> %s, switchover %.1f ms",
                            report.from(),
                            report.to(),
                            report.switchoverMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(c, "INTERRUPTED", "interrupted while waiting for the switchover");
        } catch (ExecutionException | TimeoutException e) {
            return failed(
                    c,
                    "NO_ANSWER",
                    "the switchover of " + pair.pairName() + " did not finish within " + SWITCHOVER_WAIT_SECONDS
                            + " s; it may still complete: check the status (" + e + ")");
        }
    }

    /** A signed decision that ends an alarm: done when it was raised, failed ({@code code}) when not. */
    private CommandResult endAlarm(
            Command c, CompletableFuture<String> ended, String done, String code, String notRaised) {
        try {
            String detail = ended.get(SWITCHOVER_WAIT_SECONDS, TimeUnit.SECONDS);
            return detail.isEmpty()
                    ? failed(c, code, notRaised)
                    : new CommandResult(c.id(), CommandResult.Outcome.DONE, "DONE", done + detail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(
                    c,
                    "INTERRUPTED",
                    "interrupted while waiting for " + c.action().wireName());
        } catch (ExecutionException | TimeoutException e) {
            return failed(c, "NO_ANSWER", c.action().wireName() + " of " + c.pair() + " was not recorded: " + e);
        }
    }

    private static String signedBy(Command c, String signer) {
        return signer + " (signed command " + c.id() + ")";
    }

    private static String reason(Command c) {
        return String.valueOf(c.args().get("reason"));
    }

    private static CommandResult failed(Command c, String code, String detail) {
        return failed(c.id(), code, detail);
    }

    private static CommandResult failed(String id, String code, String detail) {
        return new CommandResult(id, CommandResult.Outcome.FAILED, code, detail);
    }

    private void publish(String pair, String message, CommandDetail detail) {
        events.publish(new GatewayEvent(clock.instant(), pair, "", message, detail));
    }

    /** {@code COMMAND_DONE} or {@code COMMAND_FAILED} for an accepted command that ran. */
    private void publishOutcome(String pair, CommandResult result, String action, String signer) {
        publish(
                pair,
                result.detail(),
                switch (result.outcome()) {
                    case DONE -> new CommandDetail.CommandDone(result.commandId(), action, signer, result.code());
                    case FAILED -> new CommandDetail.CommandFailed(result.commandId(), action, signer, result.code());
                    case REJECTED -> throw new IllegalStateException("a command that ran has no rejection");
                });
    }
}
