package dev.failover.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.gateway.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The pause detector (safety rule 10). A process cannot stop itself for a test, so the pause is a jump
 * of the detector's ticker: to the detector, exactly what a SIGSTOP or a long GC looks like.
 */
class PauseDetectorTest {

    /**
     * Far above what a loaded test machine stalls a thread for, so that the quiet intervals are quiet;
     * the detector still ticks every 5 ms.
     */
    private static final Duration TOLERANCE = Duration.ofMillis(50);

    private final AtomicLong jump = new AtomicLong();
    private final Ticker ticker = () -> System.nanoTime() + jump.get();

    @Test
    void aQuietIntervalRanThroughAndAnIntervalOverlappingAPauseDidNot() {
        try (PauseDetector detector = PauseDetector.start(ticker, TOLERANCE)) {
            long quietFrom = ticker.nanos();
            await().atMost(Duration.ofSeconds(5)).until(() -> detector.figures().ticks() > 20);
            long quietTo = ticker.nanos();
            assertThat(detector.ranThrough(quietFrom, quietTo)).isTrue();

            // A few more ticks first: the tick that spans the jump must begin after the quiet interval.
            long ticksNow = detector.figures().ticks();
            await().atMost(Duration.ofSeconds(5)).until(() -> detector.figures().ticks() > ticksNow + 3);
            long before = ticker.nanos();
            jump.addAndGet(500_000_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> detector.figures().pauses() > 0);
            long after = ticker.nanos();

            assertThat(detector.ranThrough(before, after)).isFalse();
            assertThat(detector.ranThrough(quietFrom, quietTo)).isTrue();
            assertThat(detector.figures().maxMillis()).isGreaterThanOrEqualTo(490);
        }
    }

    @Test
    void anIntervalTheDetectorHasNotSeenYetIsWaitedForThenJudged() {
        try (PauseDetector detector = PauseDetector.start(ticker, TOLERANCE)) {
            long from = ticker.nanos();
            long to = from + 3_000_000;

            assertThat(detector.ranThrough(from, to)).isTrue();
        }
    }

    @Test
    void aClosedDetectorCannotVouchForAnything() {
        PauseDetector detector = PauseDetector.start(ticker, TOLERANCE);
        detector.close();
        long now = ticker.nanos();
        assertThat(detector.ranThrough(now, now + 10_000_000)).isFalse();
    }

    @Test
    void aGarbageCollectionTheJvmReportsIsAPauseAtTheTimeItRan() {
        // Tolerance zero: every collection the JVM reports counts, so System.gc() makes one.
        try (PauseDetector detector = PauseDetector.start(ticker, Duration.ZERO)) {
            long before = ticker.nanos();
            System.gc();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> detector.figures().gcPauses() > 0);
            long after = ticker.nanos();

            assertThat(detector.ranThrough(before, after)).isFalse();
        }
    }
}
