package dev.failover.gateway.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.plcsim.Plant;
import dev.failover.plcsim.RelayBox;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The bench's fence against plc-sim's relay box: confirmed by the feedback contact, never executed late. */
class SimFenceIT {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void cutAndRestoreAreConfirmedByTheRelaysFeedback() throws Exception {
        try (Plant plant = Plant.inMemory();
                RelayBox box = RelayBox.start(plant, "127.0.0.1", 0)) {
            SimFence fence = new SimFence("plc-a", "plc-a", "127.0.0.1", box.port(), TIMEOUT, Clock.systemUTC());

            assertThat(((LinkResult.Ok<Boolean>) fence.cut()).value()).isFalse();
            assertThat(plant.outputEnabled("plc-a")).isFalse();
            assertThat(((LinkResult.Ok<Boolean>) fence.outputsEnabled()).value())
                    .isFalse();

            assertThat(((LinkResult.Ok<Boolean>) fence.restore()).value()).isTrue();
            assertThat(plant.outputEnabled("plc-a")).isTrue();
        }
    }

    @Test
    void aCommandThatArrivesAfterItsDeadlineIsRefusedAndChangesNothing() throws Exception {
        // Safety rule 8: a cut the gateway gave up on must never happen later. A gateway clock 10 s behind
        // the box's makes every deadline already past when the command arrives.
        Clock behind = Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofSeconds(-10));
        try (Plant plant = Plant.inMemory();
                RelayBox box = RelayBox.start(plant, "127.0.0.1", 0)) {
            SimFence fence = new SimFence("plc-a", "plc-a", "127.0.0.1", box.port(), TIMEOUT, behind);

            LinkResult<Boolean> cut = fence.cut();

            assertThat(cut).isInstanceOf(LinkResult.Failed.class);
            assertThat(((LinkResult.Failed<Boolean>) cut).error()).isEqualTo(LinkError.REJECTED);
            assertThat(((LinkResult.Failed<Boolean>) cut).detail()).contains("stale");
            assertThat(plant.outputEnabled("plc-a")).isTrue();
        }
    }

    @Test
    void anUnreachableRelayBoxIsReportedUnreachable() {
        SimFence fence = new SimFence("plc-a", "plc-a", "127.0.0.1", 1, TIMEOUT, Clock.systemUTC());

        LinkResult<Boolean> cut = fence.cut();

        assertThat(cut).isInstanceOf(LinkResult.Failed.class);
        assertThat(((LinkResult.Failed<Boolean>) cut).error()).isEqualTo(LinkError.UNREACHABLE);
    }
}
