package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.failover.PairStatus;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.plcsim.Role;
import dev.failover.testkit.FieldObserver;
import dev.failover.testkit.SimPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9: "BLOCKED retries back off and the event log records the first failure and a summary". The
 * active of an in-process {@link SimPair} without fences hangs: it may still drive, nothing can
 * confirm it down, so the gateway must not promote the standby (safety rule 1) and stays BLOCKED with
 * {@link Alarm#OLD_ACTIVE_NOT_CONFIRMED_DOWN}, retrying. Over a 10 s window the retries must thin out
 * (bounded, jittered back-off) and the event log must stay readable: the first failure passes, its
 * identical repeats are counted and published as one {@code EVENTS_REPEATED} summary, and nothing is
 * lost (every attempt is either an event or counted in a summary; safety rule 7). The gateway before
 * the back-off wrote about 520 such events in 10 s. When the active answers again, the pair recovers
 * with it. An independent {@link FieldObserver} checks that the standby never drove meanwhile.
 */
@Timeout(90)
class BlockedEventsIT {

    private static final Logger log = LoggerFactory.getLogger(BlockedEventsIT.class);

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration WINDOW = Duration.ofSeconds(10);
    /** Generous: the back-off alone allows about 8 attempts (3 events each) in the window. */
    private static final int MAX_RETRY_EVENTS_IN_WINDOW = 40;
    /** The back-off's cap (5 s) plus its jitter (20 %) plus a loaded machine's poll and scheduling delays. */
    private static final Duration MAX_GAP = Duration.ofSeconds(7);

    private static final Set<String> RETRY_TYPES =
            Set.of("PAIR_STATE", "STEP_FAILED", "STEP_DONE", "SWITCHOVER_FAILED");

    /**
     * Looser than the defaults (50 ms polls, 5 misses): JVMs start on this machine while the pair runs,
     * and a spurious failover of the healthy active would void the scenario. Retries start 250 ms apart.
     */
    private static final FailoverPolicy POLICY = new FailoverPolicy(
            Duration.ofMillis(50),
            Duration.ofMillis(40),
            5,
            3,
            Duration.ofSeconds(10),
            FailoverPolicy.FailbackMode.MANUAL,
            Duration.ofSeconds(60),
            FailoverPolicy.UnreachableActive.FENCE,
            Duration.ofSeconds(5),
            3,
            Duration.ofMinutes(10));

    /** An event and when this test received it (System.nanoTime). */
    private record Received(long nanos, GatewayEvent event) {}

    private final Queue<Received> events = new ConcurrentLinkedQueue<>();
    private final Queue<SwitchoverReport> reports = new ConcurrentLinkedQueue<>();
    private SimPair pair;
    private FieldObserver observer;

    @BeforeEach
    void start() throws Exception {
        ((ch.qos.logback.classic.Logger) log).setLevel(Level.INFO);
        pair = SimPair.start(POLICY, false, e -> events.add(new Received(System.nanoTime(), e)));
        pair.supervisor().onSwitchover(reports::add);
        observer = FieldObserver.start(
                pair.plant(),
                List.of(
                        new FieldObserver.Controller(
                                SimPair.A, "127.0.0.1", pair.plc(SimPair.A).controlPort()),
                        new FieldObserver.Controller(
                                SimPair.B, "127.0.0.1", pair.plc(SimPair.B).controlPort())));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
    }

    @AfterEach
    void stop() throws Exception {
        if (observer != null) {
            observer.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void blockedRetriesBackOffAndTheirRepeatsAreSummarisedNotLost() {
        // The window opens at the fault, so that it holds the first failure and every retry after it.
        long windowStart = System.nanoTime();
        pair.plc(SimPair.A).faults().hang();
        await("BLOCKED: plc-a cannot be confirmed down")
                .atMost(WAIT)
                .until(() -> pair.status().alarms().containsKey(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN));

        // Rule 1: all through the window the pair retries, never promotes plc-b beside a plc-a that may drive.
        await("BLOCKED (or retrying) for the whole window, plc-b a STANDBY")
                .during(WINDOW)
                .atMost(WINDOW.plusSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    PairStatus s = pair.status();
                    return (s.state() == PairState.BLOCKED || s.state() == PairState.SWITCHING)
                            && s.alarms().containsKey(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)
                            && pair.plc(SimPair.B).snapshot().role() == Role.STANDBY;
                });
        long windowEnd = System.nanoTime();

        List<GatewayEvent> inWindow = events.stream()
                .filter(r -> r.nanos() >= windowStart && r.nanos() <= windowEnd)
                .map(Received::event)
                .toList();
        Map<String, Long> retryEvents = inWindow.stream()
                .filter(e -> RETRY_TYPES.contains(e.type()))
                .collect(Collectors.groupingBy(GatewayEvent::type, Collectors.counting()));
        List<SwitchoverReport> failed = reports.stream()
                .filter(r -> r.outcome() == SwitchoverReport.Outcome.FAILED)
                .toList();
        List<Long> gaps = gapsMillis(failed);
        log.info(
                "from the fault to {} s of BLOCKED: retry events {}; {} failed attempts, gaps {} ms",
                WINDOW.toSeconds(),
                retryEvents,
                failed.size(),
                gaps);

        assertThat(retryEvents.values().stream().mapToLong(Long::longValue).sum())
                .as(
                        "PAIR_STATE/STEP_*/SWITCHOVER_FAILED events from the fault to %s of BLOCKED: %s",
                        WINDOW, retryEvents)
                .isLessThan(MAX_RETRY_EVENTS_IN_WINDOW);
        assertThat(failed).as("failed attempts: retried, not given up").hasSizeGreaterThanOrEqualTo(4);
        assertThat(failed)
                .as("every attempt failed for want of confirming plc-a down, none promoted plc-b")
                .allMatch(r -> r.to().equals(SimPair.B) && r.failure().contains("cannot confirm " + SimPair.A));
        assertThat(failed.stream().map(SwitchoverReport::attempts).toList())
                .as("attempts of the one incident, counted on")
                .isEqualTo(IntStream.rangeClosed(1, failed.size()).boxed().toList());
        // The back-off: the retries thin out, yet never stop (each gap within the cap).
        assertThat(gaps.getLast())
                .as("the last gap between attempts against the first: %s ms", gaps)
                .isGreaterThan(2 * gaps.getFirst());
        assertThat(gaps).as("gaps between attempts, ms").allMatch(g -> g <= MAX_GAP.toMillis());
        assertThat(inWindow)
                .as("the first failure in the event log, with its attempt")
                .anyMatch(e -> e.type().equals("SWITCHOVER_FAILED")
                        && Integer.valueOf(1).equals(e.fields().get("attempts")));

        pair.plc(SimPair.A).faults().clear();
        await("the pair recovers with plc-a active and driving").atMost(WAIT).until(() -> {
            PairStatus s = pair.status();
            return (s.state() == PairState.PROTECTED || s.state() == PairState.UNPROTECTED)
                    && SimPair.A.equals(s.activeId())
                    && !s.alarms().containsKey(Alarm.OLD_ACTIVE_NOT_CONFIRMED_DOWN)
                    && pair.plc(SimPair.A).snapshot().driving();
        });

        // Nothing hidden, only summarised (rule 7): every failed attempt is a SWITCHOVER_FAILED event or a
        // repeat counted in an EVENTS_REPEATED summary, published by the time the alarm cleared.
        int failedAttempts = (int) reports.stream()
                .filter(r -> r.outcome() == SwitchoverReport.Outcome.FAILED)
                .count();
        List<GatewayEvent> all = events.stream().map(Received::event).toList();
        long failedEvents =
                all.stream().filter(e -> e.type().equals("SWITCHOVER_FAILED")).count();
        long summarised = repeatsOf(all, "SWITCHOVER_FAILED");
        log.info(
                "{} failed attempts: {} SWITCHOVER_FAILED events, {} repeats summarised; summaries {}",
                failedAttempts,
                failedEvents,
                summarised,
                all.stream()
                        .filter(e -> e.type().equals("EVENTS_REPEATED"))
                        .map(GatewayEvent::message)
                        .toList());
        assertThat(failedEvents + summarised)
                .as("SWITCHOVER_FAILED events (%d) plus summarised repeats (%d)", failedEvents, summarised)
                .isEqualTo(failedAttempts);
        assertThat(failedEvents)
                .as("identical repeats are summarised, not each written")
                .isLessThan(failedAttempts);
        assertThat(observer.twoDrivers())
                .as("plant readings with two feeders: %s", observer.violations())
                .isZero();
        assertThat(observer.drivingFrom(SimPair.B, Long.MIN_VALUE))
                .as("plc-b seen driving")
                .isEmpty();
    }

    /** The repeats that EVENTS_REPEATED summaries counted for {@code type}. */
    private static long repeatsOf(List<GatewayEvent> events, String type) {
        return events.stream()
                .filter(e -> e.type().equals("EVENTS_REPEATED")
                        && type.equals(e.fields().get("repeatedType")))
                .mapToLong(e -> ((Number) e.fields().get("repeats")).longValue())
                .sum();
    }

    private static List<Long> gapsMillis(List<SwitchoverReport> attempts) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add((attempts.get(i).completedNanos() - attempts.get(i - 1).completedNanos()) / 1_000_000);
        }
        return gaps;
    }
}
