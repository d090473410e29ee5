package dev.failover.gateway.link.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The mapping of server timestamps onto the gateway's ticker that judges a notification's age. */
class ServerClockTest {

    private static final long MS = 1_000_000;
    private static final long S = 1_000 * MS;

    /** The server's clock runs 5 s ahead of the ticker in these tests. */
    private static final long SERVER_AHEAD = 5 * S;

    private final ServerClock clock = new ServerClock(10 * S);

    @Test
    void beforeAnySampleNothingIsMapped() {
        assertThat(clock.toTicker(SERVER_AHEAD, 0)).isEmpty();
        assertThat(clock.sampledWithin(S, 0)).isFalse();
        assertThat(clock.uncertaintyNanos(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aServerTimestampMapsToTheMidpointOfTheRoundTrip() {
        // Sent at 100 ms, answered at 104 ms, stamped by the server at its 102 ms.
        clock.sample(100 * MS, 104 * MS, SERVER_AHEAD + 102 * MS);

        assertThat(clock.toTicker(SERVER_AHEAD + 150 * MS, 200 * MS)).hasValue(150 * MS);
        // Half the round trip plus the server's millisecond resolution.
        assertThat(clock.uncertaintyNanos(104 * MS)).isEqualTo(3 * MS);
    }

    @Test
    void aSampleWithAShorterRoundTripReplacesALongerOne() {
        clock.sample(0, 10 * MS, SERVER_AHEAD + 7 * MS);
        clock.sample(20 * MS, 22 * MS, SERVER_AHEAD + 21 * MS);

        assertThat(clock.toTicker(SERVER_AHEAD + 30 * MS, 30 * MS)).hasValue(30 * MS);
    }

    @Test
    void aSampleWithALongerRoundTripDoesNotReplaceAFreshShorterOne() {
        clock.sample(0, 2 * MS, SERVER_AHEAD + MS);
        clock.sample(10 * MS, 30 * MS, SERVER_AHEAD + 28 * MS);

        assertThat(clock.toTicker(SERVER_AHEAD + 40 * MS, 40 * MS)).hasValue(40 * MS);
    }

    /** The estimate's uncertainty grows as the clocks may drift, so a server clock step is absorbed. */
    @Test
    void anOldEstimateGivesWayToALaterLessPreciseOne() {
        clock.sample(0, MS, SERVER_AHEAD);
        long later = 3 * S;
        // The server clock stepped 50 ms forward since.
        clock.sample(later, later + 2 * MS, SERVER_AHEAD + 50 * MS + later + MS);

        assertThat(clock.toTicker(SERVER_AHEAD + 50 * MS + later + 10 * MS, later + 10 * MS))
                .hasValue(later + 10 * MS);
    }

    @Test
    void anEstimateOlderThanItsMaximumAgeIsNotUsed() {
        clock.sample(0, MS, SERVER_AHEAD);

        assertThat(clock.toTicker(SERVER_AHEAD + 9 * S, 9 * S)).isPresent();
        assertThat(clock.toTicker(SERVER_AHEAD + 11 * S, 11 * S)).isEmpty();
        assertThat(clock.sampledWithin(S, 2 * S)).isFalse();
        assertThat(clock.sampledWithin(S, S / 2)).isTrue();
    }
}
