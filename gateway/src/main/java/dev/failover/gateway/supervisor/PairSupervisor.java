package dev.failover.gateway.supervisor;

import dev.failover.gateway.Ticker;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.PairConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.failover.Action;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.FailoverController;
import dev.failover.gateway.failover.Input;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.fence.Fence;
import dev.failover.gateway.fence.FenceLedger;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.health.HealthTracker;
import dev.failover.gateway.health.LocalPauses;
import dev.failover.gateway.health.Observation;
import dev.failover.gateway.health.ResponseDeadline;
import dev.failover.gateway.journal.CommandJournal;
import dev.failover.gateway.journal.OwedWrites;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.PartnerView;
import dev.failover.gateway.link.StatusReading;
import dev.failover.gateway.mirror.StateMirror;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Supervises one redundant pair: polls both controllers every period, judges their health, feeds
 * the {@link FailoverController} and performs the actions it decides.
 *
 * <p>Threads: one poll thread per controller (so a hanging controller never delays the other's
 * poll) and one decision thread that owns the health trackers and runs every action in order.
 * Pairs are independent: each supervisor has its own threads. Public methods are thread-safe.
 */
public final class PairSupervisor implements Pair, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PairSupervisor.class);

    private final PairConfig config;
    /** The two ids, looked up once: the decision thread needs the other of a pair on every poll. */
    private final String primaryId;

    private final String secondaryId;
    private final Map<String, ControllerLink> links;
    private final Ticker ticker;
    private final FailoverController controller;
    private final ActionExecutor executor;
    private final EventPublisher publisher;
    private final Map<String, HealthTracker> trackers = new HashMap<>();
    private final Map<String, CompletableFuture<SwitchoverReport>> requests = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<SwitchoverReport>> reportListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ScheduledExecutorService> pollers = new ArrayList<>();
    private final ExecutorService decisions;
    private final Map<String, Integer> pollCounts = new ConcurrentHashMap<>();
    private final int controlProbeEvery;
    private final TagScanner tagScanner;
    private volatile CommandJournal journal;
    private final StateMirror mirror;
    private volatile Runnable beforePlanned;
    /** Owned by the decision thread. */
    private final HeartbeatWatch heartbeats = new HeartbeatWatch();

    private final Map<String, Fence> fences;
    private final Clock clock;
    private FenceLedger ledger;
    private DrivingMark drivingMark;
    private final LocalPauses pauses;
    /** Soft misses in a row on each controller's poll connection: touched by that controller's poll thread only. */
    private final Map<String, Integer> softMissesInRow = new ConcurrentHashMap<>();
    /** Whether both controllers miss at once (decision thread). */
    private final CommonMode commonMode;

    private final Map<String, Boolean> armed = new ConcurrentHashMap<>();
    /** What each controller last reported of its partner over the partner link (decision thread; read by status). */
    private final Map<String, PartnerView> partnerViews = new ConcurrentHashMap<>();
    /** Each controller's adaptive response deadline: fed by its poll thread, read by status. */
    private final Map<String, ResponseDeadline> deadlines = new HashMap<>();

    /** Good on-time polls in a row that arm a controller's detection (about half a second at 20 ms). */
    static final int ARM_AFTER_POLLS = 25;
    /** Detection arms this long after a controller's first poll in any case. */
    static final Duration ARM_WITHIN = Duration.ofSeconds(10);

    /**
     * @param pauses when the gateway itself was not running on time: a timeout then is no evidence
     *     against a controller (safety rule 10)
     */
    /** One command at a time per pair ({@link Pair#commandLock}). */
    private final Object commandLock = new Object();

    public PairSupervisor(
            PairConfig config,
            Map<String, ControllerLink> links,
            Map<String, Fence> fences,
            Ticker ticker,
            Clock clock,
            EventSink events,
            LocalPauses pauses) {
        this.config = config;
        this.primaryId = config.primary().id();
        this.secondaryId = config.secondary().id();
        this.pauses = pauses;
        this.links = Map.copyOf(links);
        this.fences = Map.copyOf(fences);
        this.ticker = ticker;
        this.clock = clock;
        FailoverPolicy policy = config.failover();
        this.publisher = new EventPublisher(config.name(), clock, events, this::answerRequest);
        this.mirror = new StateMirror(config, this::status, this.links::get, ticker, clock, events);
        this.controller = new FailoverController(
                config.primary().id(),
                config.secondary().id(),
                fences.keySet(),
                policy,
                ticker,
                mirror.gate(publisher));
        // A controller applies a demotion at its next scan; allow a few poll periods for that.
        this.executor =
                new ActionExecutor(links, fences, ticker, policy.pollPeriod().multipliedBy(5));
        for (String id : links.keySet()) {
            trackers.put(
                    id,
                    new HealthTracker(
                            id,
                            policy.missesBeforeFault(),
                            policy.recoveryPolls(),
                            ARM_AFTER_POLLS,
                            ARM_WITHIN.toNanos()));
            armed.put(id, false);
            deadlines.put(id, new ResponseDeadline(policy.responseTimeout(), policy.responseTimeoutMax()));
        }
        this.commonMode = new CommonMode(
                config.primary().id(),
                config.secondary().id(),
                policy.pollPeriod().plus(policy.responseTimeoutMax()).toNanos());
        this.decisions = Executors.newSingleThreadExecutor(named("decide-" + config.name()));
        this.controlProbeEvery =
                (int) Math.max(1, 1_000_000_000L / policy.pollPeriod().toNanos());
        this.tagScanner =
                new TagScanner(config.name(), config.tags(), this::status, this.links::get, policy.pollPeriod(), clock);
    }

    /** The mirror of the pair's mirrored tags from the active to the standby, and its lag. */
    @Override
    public StateMirror mirror() {
        return mirror;
    }

    /** The pair's tag values, read from the active controller every poll period. */
    @Override
    public TagScanner tags() {
        return tagScanner;
    }

    @Override
    public String pairName() {
        return config.name();
    }

    @Override
    public PairConfig config() {
        return config;
    }

    /**
     * Keeps the pair's safety-relevant state in {@code directory} (safety rule 8): the record of fence
     * actions ({@code fences-<pair>.log}) and the last time a controller was seen driving ({@code
     * driving-<pair>}). Attach before {@link #start()}.
     *
     * @throws UncheckedIOException if the fence record cannot be opened
     */
    public synchronized void attachStateDirectory(Path directory) {
        try {
            ledger = FenceLedger.open(directory.resolve("fences-" + config.name() + ".log"), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fence record in " + directory + ": " + e.getMessage(), e);
        }
        executor.attachLedger(ledger);
        drivingMark = new DrivingMark(directory.resolve("driving-" + config.name()), clock);
    }

    /** Starts polling both controllers, after reconciling the fences with their record. */
    public synchronized void start() {
        if (!pollers.isEmpty()) {
            throw new IllegalStateException("supervisor of " + config.name() + " already started");
        }
        reconcile();
        long origin = ticker.nanos();
        for (ControllerLink link : links.values()) {
            ScheduledExecutorService poller =
                    Executors.newSingleThreadScheduledExecutor(named("poll-" + link.controllerId()));
            poller.execute(() -> pollAndReschedule(link, poller, origin));
            pollers.add(poller);
        }
        tagScanner.start();
        mirror.start();
        log.info(
                "supervising pair {}: {} ({}) and {} ({}), poll every {}",
                config.name(),
                config.primary().id(),
                links.get(config.primary().id()).endpoint(),
                config.secondary().id(),
                links.get(config.secondary().id()).endpoint(),
                config.failover().pollPeriod());
    }

    @Override
    public PairStatus status() {
        return controller.status();
    }

    /**
     * Tells the state machine, before the first poll, what each fence reports of its relay and when a
     * controller was last seen driving before this start, and reconciles the fence record with the
     * relays: the relay's feedback wins; where it cannot be read, a recorded or uncertain cut is
     * presumed to hold (safety rule 8). Disagreements are events.
     */
    private void reconcile() {
        for (Input.FenceObserved seen : FenceReconciliation.run(fences, ledger, publisher)) {
            decisions.execute(() -> decide(seen));
        }
        if (drivingMark != null) {
            drivingMark.recorded().ifPresent(millis -> {
                long agoNanos = Math.max(0, clock.millis() - millis) * 1_000_000L;
                Input.LastDriven last = new Input.LastDriven(ticker.nanos() - agoNanos);
                decisions.execute(() -> decide(last));
            });
        }
    }

    @Override
    public ControllerLink link(String controllerId) {
        return links.get(controllerId);
    }

    /**
     * Asks for a planned switchover to the standby. The future completes when the switchover
     * completed, failed or was refused, with the reason.
     */
    @Override
    public CompletableFuture<SwitchoverReport> requestSwitchover(String requestedBy, String reason) {
        String id = UUID.randomUUID().toString();
        CompletableFuture<SwitchoverReport> answer = new CompletableFuture<>();
        requests.put(id, answer);
        publisher.publish(
                "",
                "switchover requested by " + requestedBy + ": " + reason,
                new PairDetail.SwitchoverRequested(id, requestedBy));
        Runnable ask = () -> {
            try {
                decisions.execute(() -> decide(new Input.SwitchoverRequested(id, requestedBy, reason)));
            } catch (RejectedExecutionException e) {
                requests.remove(id);
                answer.completeExceptionally(
                        new IllegalStateException("supervisor of " + config.name() + " is closed", e));
            }
        };
        Runnable check = beforePlanned;
        if (check == null) {
            ask.run();
        } else {
            // On a thread of its own: the caller may be a key switch's listener, which must not wait.
            Thread.ofVirtual().name("planned-check-" + config.name()).start(() -> {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    log.warn(
                            "the check before the planned switchover of {} failed; judged on the last verdict",
                            config.name(),
                            e);
                }
                ask.run();
            });
        }
        return answer;
    }

    /**
     * Polls, then schedules the next poll at the next slot of a fixed time grid. A poll that overran
     * its period (a reconnect plus a timeout) skips the slots it covered instead of catching up: a
     * burst of catch-up polls inside one short stall would count as several misses and could fail
     * over on a transient (safety rule 2).
     */
    private void pollAndReschedule(ControllerLink link, ScheduledExecutorService poller, long origin) {
        try {
            poll(link);
        } catch (RuntimeException e) {
            // Never let a poll thread die: a controller no longer polled would look as it did last.
            log.error("poll of {} failed", link.controllerId(), e);
        }
        long period = config.failover().pollPeriod().toNanos();
        long now = ticker.nanos();
        long next = origin + ((now - origin) / period + 1) * period;
        try {
            poller.schedule(() -> pollAndReschedule(link, poller, origin), next - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("poller of {} stopped", link.controllerId());
        }
    }

    private void poll(ControllerLink link) {
        ResponseDeadline deadline = deadlines.get(link.controllerId());
        Duration wait = deadline.current();
        long sent = ticker.nanos();
        LinkResult<StatusReading> result;
        try {
            result = link.readStatus(wait);
        } catch (RuntimeException e) {
            // A link must not throw, but a poll thread that dies silently would blind the gateway.
            log.error("poll of {} threw", link.controllerId(), e);
            result = LinkResult.failed(dev.failover.gateway.link.LinkError.PROTOCOL, e.toString());
        }
        long done = ticker.nanos();
        submit(measured(
                link,
                deadline,
                new Observation(link.controllerId(), sent, done, result, pauses.ranThrough(sent, done))));
        boolean soft = result instanceof LinkResult.Failed<StatusReading> f
                && f.error() == dev.failover.gateway.link.LinkError.TIMEOUT;
        int inRow = soft ? softMissesInRow.merge(link.controllerId(), 1, Integer::sum) : 0;
        if (!soft) {
            softMissesInRow.put(link.controllerId(), 0);
        }
        if (inRow == 1) {
            // Corroboration, at once rather than at the next slot: ask again over the control connection,
            // already open. An answer clears the miss (a lost segment, a stuck poll connection); another
            // timeout is a second, independent miss (safety rule 10).
            long probeSent = ticker.nanos();
            LinkResult<StatusReading> probe = link.readStatusForControl(wait);
            long probeDone = ticker.nanos();
            submit(measured(
                    link,
                    deadline,
                    new Observation(
                            link.controllerId(),
                            probeSent,
                            probeDone,
                            probe,
                            pauses.ranThrough(probeSent, probeDone))));
        } else if (result.isOk()) {
            // After an answered poll, never before one: a probe that times out (the controller hung since)
            // must not delay the poll that would see it, and after a miss the corroboration probe or the
            // next poll uses the control connection anyway.
            probeControlPath(link);
        }
    }

    /**
     * Feeds the round trip of an answered poll to the controller's response deadline, when the gateway
     * ran on time throughout (a pause of its own would pass for a slow controller), and gives the link
     * the new deadline for its other reads.
     */
    private static Observation measured(ControllerLink link, ResponseDeadline deadline, Observation observation) {
        if (observation.onTime() && observation.result() instanceof LinkResult.Ok<StatusReading> ok) {
            deadline.sample(ok.latencyNanos());
            link.adapt(deadline.current());
        }
        return observation;
    }

    /** The adaptive response deadline of {@code controllerId}: its round-trip figures and the deadline now. */
    @Override
    public ResponseDeadline.Figures responseDeadline(String controllerId) {
        return deadlines.get(controllerId).figures();
    }

    private void submit(Observation observation) {
        try {
            decisions.execute(() -> observe(observation));
        } catch (RejectedExecutionException e) {
            log.debug("supervisor closed, dropping observation of {}", observation.controllerId());
        }
    }

    /** Whether detection is armed for both controllers (timeouts count; see {@link HealthTracker}). */
    @Override
    public boolean detectionArmed() {
        return armed.values().stream().allMatch(Boolean::booleanValue);
    }

    /** Whether detection is armed for {@code controllerId}. */
    @Override
    public boolean detectionArmed(String controllerId) {
        return armed.getOrDefault(controllerId, false);
    }

    /**
     * Whether {@code observation} is a soft miss while the other controller missed too: then the
     * gateway's side failed (its network, itself), not the controllers; announced once an episode.
     */
    private boolean commonMode(Observation observation, boolean softMiss) {
        CommonMode.Verdict verdict = commonMode.judge(observation, softMiss);
        if (verdict.newEpisode()) {
            decide(new Input.CommonModeObserved(
                    true,
                    "both controllers missed polls at the same time: the gateway, its host or its network,"
                            + " not the controllers; no failover on it"));
        } else if (verdict.episodeEnded()) {
            decide(new Input.CommonModeObserved(false, ""));
        }
        return verdict.commonMode();
    }

    /**
     * About once a second, after an answered poll, reads the status over the control connection too, so
     * the connection a switchover will use is open and known to work before it is needed (safety rule 3).
     */
    private void probeControlPath(ControllerLink link) {
        int n = pollCounts.merge(link.controllerId(), 1, Integer::sum);
        if ((n - 1) % controlProbeEvery == 0 && !link.readStatusForControl().isOk()) {
            log.debug("control path to {} failed its probe", link.controllerId());
        }
    }

    private void observe(Observation observation) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "poll of {} sent at {} ms took {} ms: {}",
                    observation.controllerId(),
                    observation.sentNanos() / 1_000_000,
                    (observation.doneNanos() - observation.sentNanos()) / 1_000_000.0,
                    observation.result());
        }
        HealthTracker tracker = trackers.get(observation.controllerId());
        Condition before = tracker.health().condition();
        // The partner's report counts only if it was read within a poll period of this poll.
        HealthTracker partner = trackers.get(other(observation.controllerId()));
        PartnerView partnerSays = partner.partnerViewSince(
                observation.sentNanos() - config.failover().pollPeriod().toNanos());
        heartbeats
                .observe(observation)
                .ifPresent(h -> publisher.publish(
                        observation.controllerId(),
                        observation.controllerId() + "'s heartbeat "
                                + (h.kind().equals("BACKWARDS") ? "ran backwards" : "jumped")
                                + " from " + h.from() + " to " + h.to() + " in " + h.elapsedMillis()
                                + " ms while it answered"
                                + " every poll",
                        new PairDetail.HeartbeatIrregular(h.kind(), h.from(), h.to(), h.elapsedMillis())));
        boolean common = commonMode(observation, tracker.softMiss(observation));
        Health health = tracker.observe(observation, common, partnerSays);
        partnerViewChanged(observation.controllerId(), tracker.partnerViewSince(Long.MIN_VALUE));
        if (tracker.armed() && !armed.get(observation.controllerId())) {
            armed.put(observation.controllerId(), true);
            publisher.publish(
                    observation.controllerId(),
                    "detection armed: timeouts of " + observation.controllerId() + " now count as missed polls",
                    new PairDetail.DetectionArmed());
        }
        if (health.condition() != before) {
            publisher.publish(
                    health.controllerId(),
                    health.reason().isEmpty() ? "controller healthy" : health.reason(),
                    new PairDetail.ControllerHealth(
                            before.name(),
                            health.condition().name(),
                            health.role().name(),
                            health.status().name()));
        }
        decide(new Input.HealthChanged(caughtUp(health)));
        DrivingMark mark = drivingMark;
        if (mark != null && health.drives() && health.controllerId().equals(controller.activeId())) {
            mark.driving(health.controllerId());
        }
    }

    private String other(String controllerId) {
        return controllerId.equals(primaryId) ? secondaryId : primaryId;
    }

    /**
     * Records what {@code controllerId} reports of its partner over the partner link, and announces when
     * it loses its partner there or sees it again: a lost partner link while the gateway still reads the
     * partner is a broken link (or tampering), and worth an event of its own.
     */
    private void partnerViewChanged(String controllerId, PartnerView view) {
        PartnerView before = partnerViews.put(controllerId, view);
        if (before == null || before == view || (before == PartnerView.NONE && view == PartnerView.ALIVE)) {
            return;
        }
        String partner = other(controllerId);
        publisher.publish(
                controllerId,
                switch (view) {
                    case LOST -> controllerId + " has lost its partner " + partner + " on the partner link";
                    case ALIVE -> controllerId + " sees its partner " + partner + " again on the partner link";
                    case NONE -> controllerId + " no longer reports a partner link";
                },
                new PairDetail.PartnerLink(partner, before.name(), view.name()));
    }

    /** What {@code controllerId} last reported of its partner over the partner link. */
    @Override
    public PartnerView partnerView(String controllerId) {
        return partnerViews.getOrDefault(controllerId, PartnerView.NONE);
    }

    /**
     * A standby that missed acknowledged writes (it was down when they ran) is given them from the
     * journal before it counts as ready, so it can never be promoted without them (safety rule 4).
     * Runs on the decision thread, before the health is decided on.
     */
    private Health caughtUp(Health health) {
        CommandJournal j = journal;
        if (j == null || !health.readyAsStandby() || !OwedWrites.owed(j, config, health.controllerId())) {
            return health;
        }
        OwedWrites.Delivery d = OwedWrites.deliver(j, config, health.controllerId(), links.get(health.controllerId()));
        if (d.ok()) {
            publisher.publish(
                    health.controllerId(),
                    health.controllerId() + " was given the " + d.commands() + " acknowledged write(s) it missed",
                    new PairDetail.JournalCaughtUp(d.commands()));
            return health;
        }
        publisher.publish(
                health.controllerId(),
                "giving " + health.controllerId() + " the acknowledged writes it missed failed: " + d.failure(),
                new PairDetail.JournalCatchUpFailed(d.commands(), d.failure()));
        return health.notReady("catching up on acknowledged writes: " + d.failure());
    }

    /**
     * What the posture checks found on {@code controllerId} in its present role: empty when it is as
     * secure as required, else why not (see {@link Input.PostureJudged}); with {@code
     * refuseOnFailure}, not even a real failure of the active promotes it.
     */
    public void postureJudged(String controllerId, String weakness, boolean refuseOnFailure) {
        try {
            decisions.execute(() -> decide(new Input.PostureJudged(controllerId, weakness, refuseOnFailure)));
        } catch (RejectedExecutionException e) {
            log.debug("posture of {} not passed on: the supervisor of {} is closed", controllerId, config.name());
        }
    }

    @Override
    public CompletableFuture<String> waivePosture(String signer, String reason) {
        return endAlarm(
                Alarm.ACTIVE_LESS_SECURE,
                new Input.PostureWaived(signer, reason),
                waived -> publisher.publish(
                        "",
                        "heightened mode waived by " + signer + ": " + reason + " (" + waived + ")",
                        new PairDetail.PostureWaived(signer, reason, waived)));
    }

    @Override
    public CompletableFuture<String> rearm(String signer, String reason) {
        return endAlarm(
                Alarm.STORM_LOCKED,
                new Input.Rearmed(signer, reason),
                lock -> publisher.publish(
                        "",
                        "automatic switchovers re-armed by " + signer + ": " + reason + " (" + lock + ")",
                        new PairDetail.Rearmed(signer, reason, lock)));
    }

    /**
     * A signed decision that ends {@code alarm}: when it is raised, {@code input} is decided and {@code
     * announce} told its detail; completes with that detail, or empty text when it was not raised.
     */
    private CompletableFuture<String> endAlarm(Alarm alarm, Input input, Consumer<String> announce) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            decisions.execute(() -> {
                String detail = controller.status().alarms().getOrDefault(alarm, "");
                if (!detail.isEmpty()) {
                    decide(input);
                    announce.accept(detail);
                }
                answer.complete(detail);
            });
        } catch (RejectedExecutionException e) {
            answer.completeExceptionally(new IllegalStateException("supervisor of " + config.name() + " is closed", e));
        }
        return answer;
    }

    /**
     * Runs {@code check} before each planned switchover is asked of the failover controller (on a
     * thread of its own; the request waits for it): the posture checks probe the pair there, so that
     * the request is judged on a fresh verdict. It must end on its own (bounded by its own timeouts).
     */
    public void beforePlannedSwitchover(Runnable check) {
        this.beforePlanned = check;
    }

    /**
     * The durable command journal. Once attached, a returning standby is given the acknowledged writes
     * it missed before it counts as ready, and the mirror holds back a change of a gateway-only tag
     * that the journal does not explain. Attach before {@link #start()}.
     */
    public void attachJournal(CommandJournal journal) {
        attachJournal(journal, List.of());
    }

    /**
     * As {@link #attachJournal(CommandJournal)}, with the commands a gateway crash interrupted (the
     * journal's pending commands at start, recorded failed since): their values are explained too
     * until a later acknowledged write of the same tag supersedes them.
     */
    public void attachJournal(CommandJournal journal, List<dev.failover.gateway.journal.PendingCommand> interrupted) {
        this.journal = journal;
        Explanations explanations = new Explanations(journal, config.name(), interrupted);
        mirror.explainWith(explanations::now);
    }

    private void decide(Input input) {
        MDC.put("pair", config.name());
        try {
            List<Action> actions = controller.handle(input);
            while (!actions.isEmpty()) {
                Action action = actions.getFirst();
                MDC.put("controller", action.controllerId());
                Input.StepDone done;
                try {
                    done = executor.execute(action);
                } catch (RuntimeException e) {
                    // A step that throws has failed; the state machine must hear it, or it would wait
                    // for this step for ever and never fail over again.
                    log.error("{} threw", action, e);
                    done = new Input.StepDone(action, false, "the step threw " + e);
                }
                String step = action.getClass().getSimpleName();
                publisher.publish(
                        action.controllerId(),
                        step.toLowerCase(java.util.Locale.ROOT) + ": " + done.detail(),
                        done.ok() ? new PairDetail.StepDone(step) : new PairDetail.StepFailed(step));
                actions = controller.handle(done);
            }
        } catch (RuntimeException e) {
            log.error("decision on {} failed", input, e);
            throw e;
        } finally {
            MDC.remove("controller");
            MDC.remove("pair");
        }
    }

    /** Registers a listener for every switchover report (completed, failed or refused), called on the decision thread. */
    @Override
    public Object commandLock() {
        return commandLock;
    }

    @Override
    public void onSwitchover(java.util.function.Consumer<SwitchoverReport> listener) {
        reportListeners.add(listener);
    }

    private void answerRequest(SwitchoverReport report) {
        reportListeners.forEach(l -> l.accept(report));
        if (report.requestId() != null) {
            CompletableFuture<SwitchoverReport> answer = requests.remove(report.requestId());
            if (answer != null) {
                answer.complete(report);
            }
        }
    }

    @Override
    public synchronized void close() {
        tagScanner.close();
        mirror.close();
        pollers.forEach(ScheduledExecutorService::shutdownNow);
        decisions.shutdownNow();
        try {
            for (ScheduledExecutorService p : pollers) {
                p.awaitTermination(1, TimeUnit.SECONDS);
            }
            decisions.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        links.values().forEach(ControllerLink::close);
        fences.values().forEach(Fence::close);
        publisher.flushRepeats();
        if (ledger != null) {
            try {
                ledger.close();
            } catch (IOException e) {
                log.warn("closing the fence record {} failed: {}", ledger.file(), e.toString());
            }
        }
        requests.values().forEach(f -> f.completeExceptionally(new IllegalStateException("supervisor closed")));
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return Thread.ofPlatform().name(name).daemon(true).factory();
    }
}
