package dev.failover.gateway;

/**
 * A monotonic time source in nanoseconds, injected wherever durations are measured so that tests
 * can advance time instead of sleeping. Only differences between two readings are meaningful.
 */
@FunctionalInterface
public interface Ticker {

    long nanos();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
