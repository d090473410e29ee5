package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.health.Observation;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A heartbeat no scan can produce, between two answered polls (issue 13, part C). */
class HeartbeatWatchTest {

    private final HeartbeatWatch watch = new HeartbeatWatch();

    private Optional<HeartbeatWatch.Irregular> poll(long atMillis, int heartbeat) {
        StatusReading reading = new StatusReading(heartbeat, RunStatus.RUN, RuntimeRole.ACTIVE, true, true, 0);
        return watch.observe(new Observation(
                "plc-a", atMillis * 1_000_000 - 1_000_000, atMillis * 1_000_000, LinkResult.ok(reading, 100_000)));
    }

    @Test
    void aNormalHeartbeatAndItsWrapAreRegular() {
        assertThat(poll(0, 65_530)).isEmpty();
        assertThat(poll(20, 65_532)).isEmpty();
        assertThat(poll(40, 2)).as("wraps at 65535").isEmpty();
        assertThat(poll(60, 4)).isEmpty();
        assertThat(poll(1_060, 104)).as("a poll a second late: 100 scans").isEmpty();
    }

    @Test
    void aHeartbeatThatRunsBackwardsWhileAnsweringIsIrregularOncePerMinute() {
        poll(0, 5_000);
        assertThat(poll(20, 4_000)).hasValueSatisfying(i -> {
            assertThat(i.kind()).isEqualTo("BACKWARDS");
            assertThat(i.from()).isEqualTo(5_000);
            assertThat(i.to()).isEqualTo(4_000);
        });
        poll(40, 4_002);
        assertThat(poll(60, 3_000)).as("quiet for a minute").isEmpty();
        poll(61_000, 9_000);
        assertThat(poll(61_020, 8_000)).isPresent();
    }

    @Test
    void aJumpNoScanCanMakeIsIrregular() {
        poll(0, 100);
        assertThat(poll(20, 20_000))
                .hasValueSatisfying(i -> assertThat(i.kind()).isEqualTo("JUMP"));
    }

    @Test
    void aRestartSeenAsAnUnansweredPollIsNot() {
        poll(0, 5_000);
        watch.observe(
                new Observation("plc-a", 19_000_000, 20_000_000, LinkResult.failed(LinkError.TIMEOUT, "no answer")));
        assertThat(poll(40, 3)).isEmpty();
    }
}
