package dev.failover.bench;

import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.mirror.StateMirror;
import dev.failover.testkit.SimPair;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * Part (b) of the RPO benchmark: is a setpoint changed on the active controller lost when the active
 * crashes shortly after? Each trial writes a new setpoint straight into the active (at a random phase
 * of the mirror period), crashes the active a uniformly random delay of 0 to 2 mirror periods after
 * the active confirmed the write, waits for the failover, and reads the setpoint of the new active:
 * lost when it is not the new value. Then the old active is restarted and the pair is let settle.
 */
final class TakeoverLoss {

    /**
     * @param delayPeriods from the active's confirmation of the change to the crash, in mirror periods
     * @param lost whether the new active did not hold the new value
     * @param copied whether the mirror confirmed the value on the standby at all
     * @param copiedAfterCrash whether that confirmation came after the crash began: a cycle that read
     *     the active before its port closed and finished its write to the standby after (the switchover
     *     waits for it)
     * @param crashPeriods how long the crash took to close the active's ports, in mirror periods: the
     *     active answers on its open connections until then
     */
    record Trial(double delayPeriods, boolean lost, boolean copied, boolean copiedAfterCrash, double crashPeriods) {}

    /** @param failed trials without a failover to the standby within {@link #FAILOVER_TIMEOUT}, or unreadable */
    record Result(List<Trial> trials, int failed) {}

    static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(15);

    private final SimPair pair;
    private final DirectSetpoints setpoints;
    private final MirrorCopies copies;
    private final RandomGenerator random;
    private final PrintStream out;
    private final BlockingQueue<SwitchoverReport> reports = new LinkedBlockingQueue<>();
    private int last = -1;

    TakeoverLoss(
            SimPair pair, DirectSetpoints setpoints, MirrorCopies copies, RandomGenerator random, PrintStream out) {
        this.pair = pair;
        this.setpoints = setpoints;
        this.copies = copies;
        this.random = random;
        this.out = out;
        pair.supervisor().onSwitchover(reports::add);
    }

    Result measure(int warmup, int trials) throws InterruptedException, TimeoutException {
        StateMirror mirror = pair.supervisor().mirror();
        long period = mirror.period().toNanos();
        List<Trial> done = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < warmup + trials; i++) {
            String active = pair.status().activeId();
            String standby = SimPair.other(active);
            settle(mirror, active);
            int raw = nextValue();
            LockSupport.parkNanos(random.nextLong(period));
            reports.clear();
            long start = System.nanoTime();
            if (!setpoints.write(active, raw)) {
                out.println("  trial " + i + ": the direct write to " + active + " failed");
                failed += i >= warmup ? 1 : 0;
                continue;
            }
            long written = System.nanoTime();
            LockSupport.parkNanos(written + random.nextLong(2 * period) - System.nanoTime());
            long crashed = System.nanoTime();
            pair.plc(active).faults().crash();
            long down = System.nanoTime();
            Optional<SwitchoverReport> report = failover(standby);
            int held = setpoints.read(standby).orElse(-1);
            pair.plc(active).faults().clear();
            if (report.isEmpty() || held < 0) {
                out.println("  trial " + i + ": "
                        + (report.isEmpty() ? "no failover to " + standby : "cannot read " + standby));
                failed += i >= warmup ? 1 : 0;
            } else if (i >= warmup) {
                Optional<MirrorCopies.Copy> copy = copies.await(standby, raw / 100.0, start, Duration.ZERO);
                done.add(new Trial(
                        (crashed - written) / (double) period,
                        held != raw,
                        copy.isPresent(),
                        copy.filter(c -> c.nanos() > crashed).isPresent(),
                        (down - crashed) / (double) period));
            }
            SimPair.await("the pair is protected again", RECOVERY_TIMEOUT, () -> {
                String now = pair.status().activeId();
                return now != null && pair.protectedWith(now);
            });
        }
        return new Result(done, failed);
    }

    /** Waits until the pair is protected with {@code active} and the mirror has had two cycles in sync since. */
    private void settle(StateMirror mirror, String active) throws InterruptedException, TimeoutException {
        SimPair.await("the pair is protected", RECOVERY_TIMEOUT, () -> pair.protectedWith(active));
        long cycles = mirror.status().cycles();
        SimPair.await(
                "two mirror cycles in sync",
                RECOVERY_TIMEOUT,
                () -> mirror.status().cycles() >= cycles + 2 && mirror.status().inSync());
    }

    /** The completed failover to {@code to}, or empty when none came within {@link #FAILOVER_TIMEOUT}. */
    private Optional<SwitchoverReport> failover(String to) throws InterruptedException {
        long deadline = System.nanoTime() + FAILOVER_TIMEOUT.toNanos();
        while (true) {
            SwitchoverReport r = reports.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (r == null) {
                return Optional.empty();
            }
            if (r.ok() && to.equals(r.to())) {
                return Optional.of(r);
            }
        }
    }

    private int nextValue() {
        int raw = last;
        while (raw == last) {
            raw = random.nextInt(1000, 9001);
        }
        last = raw;
        return raw;
    }
}
