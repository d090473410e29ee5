package dev.failover.plcsim.process;

import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A tank private to this JVM, shared by any number of controllers in it. Thread-safe: one lock
 * guards the whole tank. Use {@link dev.failover.plcsim.Plant#inMemory()}.
 */
public final class InMemoryPlant extends SharedTank {

    private final ReentrantLock lock = new ReentrantLock();
    private final HeapTankStore store;

    /** A new tank at 50 % whose integration reads time from {@code clock}. */
    public InMemoryPlant(Clock clock) {
        super(clock);
        this.store = new HeapTankStore(nowMicros());
    }

    @Override
    <T> T update(Function<TankStore, T> action) {
        lock.lock();
        try {
            return action.apply(store);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        // Nothing to release: the tank lives as long as a controller references it.
    }
}
