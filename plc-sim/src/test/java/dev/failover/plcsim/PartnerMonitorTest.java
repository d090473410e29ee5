package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The partner judgement with time driven by hand: no scan thread, no sleeping. */
class PartnerMonitorTest {

    private static final long MS = 1_000_000;

    private final PartnerMonitor monitor = new PartnerMonitor(Duration.ofMillis(60));

    private static Optional<PartnerSign> sign(String name, int heartbeat) {
        return Optional.of(new PartnerSign(name, OptionalInt.of(heartbeat)));
    }

    /** Brings the monitor to a partner B whose heartbeat was last seen changing at {@code atMs}. */
    private void aliveAt(long atMs) {
        monitor.scan(sign("B", 1), (atMs - 10) * MS);
        monitor.scan(sign("B", 2), atMs * MS);
        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);
    }

    @Test
    void aPartnerIsAliveOnlyOnceItsHeartbeatIsSeenChanging() {
        monitor.scan(sign("B", 7), 0);
        assertThat(monitor.status())
                .as("one reading proves nothing: a dead partner's frozen heartbeat reads the same")
                .isEqualTo(PartnerStatus.LOST);
        assertThat(monitor.ageMillis()).isEqualTo(PartnerMonitor.AGE_UNKNOWN);

        monitor.scan(sign("B", 8), 10 * MS);
        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);
        assertThat(monitor.ageMillis()).isZero();

        monitor.scan(sign("B", 8), 25 * MS);
        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);
        assertThat(monitor.ageMillis()).isEqualTo(15);
    }

    @Test
    void theTimeoutAloneDoesNotMakeThePartnerLostBeforeFiveOwnScans() {
        aliveAt(0);

        // A controller descheduled for seconds wakes: its first scans are long past the timeout.
        for (int scan = 1; scan < PartnerMonitor.MIN_SCANS; scan++) {
            monitor.scan(sign("B", 2), scan * 1000 * MS);
            assertThat(monitor.status()).as("scan %d after the change", scan).isEqualTo(PartnerStatus.ALIVE);
        }
        monitor.scan(sign("B", 2), 5000 * MS);

        assertThat(monitor.status()).isEqualTo(PartnerStatus.LOST);
        assertThat(monitor.ageMillis()).isEqualTo(5000);
    }

    @Test
    void fiveScansAloneDoNotMakeThePartnerLostBeforeTheTimeout() {
        aliveAt(0);
        for (int ms = 1; ms < 60; ms++) {
            monitor.scan(sign("B", 2), ms * MS);
            assertThat(monitor.status()).as("%d ms after the change", ms).isEqualTo(PartnerStatus.ALIVE);
        }

        monitor.scan(sign("B", 2), 60 * MS);

        assertThat(monitor.status()).as("at the timeout, not after it").isEqualTo(PartnerStatus.LOST);
        assertThat(monitor.ageMillis()).isEqualTo(60);
    }

    @Test
    void aWakingControllerWhosePartnerScansAgainKeepsItAlive() {
        aliveAt(0);
        monitor.scan(sign("B", 2), 10_000 * MS);
        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);

        monitor.scan(sign("B", 3), 10_010 * MS);

        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);
        assertThat(monitor.ageMillis()).isZero();
    }

    @Test
    void aLostPartnerWhoseHeartbeatMovesAgainIsAliveAtOnce() {
        aliveAt(0);
        for (int scan = 1; scan <= PartnerMonitor.MIN_SCANS; scan++) {
            monitor.scan(sign("B", 2), scan * 100 * MS);
        }
        assertThat(monitor.status()).isEqualTo(PartnerStatus.LOST);

        monitor.scan(sign("B", 0), 600 * MS);

        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);
    }

    @Test
    void theAgeSaturatesAt65535() {
        aliveAt(0);

        monitor.scan(sign("B", 2), 70_000 * MS);

        assertThat(monitor.ageMillis()).isEqualTo(0xFFFF);
    }

    @Test
    void aPartnerThatNeverPublishedIsLostWithUnknownAgeUntilItDoes() {
        Optional<PartnerSign> silent = Optional.of(new PartnerSign("B", OptionalInt.empty()));
        monitor.scan(silent, 0);
        monitor.scan(silent, 100 * MS);
        assertThat(monitor.status()).isEqualTo(PartnerStatus.LOST);
        assertThat(monitor.ageMillis()).isEqualTo(PartnerMonitor.AGE_UNKNOWN);

        monitor.scan(sign("B", 0), 110 * MS);

        assertThat(monitor.status()).as("heartbeat 0 is a first life sign").isEqualTo(PartnerStatus.ALIVE);
        assertThat(monitor.ageMillis()).isZero();
    }

    @Test
    void withoutAPartnerThereIsNoLink() {
        monitor.scan(Optional.empty(), 0);
        monitor.scanWithoutNews(10 * MS);

        assertThat(monitor.status()).isEqualTo(PartnerStatus.NONE);
        assertThat(monitor.ageMillis()).isEqualTo(PartnerMonitor.AGE_UNKNOWN);
    }

    @Test
    void scansWithoutNewsSeeThePartnerFrozen() {
        aliveAt(0);
        for (int scan = 1; scan < PartnerMonitor.MIN_SCANS; scan++) {
            monitor.scanWithoutNews(scan * 100 * MS);
        }
        assertThat(monitor.status()).isEqualTo(PartnerStatus.ALIVE);

        monitor.scanWithoutNews(500 * MS);

        assertThat(monitor.status()).isEqualTo(PartnerStatus.LOST);
        assertThat(monitor.ageMillis()).isEqualTo(500);
        monitor.scan(sign("B", 9), 510 * MS);
        assertThat(monitor.status()).as("news again").isEqualTo(PartnerStatus.ALIVE);
    }

    @Test
    void anotherPartnerIsNotAliveUntilItsOwnHeartbeatIsSeenChanging() {
        aliveAt(0);

        monitor.scan(sign("C", 3), 10 * MS);

        assertThat(monitor.status())
                .as("C's heartbeat differs from B's, but that is no change of C's")
                .isEqualTo(PartnerStatus.LOST);
        assertThat(monitor.ageMillis()).isEqualTo(PartnerMonitor.AGE_UNKNOWN);
    }

    @Test
    void resetForgetsThePartner() {
        aliveAt(0);

        monitor.reset();

        assertThat(monitor.status()).isEqualTo(PartnerStatus.NONE);
        monitor.scan(sign("B", 2), 10 * MS);
        assertThat(monitor.status())
                .as("a restarted controller has not yet seen B change")
                .isEqualTo(PartnerStatus.LOST);
    }
}
