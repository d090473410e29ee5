package dev.failover.gateway.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.health.Condition;
import dev.failover.gateway.health.Health;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The safety rules of {@link FailoverController} as properties over random histories (issue 12,
 * item 5): a simulated field of two controllers and their output-enable relays is broken at random
 * (processes die and come back as STANDBY, controllers fault and recover, networks drop so that a
 * live, driving controller looks dead and is judged on what it last answered), the controller's
 * actions are carried out in that field and succeed or fail at random (and some that took effect are
 * not confirmed), planned switchovers are asked for at any moment, the gateway is restarted (maybe in
 * the middle of a step, which may have taken effect; the new one learns the relays from their
 * feedback), both controllers miss polls at once now and then, and polls arrive late, from before a
 * step. After every input:
 *
 * <ul>
 *   <li>at most one action is outstanding: an input answered while a step runs brings no new one;
 *   <li>a promotion is only ever asked for while no other controller drives (the old active's
 *       demotion or fence was verified, or it really is down): break before make;
 *   <li>never two controllers drive at once, in the field;
 *   <li>the field does not stay undriven for long ({@link #LIVENESS}) while a controller could take
 *       over.
 * </ul>
 *
 * Seeded: a failure names its seed and step, and the same seed replays it.
 */
class FailoverInvariantTest {

    private static final String A = Harness.A;
    private static final String B = Harness.B;
    private static final int STEPS = 4_000;

    /**
     * How long the field may go undriven while a controller could take over: retries back off up to 5 s,
     * a step fails or goes unconfirmed one time in five here, and faults keep coming. Deterministic (fake
     * time, fixed seeds). It found a real gap: with 10 s, seed 37 failed until an unconfirmed fence that
     * did cut the old active was restored once the controller reported its outputs disabled (see
     * FieldTruthTest).
     */
    private static final Duration LIVENESS = Duration.ofSeconds(10);

    /** Seeds 1 to 60 in the suite; {@code -Dfailover.invariant.seeds=N} runs 1 to N (a longer hunt). */
    static Stream<Arguments> seeds() {
        return Stream.iterate(1L, s -> s + 1)
                .limit(Long.getLong("failover.invariant.seeds", 60))
                .map(Arguments::of);
    }

    /** One controller and its relay, as they are in the field (what the gateway cannot see directly). */
    private static final class Plc {
        final String id;
        RuntimeRole role;
        boolean alive = true;
        boolean reachable = true;
        boolean faulted;
        boolean cut;
        int heartbeat;
        /** What it last answered: an unreachable controller is judged on that, as HealthTracker does. */
        RuntimeRole answeredRole;

        boolean answeredOutputs = true;
        boolean answeredDriving;
        int answeredHeartbeat;

        Plc(String id, RuntimeRole role) {
            this.id = id;
            this.role = role;
            this.answeredRole = role;
            this.answeredDriving = role == RuntimeRole.ACTIVE;
        }

        boolean drives() {
            return alive && !faulted && !cut && role == RuntimeRole.ACTIVE;
        }

        /** Whether it could take over: it runs, answers and has no fault (a cut relay can be restored). */
        boolean promotable() {
            return alive && reachable && !faulted;
        }

        /** What a poll sent now would bring back. */
        Health poll(long nowNanos) {
            if (!alive || !reachable) {
                // No answer: the gateway keeps what it last heard (role, outputs, driving, heartbeat).
                return new Health(
                        id,
                        Condition.FAILED,
                        false,
                        answeredRole,
                        RunStatus.RUN,
                        answeredOutputs,
                        answeredDriving,
                        answeredHeartbeat,
                        -1,
                        0,
                        0,
                        3,
                        "TIMEOUT",
                        nowNanos);
            }
            heartbeat++;
            answeredRole = role;
            answeredOutputs = !cut;
            answeredDriving = drives();
            answeredHeartbeat = heartbeat;
            return new Health(
                    id,
                    faulted ? Condition.FAILED : Condition.HEALTHY,
                    true,
                    role,
                    faulted ? RunStatus.FAULT : RunStatus.RUN,
                    !cut,
                    drives(),
                    heartbeat,
                    100_000,
                    nowNanos,
                    faulted ? 0 : Long.MIN_VALUE,
                    faulted ? 3 : 0,
                    faulted ? "FAULT" : "",
                    nowNanos);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void safetyRulesHoldOverRandomHistories(long seed) {
        Random random = new Random(seed);
        FakeTicker ticker = new FakeTicker();
        FailoverController fsm = gateway(ticker);
        Map<String, Plc> field = new HashMap<>();
        field.put(A, new Plc(A, RuntimeRole.ACTIVE));
        field.put(B, new Plc(B, RuntimeRole.STANDBY));
        List<Health> late = new ArrayList<>();
        Action outstanding = null;
        int promotions = 0;
        long undrivenSince = -1;

        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + seed + ", step " + step;
            Plc plc = field.get(random.nextBoolean() ? A : B);
            int roll = random.nextInt(100);
            List<Action> actions;
            if (roll < 3) {
                breakOrMend(plc, random);
                continue;
            } else if (roll < 6) {
                ticker.advance(Duration.ofMillis(random.nextInt(3_000)));
                continue;
            } else if (outstanding != null && roll < 30) {
                boolean ok = perform(outstanding, field, random);
                // A step can take effect and still not be confirmed (its answer timed out).
                boolean confirmed = ok && random.nextInt(10) != 0;
                actions = fsm.handle(new Input.StepDone(outstanding, confirmed, confirmed ? "verified" : "failed"));
                outstanding = null;
            } else if (roll < 32) {
                // A planned switchover or a drill, asked for at any moment.
                actions = fsm.handle(new Input.SwitchoverRequested("request-" + step, "alice", "drill"));
            } else if (roll < 33) {
                // The gateway is killed and restarted, maybe in the middle of a step that may have taken
                // effect; the new one learns the relays from their feedback (FenceObserved), as at start.
                if (outstanding != null && random.nextBoolean()) {
                    perform(outstanding, field, random);
                }
                outstanding = null;
                late.clear();
                fsm = gateway(ticker);
                fsm.handle(new Input.FenceObserved(A, field.get(A).cut, "relay feedback at start"));
                actions = fsm.handle(new Input.FenceObserved(B, field.get(B).cut, "relay feedback at start"));
            } else if (roll < 34) {
                // Both controllers missed polls at once, or that ended: the gateway's side, not theirs.
                actions = fsm.handle(new Input.CommonModeObserved(random.nextBoolean(), "both missed"));
            } else if (!late.isEmpty() && roll < 38) {
                // A poll sent before the steps since: its field information is out of date.
                actions = fsm.handle(new Input.HealthChanged(late.remove(random.nextInt(late.size()))));
            } else {
                Health poll = plc.poll(ticker.nanos());
                if (random.nextInt(10) == 0) {
                    late.add(poll);
                    continue;
                }
                actions = fsm.handle(new Input.HealthChanged(poll));
            }
            ticker.advance(Duration.ofMillis(random.nextInt(40)));

            assertThat(actions).as("at most one action at a time, " + where).hasSizeLessThanOrEqualTo(1);
            if (!actions.isEmpty()) {
                assertThat(outstanding)
                        .as("a new action while %s is outstanding, %s", outstanding, where)
                        .isNull();
                outstanding = actions.getFirst();
                if (outstanding instanceof Action.Promote promote) {
                    promotions++;
                    String other = promote.controllerId().equals(A) ? B : A;
                    assertThat(field.get(other).drives())
                            .as("promotion of %s while %s drives, %s", promote.controllerId(), other, where)
                            .isFalse();
                }
            }
            assertThat(field.get(A).drives() && field.get(B).drives())
                    .as("two controllers drive, " + where)
                    .isFalse();
            // Liveness: nobody drives while a controller could take over only for a bounded time.
            boolean undriven = !field.get(A).drives() && !field.get(B).drives();
            boolean couldDrive = field.get(A).promotable() || field.get(B).promotable();
            if (!undriven || !couldDrive) {
                undrivenSince = -1;
            } else if (undrivenSince < 0) {
                undrivenSince = ticker.nanos();
            } else {
                assertThat(Duration.ofNanos(ticker.nanos() - undrivenSince))
                        .as("undriven though a controller could take over, %s; state %s", where, fsm.status())
                        .isLessThan(LIVENESS);
            }
        }
        assertThat(promotions)
                .as("the histories made the gateway fail over at least once")
                .isPositive();
    }

    private static FailoverController gateway(FakeTicker ticker) {
        return new FailoverController(A, B, Set.of(A, B), FailoverPolicy.defaults(), ticker, FailoverEvents.NONE);
    }

    /** A random fault in the field, or its end. */
    private static void breakOrMend(Plc plc, Random random) {
        switch (random.nextInt(6)) {
            case 0 -> plc.alive = false; // SIGKILL, power loss
            case 1 -> {
                if (!plc.alive) {
                    // Power back: it boots as a standby.
                    plc.alive = true;
                    plc.role = RuntimeRole.STANDBY;
                }
            }
            case 2 -> plc.reachable = false; // the network to it drops; it goes on driving
            case 3 -> plc.reachable = true;
            case 4 -> plc.faulted = true;
            default -> plc.faulted = false;
        }
    }

    /** Carries out {@code action} in the field; whether it worked (and was verified), at random. */
    private static boolean perform(Action action, Map<String, Plc> field, Random random) {
        boolean luck = random.nextInt(10) != 0;
        return switch (action) {
            case Action.Demote d -> {
                Plc plc = field.get(d.controllerId());
                boolean ok = luck && plc.alive && plc.reachable;
                if (ok) {
                    plc.role = RuntimeRole.STANDBY;
                }
                yield ok;
            }
            case Action.Promote p -> {
                Plc plc = field.get(p.controllerId());
                boolean ok = luck && plc.alive && plc.reachable && !plc.faulted && !plc.cut;
                if (ok) {
                    plc.role = RuntimeRole.ACTIVE;
                }
                yield ok;
            }
            case Action.Fence f -> {
                // The relay box works whatever the controller does; a cut ACTIVE falls back to STANDBY.
                Plc plc = field.get(f.controllerId());
                if (luck) {
                    plc.cut = true;
                    if (plc.alive) {
                        plc.role = RuntimeRole.STANDBY;
                    }
                }
                yield luck;
            }
            case Action.Unfence u -> {
                if (luck) {
                    field.get(u.controllerId()).cut = false;
                }
                yield luck;
            }
        };
    }
}
