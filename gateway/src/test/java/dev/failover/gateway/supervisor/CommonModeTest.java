package dev.failover.gateway.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.health.Observation;
import dev.failover.gateway.link.LinkError;
import dev.failover.gateway.link.LinkResult;
import dev.failover.gateway.link.RunStatus;
import dev.failover.gateway.link.RuntimeRole;
import dev.failover.gateway.link.StatusReading;
import org.junit.jupiter.api.Test;

/** Both controllers missing at once is the gateway's side, not a controller's fault (safety rule 10). */
class CommonModeTest {

    private static final long MS = 1_000_000;
    private final CommonMode commonMode = new CommonMode("plc-a", "plc-b", 35 * MS);

    private static Observation timeout(String id, long doneMillis) {
        return new Observation(id, (doneMillis - 15) * MS, doneMillis * MS, LinkResult.failed(LinkError.TIMEOUT, "t"));
    }

    private static Observation answer(String id, long doneMillis) {
        StatusReading r = new StatusReading(1, RunStatus.RUN, RuntimeRole.ACTIVE, true, true, 0);
        return new Observation(id, (doneMillis - 1) * MS, doneMillis * MS, LinkResult.ok(r, MS));
    }

    /** A timeout is a soft miss; an answer is not, unless its heartbeat did not advance ({@link #frozen}). */
    private CommonMode.Verdict judge(Observation o) {
        return commonMode.judge(
                o, o.result() instanceof LinkResult.Failed<StatusReading> f && f.error() == LinkError.TIMEOUT);
    }

    private CommonMode.Verdict frozen(String id, long doneMillis) {
        return commonMode.judge(answer(id, doneMillis), true);
    }

    @Test
    void heartbeatsThatStopOnBothControllersAtOnceAreCommonModeToo() {
        // Both controllers starved on one host: a failover could not help.
        assertThat(frozen("plc-a", 100).commonMode()).isFalse();
        CommonMode.Verdict both = frozen("plc-b", 110);
        assertThat(both.commonMode()).isTrue();
        assertThat(both.newEpisode()).isTrue();
        assertThat(judge(timeout("plc-a", 120)).commonMode()).isTrue();
    }

    @Test
    void aMissOfOneControllerAloneIsNotCommonMode() {
        assertThat(judge(timeout("plc-a", 100)).commonMode()).isFalse();
        assertThat(judge(answer("plc-b", 101)).commonMode()).isFalse();
        assertThat(judge(timeout("plc-a", 120)).commonMode()).isFalse();
    }

    @Test
    void missesOfBothWithinTheWindowAreCommonModeAnnouncedOncePerEpisode() {
        assertThat(judge(timeout("plc-a", 100)).commonMode()).isFalse();
        CommonMode.Verdict both = judge(timeout("plc-b", 110));
        assertThat(both.commonMode()).isTrue();
        assertThat(both.newEpisode()).isTrue();
        CommonMode.Verdict again = judge(timeout("plc-a", 120));
        assertThat(again.commonMode()).isTrue();
        assertThat(again.newEpisode()).isFalse();

        assertThat(judge(answer("plc-a", 140)).episodeEnded()).isFalse();
        assertThat(judge(answer("plc-b", 141)).episodeEnded()).isTrue();
        judge(timeout("plc-a", 200));
        assertThat(judge(timeout("plc-b", 205)).newEpisode()).isTrue();
    }

    @Test
    void missesFartherApartThanTheWindowAreNot() {
        judge(timeout("plc-a", 100));
        assertThat(judge(timeout("plc-b", 140)).commonMode()).isFalse();
    }

    @Test
    void aStallSoonAfterTheOtherControllerStalledIsCommonModeEvenIfItRecovered() {
        // A starved host: plc-b's scan stalls, recovers, and half a second later plc-a's stalls.
        frozen("plc-b", 100);
        judge(answer("plc-b", 120));
        assertThat(frozen("plc-a", 600).commonMode()).isTrue();
        assertThat(frozen("plc-a", 620).commonMode()).isTrue();
        assertThat(frozen("plc-a", 640).commonMode()).isTrue();
    }

    @Test
    void aStallLongAfterTheOtherControllersLastMissCountsAsEvidence() {
        frozen("plc-b", 100);
        judge(answer("plc-b", 120));
        assertThat(frozen("plc-a", 1_200).commonMode())
                .as("1.1 s later: plc-a's own")
                .isFalse();
    }

    @Test
    void aStallOfOneControllerAloneCountsAsEvidence() {
        judge(answer("plc-b", 90));
        assertThat(frozen("plc-a", 100).commonMode()).isFalse();
        assertThat(frozen("plc-a", 120).commonMode()).isFalse();
        assertThat(frozen("plc-a", 140).commonMode()).isFalse();
    }

    @Test
    void aTimeoutIsNotExcusedByAnEarlierStallOfTheOther() {
        frozen("plc-b", 100);
        judge(answer("plc-b", 120));
        assertThat(judge(timeout("plc-a", 600)).commonMode()).isFalse();
    }

    @Test
    void aRefusedConnectionIsHardEvidenceAndNeverCommonMode() {
        judge(timeout("plc-b", 100));
        Observation refused = new Observation(
                "plc-a", 95 * MS, 101 * MS, LinkResult.failed(LinkError.UNREACHABLE, "connection refused"));
        assertThat(judge(refused).commonMode()).isFalse();
    }
}
