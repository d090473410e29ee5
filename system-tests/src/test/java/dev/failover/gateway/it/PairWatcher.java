package dev.failover.gateway.it;

import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimSnapshot;
import dev.failover.plcsim.SimulatedPlc;
import dev.failover.testkit.SimPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Samples both simulated controllers about every half millisecond and records every instant at
 * which both were active in the process sense: role ACTIVE with outputs enabled, or driving.
 */
final class PairWatcher implements AutoCloseable {

    private final Function<String, SimulatedPlc> plcs;
    private final Thread thread;
    private final List<String> violations = new ArrayList<>();
    private volatile boolean running = true;
    private long samples;

    PairWatcher(SimPair pair) {
        this(pair::plc);
    }

    /** Watches the controllers {@link SimPair#A} and {@link SimPair#B} that {@code plcs} returns. */
    PairWatcher(Function<String, SimulatedPlc> plcs) {
        this.plcs = plcs;
        this.thread = Thread.ofPlatform().name("pair-watcher").daemon(true).start(this::loop);
    }

    private static boolean activeWithOutputs(SimSnapshot s) {
        return s.role() == Role.ACTIVE && s.outputEnable();
    }

    private void loop() {
        while (running) {
            SimSnapshot a = plcs.apply(SimPair.A).snapshot();
            SimSnapshot b = plcs.apply(SimPair.B).snapshot();
            synchronized (this) {
                samples++;
                if ((activeWithOutputs(a) && activeWithOutputs(b)) || (a.driving() && b.driving())) {
                    violations.add(a + " / " + b);
                }
            }
            // Pacing of the sampler (about 2,000 samples a second), not synchronisation.
            LockSupport.parkNanos(500_000);
        }
    }

    synchronized long samples() {
        return samples;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1000);
    }
}
