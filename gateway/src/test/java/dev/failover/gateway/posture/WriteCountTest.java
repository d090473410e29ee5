package dev.failover.gateway.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.events.SecurityDetail;
import dev.failover.gateway.link.WriteTally;
import org.junit.jupiter.api.Test;

/**
 * A controller's write counter against the gateway's own write requests (issue 13, part C): writes
 * beyond what the gateway may have caused are someone else's, and nothing the gateway did (a write in
 * flight at the read, one that timed out but was executed) is ever reported as someone else's.
 */
class WriteCountTest {

    private static final String A = "plc-a";

    private final WriteCount count = new WriteCount();

    private static WriteTally tally(long attempted, long succeeded, long refused) {
        return new WriteTally(attempted, succeeded, refused);
    }

    @Test
    void theFirstCheckOnlyAnchorsAndWritesTheGatewayMadeAreExplained() {
        assertThat(count.check(A, tally(5, 5, 0), 100, tally(5, 5, 0))).isEmpty();
        assertThat(count.check(A, tally(8, 8, 0), 103, tally(8, 8, 0))).isEmpty();
    }

    @Test
    void writesBeyondTheGatewaysAreSomeoneElsesEvenWhenTheGatewayWroteLast() {
        count.check(A, tally(5, 5, 0), 100, tally(5, 5, 0));

        assertThat(count.check(A, tally(6, 6, 0), 103, tally(6, 6, 0)))
                .contains(new SecurityDetail.UnexplainedWrites(2, 3, 1));
        assertThat(count.check(A, tally(6, 6, 0), 103, tally(6, 6, 0)))
                .as("reported once: the next check starts from there")
                .isEmpty();
    }

    @Test
    void aWriteInFlightAtTheReadOrTimedOutIsAllowedForButARefusedOneIsNot() {
        // One write sent, not yet answered, when the counter is read.
        count.check(A, tally(1, 0, 0), 10, tally(1, 0, 0));
        assertThat(count.check(A, tally(1, 1, 0), 11, tally(1, 1, 0)))
                .as("it landed after the read")
                .isEmpty();

        // One write timed out (the controller may have executed it later), one was refused.
        count.check(A, tally(3, 1, 1), 11, tally(3, 1, 1));
        assertThat(count.check(A, tally(3, 1, 1), 12, tally(3, 1, 1)))
                .as("the timed-out one may be what the controller counted")
                .isEmpty();
        assertThat(count.check(A, tally(4, 1, 2), 13, tally(4, 1, 2)))
                .as("a refused write was not executed: the count is someone else's")
                .contains(new SecurityDetail.UnexplainedWrites(1, 3, 2));
    }

    @Test
    void aCounterThatWentDownOrIsUnknownStartsAgain() {
        count.check(A, tally(0, 0, 0), 500, tally(0, 0, 0));
        assertThat(count.check(A, tally(0, 0, 0), 2, tally(0, 0, 0)))
                .as("restarted")
                .isEmpty();
        assertThat(count.check(A, tally(0, 0, 0), 4, tally(0, 0, 0)))
                .contains(new SecurityDetail.UnexplainedWrites(2, 2, 0));
        assertThat(count.check(A, WriteTally.NONE, 9, WriteTally.NONE)).isEmpty();
        assertThat(count.check(A, tally(0, 0, 0), -1, tally(0, 0, 0))).isEmpty();
        assertThat(count.check(A, tally(0, 0, 0), 9, tally(0, 0, 0)))
                .as("anchored again")
                .isEmpty();
    }
}
