package dev.failover.gateway.posture;

import dev.failover.certs.Thumbprints;
import dev.failover.gateway.config.ControllerConfig;
import dev.failover.gateway.config.ModbusEndpoint;
import dev.failover.gateway.config.OpcUaEndpoint;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.events.EventSink;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.SecurityDetail;
import dev.failover.gateway.link.ControllerLink;
import dev.failover.gateway.link.WriteTally;
import dev.failover.gateway.supervisor.PairSupervisor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each pair's standby as secure as its active (issue 13, part A), continuously: every controller
 * reached over Modbus/TCP Security or OPC UA is probed from outside ({@link ModbusPostureProbe}, {@link
 * OpcUaPostureProbe}) at start, every
 * {@link PostureConfig#period()}, after each change of the active and before each planned switchover;
 * each posture is judged against the baseline and the standby against the active ({@link
 * PostureJudge}). What changes is published ({@code POSTURE_BASELINE_VIOLATED}/{@code _MET}, {@code
 * POSTURE_DRIFT}/{@code POSTURE_PARITY}) and handed to the pair's failover controller as the weakness of
 * each controller as a switchover target: a planned switchover or failback onto a standby that is less
 * secure than required is refused, and {@code STANDBY_LESS_SECURE} is raised. The failover decisions
 * only ever read this cached verdict: no probe runs inside a failover.
 *
 * <p>One thread ({@code posture}) probes and judges; {@link #publish} (an event sink) only schedules.
 * Thread-safe.
 */
public final class PostureWatch implements EventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostureWatch.class);

    /** How long one handshake or read of a probe may take. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** When the first probe runs after start (or after one period, if that is shorter). */
    static final Duration FIRST_PROBE_AFTER = Duration.ofSeconds(3);

    /** How long a planned switchover waits for a fresh probe before it is judged on the last one. */
    static final Duration PLANNED_WAIT = Duration.ofSeconds(10);

    private final PostureConfig baseline;
    private final Map<String, PairSupervisor> pairs = new LinkedHashMap<>();
    private final Clock clock;
    private final EventSink events;
    private final ModbusPostureProbe modbusProbe;
    private final OpcUaPostureProbe opcUaProbe;
    /** The SHA-256 of the gateway's own certificate: its writes are the only ones expected. */
    private final String ownThumbprint;

    private final ScheduledExecutorService thread;

    // Written on the posture thread only; read through the snapshots.
    private final Map<String, ControllerPosture> postures = new ConcurrentHashMap<>();
    private final WriteCount writeCount = new WriteCount();
    private final Map<String, Set<String>> violations = new LinkedHashMap<>();
    private final Map<String, Set<String>> drift = new LinkedHashMap<>();
    /** What each controller was last judged, as handed to its pair's failover controller. */
    private record Judged(String weakness, boolean refuseOnFailure) {}

    private final Map<String, Judged> judged = new LinkedHashMap<>();
    private final Map<String, String> pairings = new LinkedHashMap<>();
    private final Map<String, PostureStatus> status = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, PostureStatus>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param tls the gateway's client TLS context (its certificate of role gateway), as its links use
     * @param supervisors the pairs to watch; pairs whose controllers are all reached over Modbus/TCP Security or OPC UA are probed
     */
    public PostureWatch(
            PostureConfig baseline,
            SSLContext tls,
            java.security.cert.X509Certificate own,
            List<PairSupervisor> supervisors,
            Clock clock,
            EventSink events) {
        this.baseline = baseline;
        this.ownThumbprint = Thumbprints.sha256(own);
        this.clock = clock;
        this.events = events;
        this.modbusProbe = new ModbusPostureProbe(tls, baseline, clock, PROBE_TIMEOUT);
        this.opcUaProbe = new OpcUaPostureProbe(baseline, clock, PROBE_TIMEOUT);
        for (PairSupervisor s : supervisors) {
            if (s.config().controllers().stream().allMatch(PostureWatch::probed)) {
                pairs.put(s.pairName(), s);
                s.beforePlannedSwitchover(() -> refreshNow(s.pairName()));
            } else {
                log.info(
                        "pair {}: security posture not checked (only Modbus/TCP Security and OPC UA controllers are)",
                        s.pairName());
            }
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("posture").daemon(true).factory());
    }

    private static boolean probed(ControllerConfig c) {
        return c.endpoint() instanceof OpcUaEndpoint || c.endpoint() instanceof ModbusEndpoint m && !m.insecure();
    }

    private PostureProbe probeFor(ControllerConfig c) {
        return c.endpoint() instanceof OpcUaEndpoint ? opcUaProbe : modbusProbe;
    }

    /** Probes every watched pair now and then every period. */
    public void start() {
        if (pairs.isEmpty()) {
            return;
        }
        long period = baseline.period().toMillis();
        // Not in the first polls' way (a cold JVM on a small box): the first probe a moment later.
        long first = Math.min(period, FIRST_PROBE_AFTER.toMillis());
        thread.scheduleWithFixedDelay(this::refreshAll, first, period, TimeUnit.MILLISECONDS);
        log.info("checking the security posture of {} pair(s) every {}", pairs.size(), baseline.period());
    }

    /**
     * Calls {@code listener} with a pair's name and posture each time the pair is judged (on the
     * posture thread: it must be quick and must not throw).
     */
    public void onJudged(BiConsumer<String, PostureStatus> listener) {
        listeners.add(listener);
    }

    /** The posture of {@code pair} as last probed and judged. */
    public PostureStatus status(String pair) {
        return status.getOrDefault(pair, PostureStatus.none());
    }

    /** Whether {@code pair} is watched. */
    public boolean watches(String pair) {
        return pairs.containsKey(pair);
    }

    /** Another controller became the active: judge again at once, then probe the pair again. */
    @Override
    public void publish(GatewayEvent event) {
        if (event.detail() instanceof PairDetail.PairState state && pairs.containsKey(event.pair())) {
            String pair = event.pair();
            PostureStatus last = status(pair);
            if (state.active() != null && !state.active().equals(last.active())) {
                submit(() -> {
                    judge(pair);
                    refresh(pair);
                });
            }
        }
    }

    /** Probes {@code pair} now on the posture thread and waits for it (at most {@link #PLANNED_WAIT}). */
    public void refreshNow(String pair) {
        Future<?> done = submit(() -> refresh(pair));
        if (done == null) {
            return;
        }
        try {
            done.get(PLANNED_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("pair {}: the posture probe before a planned switchover did not end: {}", pair, e.toString());
        }
    }

    private Future<?> submit(Runnable work) {
        try {
            return thread.submit(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.error("posture check failed", e);
                }
            });
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    private void refreshAll() {
        for (String pair : pairs.keySet()) {
            try {
                refresh(pair);
            } catch (RuntimeException e) {
                log.error("posture check of pair {} failed", pair, e);
            }
        }
    }

    private void refresh(String pair) {
        PairSupervisor s = pairs.get(pair);
        for (ControllerConfig c : s.config().controllers()) {
            ControllerLink link = s.link(c.id());
            PostureProbe probe = probeFor(c);
            ControllerPosture p = probe.probe(c, link);
            // The gateway's writes counted right before and after the controller's counter is read:
            // the link's control connection takes one exchange at a time.
            WriteTally tally = link.writeTally();
            int counter = probe.writeCount(link);
            writeCount
                    .check(c.id(), tally, counter, link.writeTally())
                    .ifPresent(u -> announceUnexplainedWrites(pair, c.id(), u));
            ControllerPosture previous = postures.put(c.id(), p);
            if (previous != null) {
                announceChanges(pair, previous, p);
            }
            announceForeignWriter(pair, previous, p);
            log.debug(
                    "posture of {} probed in {} ms: TLS {}, {} suite(s), plain Modbus {}, OPC UA {}",
                    c.id(),
                    p.probeMillis(),
                    p.tlsVersions(),
                    p.cipherSuites().size(),
                    p.plainModbus(),
                    p.opcUa());
        }
        judge(pair);
    }

    private void judge(String pair) {
        PairSupervisor s = pairs.get(pair);
        Map<String, List<Finding>> findings = new LinkedHashMap<>();
        Map<String, ControllerPosture> probedHere = new LinkedHashMap<>();
        for (ControllerConfig c : s.config().controllers()) {
            ControllerPosture p = postures.get(c.id());
            if (p == null) {
                continue;
            }
            probedHere.put(c.id(), p);
            List<Finding> f = PostureJudge.baseline(baseline, p, clock.instant());
            findings.put(c.id(), f);
            announceBaseline(pair, c.id(), f);
        }
        String active = s.status().activeId();
        String standby = active == null
                ? null
                : s.config().controllers().stream()
                        .map(ControllerConfig::id)
                        .filter(id -> !id.equals(active))
                        .findFirst()
                        .orElse(null);
        List<Finding> parity = List.of();
        if (active != null && probedHere.containsKey(active) && probedHere.containsKey(standby)) {
            parity = PostureJudge.parity(baseline, probedHere.get(active), probedHere.get(standby));
            announceParity(pair, active, standby, parity);
        }
        List<Finding> reversed = active != null && probedHere.containsKey(active) && probedHere.containsKey(standby)
                ? PostureJudge.parity(baseline, probedHere.get(standby), probedHere.get(active)).stream()
                        .filter(f -> f.kind() == Finding.Kind.WEAKER)
                        .toList()
                : List.of();
        for (String id : probedHere.keySet()) {
            List<Finding> below = findings.getOrDefault(id, List.of()).stream()
                    .filter(Finding::blocking)
                    .toList();
            List<Finding> weak = new ArrayList<>(below);
            // The standby against the active; the active against its standby, where it is weaker only
            // (a difference is the standby's drift, already said once).
            weak.addAll(id.equals(standby) ? parity : id.equals(active) ? reversed : List.of());
            String weakness = weak.stream().map(Finding::toString).collect(Collectors.joining("; "));
            Judged verdict = new Judged(weakness, baseline.blockOnFailure() && !below.isEmpty());
            if (!verdict.equals(judged.put(id, verdict))) {
                s.postureJudged(id, verdict.weakness(), verdict.refuseOnFailure());
            }
        }
        PostureStatus now = new PostureStatus(
                probedHere,
                findings,
                Objects.requireNonNullElse(active, ""),
                Objects.requireNonNullElse(standby, ""),
                parity);
        status.put(pair, now);
        for (var listener : listeners) {
            try {
                listener.accept(pair, now);
            } catch (RuntimeException e) {
                log.warn("a posture listener failed", e);
            }
        }
    }

    /**
     * Publishes what a controller presents or reports differently from the previous probe: its
     * certificate, program, firmware, configuration hash (what was not learned either time is not
     * compared). The anomaly watch judges whether it was expected.
     */
    private void announceChanges(String pair, ControllerPosture before, ControllerPosture now) {
        if (before.opcUa() != null && now.opcUa() != null) {
            changed(
                    pair,
                    now.controllerId(),
                    "endpoints",
                    before.opcUa().endpoints().toString(),
                    now.opcUa().endpoints().toString());
        }
        if (before.certificate() != null && now.certificate() != null) {
            changed(
                    pair,
                    now.controllerId(),
                    "certificate",
                    before.certificate().thumbprint(),
                    now.certificate().thumbprint());
        }
        if (before.identity() != null && now.identity() != null) {
            changed(
                    pair,
                    now.controllerId(),
                    "program",
                    before.identity().program(),
                    now.identity().program());
            changed(
                    pair,
                    now.controllerId(),
                    "firmware",
                    before.identity().firmware(),
                    now.identity().firmware());
            changed(
                    pair,
                    now.controllerId(),
                    "configHash",
                    before.identity().configHash(),
                    now.identity().configHash());
        }
    }

    /** Publishes a setpoint write by another client than this gateway, once per new write seen. */
    private void announceForeignWriter(String pair, ControllerPosture before, ControllerPosture now) {
        ControllerPosture.Identity id = now.identity();
        if (id == null || id.lastWriter().isEmpty() || id.lastWriter().equals(ownThumbprint)) {
            return;
        }
        ControllerPosture.Identity was = before == null ? null : before.identity();
        if (was != null && was.lastWriter().equals(id.lastWriter()) && was.writeCount() == id.writeCount()) {
            return;
        }
        String who = id.lastWriter().equals("plain")
                ? "a plain, unauthenticated Modbus client"
                : "the certificate with SHA-256 " + id.lastWriter();
        events.publish(new GatewayEvent(
                clock.instant(),
                pair,
                now.controllerId(),
                now.controllerId() + "'s setpoints were last written by " + who + ", not this gateway (write "
                        + id.writeCount() + ")",
                new SecurityDetail.ControllerWrittenByOther(id.lastWriter(), id.writeCount())));
    }

    private void announceUnexplainedWrites(String pair, String id, SecurityDetail.UnexplainedWrites u) {
        events.publish(new GatewayEvent(
                clock.instant(),
                pair,
                id,
                id + " took " + u.writes() + " tag write(s) that this gateway did not make (it counted " + u.counted()
                        + " since the count started, the gateway may have made " + u.gatewayMayHaveMade() + ")",
                u));
    }

    private void changed(String pair, String id, String field, String from, String to) {
        if (!Objects.equals(from, to)) {
            events.publish(new GatewayEvent(
                    clock.instant(),
                    pair,
                    id,
                    id + " " + field + " changed from " + from + " to " + to,
                    new SecurityDetail.ControllerIdentityChanged(field, from, to)));
        }
    }

    /** Publishes a controller's baseline findings when their set (by field and kind) changes. */
    private void announceBaseline(String pair, String id, List<Finding> findings) {
        Set<String> keys =
                findings.stream().map(f -> f.field() + "/" + f.kind()).collect(Collectors.toSet());
        Set<String> before = violations.put(id, keys);
        if (keys.equals(before) || (before == null && keys.isEmpty())) {
            return;
        }
        if (keys.isEmpty()) {
            events.publish(new GatewayEvent(
                    clock.instant(),
                    pair,
                    id,
                    id + " meets the security posture baseline again",
                    new SecurityDetail.PostureBaselineMet()));
            return;
        }
        List<String> texts = findings.stream().map(Finding::toString).toList();
        events.publish(new GatewayEvent(
                clock.instant(),
                pair,
                id,
                id + " does not meet the security posture baseline: " + String.join("; ", texts),
                new SecurityDetail.PostureBaselineViolated(texts)));
    }

    /** Publishes the standby's drift from the active when its set (by field and kind) changes. */
    private void announceParity(String pair, String active, String standby, List<Finding> parity) {
        Set<String> keys = parity.stream().map(f -> f.field() + "/" + f.kind()).collect(Collectors.toSet());
        Set<String> before = drift.put(pair, keys);
        String pairing = active + ">" + standby;
        String was = pairings.put(pair, pairing);
        boolean unchanged =
                before == null ? keys.isEmpty() : keys.equals(before) && (keys.isEmpty() || pairing.equals(was));
        if (unchanged) {
            return;
        }
        if (keys.isEmpty()) {
            events.publish(new GatewayEvent(
                    clock.instant(),
                    pair,
                    standby,
                    "standby " + standby + " is as secure as the active " + active + " again",
                    new SecurityDetail.PostureParity(active, standby)));
            return;
        }
        List<String> texts = parity.stream().map(Finding::toString).toList();
        events.publish(new GatewayEvent(
                clock.instant(),
                pair,
                standby,
                "standby " + standby + " is less secure than the active " + active + ": " + String.join("; ", texts),
                new SecurityDetail.PostureDrift(active, standby, texts)));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(PROBE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
