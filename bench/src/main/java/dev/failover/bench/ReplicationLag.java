package dev.failover.bench;

import dev.failover.gateway.failover.PairState;
import dev.failover.gateway.mirror.MirrorStatus;
import dev.failover.gateway.mirror.StateMirror;
import dev.failover.testkit.SimPair;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * Part (a) of the RPO benchmark: the replication lag of a setpoint changed on the active controller
 * itself. At a uniformly random phase of the mirror period, the setpoint is written straight into
 * the active; the lag is the time from the start of that write to the mirror's confirmed write of
 * the same value to the standby (its read-back included). Meanwhile a sampler reads the mirror's
 * own {@link MirrorStatus} every millisecond.
 */
final class ReplicationLag {

    /**
     * @param lag from the change to the standby holding it, ms
     * @param write the direct write's round trip, ms (included in {@code lag})
     * @param missed changes not seen on the standby within {@link #COPY_TIMEOUT}
     * @param disturbed changes during which the pair switched over (there should be none)
     * @param standbyDiffers changes confirmed by the mirror that a direct read of the standby did not show
     */
    record Result(
            Stats lag, Stats write, int missed, int disturbed, int standbyDiffers, StatusSampler.Summary status) {}

    static final Duration COPY_TIMEOUT = Duration.ofSeconds(2);

    private final SimPair pair;
    private final DirectSetpoints setpoints;
    private final MirrorCopies copies;
    private final RandomGenerator random;
    private final PrintStream out;
    private int last = -1;

    ReplicationLag(
            SimPair pair, DirectSetpoints setpoints, MirrorCopies copies, RandomGenerator random, PrintStream out) {
        this.pair = pair;
        this.setpoints = setpoints;
        this.copies = copies;
        this.random = random;
        this.out = out;
    }

    Result measure(int warmup, int changes) throws InterruptedException, TimeoutException {
        StateMirror mirror = pair.supervisor().mirror();
        Stats lag = new Stats();
        Stats write = new Stats();
        int missed = 0;
        int disturbed = 0;
        int differs = 0;
        StatusSampler.Summary status;
        try (StatusSampler sampler = new StatusSampler(mirror)) {
            for (int i = 0; i < warmup + changes; i++) {
                boolean counted = i >= warmup;
                if (counted && i == warmup) {
                    sampler.reset();
                }
                SimPair.await(
                        "the pair is protected",
                        Duration.ofSeconds(15),
                        () -> pair.status().state() == PairState.PROTECTED);
                String active = pair.status().activeId();
                String standby = SimPair.other(active);
                int switchovers = pair.status().switchovers();
                int raw = nextValue();
                // Changes do not come in step with the mirror: start each at a random phase of its period.
                LockSupport.parkNanos(random.nextLong(mirror.period().toNanos()));
                long start = System.nanoTime();
                if (!setpoints.write(active, raw)) {
                    out.println("  change " + i + ": the direct write to " + active + " failed");
                    missed += counted ? 1 : 0;
                    continue;
                }
                long written = System.nanoTime();
                Optional<MirrorCopies.Copy> copy = copies.await(standby, raw / 100.0, start, COPY_TIMEOUT);
                if (pair.status().switchovers() != switchovers) {
                    disturbed += counted ? 1 : 0;
                } else if (copy.isEmpty()) {
                    out.println("  change " + i + ": " + standby + " did not get " + raw + " within " + COPY_TIMEOUT);
                    missed += counted ? 1 : 0;
                } else if (counted) {
                    lag.add((copy.get().nanos() - start) / 1e6);
                    write.add((written - start) / 1e6);
                    if (setpoints.read(standby).orElse(-1) != raw) {
                        differs++;
                    }
                }
            }
            status = sampler.summary();
        }
        return new Result(lag, write, missed, disturbed, differs, status);
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
