package dev.failover.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What a soak does to a healthy pair, and when: pauses of the whole gateway process (SIGSTOP, then
 * SIGCONT after {@value #PAUSE_MIN_MS}–{@value #PAUSE_MAX_MS} ms), each starting {@value
 * #PAUSE_EVERY_MIN_MS}–{@value #PAUSE_EVERY_MAX_MS} ms after the previous one started; and single lost
 * polls (plc-sim's {@code lose 1}), each {@value #LOSS_EVERY_MIN_MS}–{@value #LOSS_EVERY_MAX_MS} ms
 * after the previous one, alternately on the active and on the standby. Every value is drawn
 * uniformly, so pauses and lost polls fall at every phase of the poll period and of each other.
 * Every step ends within the soak. Immutable; the same random generator state gives the same plan.
 *
 * @param steps in order of their start
 */
record SoakSchedule(List<Step> steps) {

    static final long PAUSE_MIN_MS = 50;
    static final long PAUSE_MAX_MS = 500;
    static final long PAUSE_EVERY_MIN_MS = 2_000;
    static final long PAUSE_EVERY_MAX_MS = 4_000;
    static final long LOSS_EVERY_MIN_MS = 1_000;
    static final long LOSS_EVERY_MAX_MS = 2_000;

    /** One action of the soak, {@code at} after its start. */
    sealed interface Step permits Pause, LostPoll {
        Duration at();
    }

    /** Stop the gateway process for {@code length}, then let it continue. */
    record Pause(Duration at, Duration length) implements Step {}

    /** Make the active's ({@code onActive}) or the standby's next request go unanswered. */
    record LostPoll(Duration at, boolean onActive) implements Step {}

    SoakSchedule {
        steps = List.copyOf(steps);
    }

    /** The plan for a soak of {@code length}; empty for a zero length. */
    static SoakSchedule plan(Duration length, RandomGenerator random) {
        long end = length.toMillis();
        List<Step> steps = new ArrayList<>();
        long pauseAt = random.nextLong(PAUSE_EVERY_MIN_MS, PAUSE_EVERY_MAX_MS + 1);
        while (true) {
            long pause = random.nextLong(PAUSE_MIN_MS, PAUSE_MAX_MS + 1);
            if (pauseAt + pause > end) {
                break;
            }
            steps.add(new Pause(Duration.ofMillis(pauseAt), Duration.ofMillis(pause)));
            pauseAt += random.nextLong(PAUSE_EVERY_MIN_MS, PAUSE_EVERY_MAX_MS + 1);
        }
        boolean onActive = true;
        for (long lossAt = random.nextLong(LOSS_EVERY_MIN_MS, LOSS_EVERY_MAX_MS + 1);
                lossAt < end;
                lossAt += random.nextLong(LOSS_EVERY_MIN_MS, LOSS_EVERY_MAX_MS + 1)) {
            steps.add(new LostPoll(Duration.ofMillis(lossAt), onActive));
            onActive = !onActive;
        }
        steps.sort(Comparator.comparing(Step::at));
        return new SoakSchedule(steps);
    }

    long pauses() {
        return steps.stream().filter(s -> s instanceof Pause).count();
    }

    long lostPolls() {
        return steps.stream().filter(s -> s instanceof LostPoll).count();
    }
}
