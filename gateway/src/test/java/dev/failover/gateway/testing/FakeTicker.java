package dev.failover.gateway.testing;

import dev.failover.gateway.Ticker;
import java.time.Duration;

/** A ticker tests advance by hand. */
public final class FakeTicker implements Ticker {

    private long nanos = 1_000_000_000L;

    @Override
    public synchronized long nanos() {
        return nanos;
    }

    public synchronized void advance(Duration d) {
        nanos += d.toNanos();
    }
}
