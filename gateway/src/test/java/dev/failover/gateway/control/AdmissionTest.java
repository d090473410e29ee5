package dev.failover.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Admission to the control endpoint (issue 11): connections that have not authenticated can neither
 * hold the door nor take an authenticated operator's place.
 */
class AdmissionTest {

    private static final InetAddress HERE = InetAddress.getLoopbackAddress();
    private static final InetAddress OTHER = address(127, 0, 0, 2);

    private final Admission admission = new Admission(new Admission.Limits(4, 3, 2));
    private final AtomicInteger closed = new AtomicInteger();

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private Admission.Admitted admit(InetAddress from) {
        Admission.Admitted admitted = admission.admit(from, closed::incrementAndGet, () -> false);
        admitted.evicted().forEach(Admission.Ticket::evict);
        return admitted;
    }

    @Test
    void aSourceOverItsLimitLosesItsOldestSilentConnectionNotOneThatIsHandshaking() {
        Admission.Ticket handshaking = admit(HERE).ticket();
        admission.spoke(handshaking);
        Admission.Ticket silent = admit(HERE).ticket();
        admit(HERE);

        Admission.Admitted fourth = admit(HERE);

        assertThat(fourth.evicted()).containsExactly(silent);
        assertThat(admission.state(silent)).isEqualTo(Admission.State.EVICTED);
        assertThat(admission.state(handshaking)).isEqualTo(Admission.State.PENDING);
        assertThat(closed).hasValue(1);
        assertThat(admission.authenticate(silent)).isEqualTo(Admission.State.EVICTED);
    }

    @Test
    void whenAllAreHandshakingTheOldestGoes() {
        List<Admission.Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tickets.add(admit(HERE).ticket());
            admission.spoke(tickets.getLast());
        }

        assertThat(admit(HERE).evicted()).containsExactly(tickets.getFirst());
    }

    @Test
    void theTotalLimitEvictsFromTheCrowdedSourceNotTheLoneConnectionOfAnother() {
        Admission.Ticket lone = admit(OTHER).ticket();
        Admission.Ticket crowdOldest = admit(HERE).ticket();
        admit(HERE);
        admit(HERE);
        assertThat(admission.pending()).isEqualTo(4);

        Admission.Admitted fifth = admit(address(127, 0, 0, 3));

        assertThat(fifth.evicted()).containsExactly(crowdOldest);
        assertThat(admission.state(lone)).isEqualTo(Admission.State.PENDING);
        assertThat(admission.pending()).isEqualTo(4);
    }

    @Test
    void whenNoSourceIsCrowdedTheTotalLimitEvictsTheOldest() {
        Admission.Ticket first = admit(address(127, 0, 0, 10)).ticket();
        admit(address(127, 0, 0, 11));
        admit(address(127, 0, 0, 12));
        admit(address(127, 0, 0, 13));

        assertThat(admit(address(127, 0, 0, 14)).evicted()).containsExactly(first);
    }

    @Test
    void aConnectionWithBytesWaitingIsHandshakingEvenBeforeItsThreadReadThem() {
        // Under a flood the operator's ClientHello can sit in the socket before its thread runs.
        Admission.Admitted operator = admission.admit(HERE, closed::incrementAndGet, () -> true);
        Admission.Ticket silent = admit(HERE).ticket();
        admit(HERE);

        assertThat(admit(HERE).evicted()).containsExactly(silent);
        assertThat(admission.state(operator.ticket())).isEqualTo(Admission.State.PENDING);
    }

    @Test
    void authenticatedSlotsAreCountedApartAndAFloodOfPendingNeverTakesThem() {
        Admission.Ticket operator = admit(HERE).ticket();
        assertThat(admission.authenticate(operator)).isEqualTo(Admission.State.AUTHENTICATED);
        for (int i = 0; i < 100; i++) {
            admit(HERE);
        }
        Admission.Ticket second = admit(HERE).ticket();

        assertThat(admission.authenticate(second)).isEqualTo(Admission.State.AUTHENTICATED);
        assertThat(admission.authenticated()).isEqualTo(2);
        assertThat(admission.state(operator)).isEqualTo(Admission.State.AUTHENTICATED);

        Admission.Ticket third = admit(HERE).ticket();
        assertThat(admission.authenticate(third)).as("every slot taken").isEqualTo(Admission.State.RELEASED);

        admission.release(operator);
        Admission.Ticket fourth = admit(HERE).ticket();
        assertThat(admission.authenticate(fourth)).isEqualTo(Admission.State.AUTHENTICATED);
    }

    @Test
    void theDeadlineAndTheHandshakeDecideOnceWhicheverComesFirst() {
        Admission.Ticket late = admit(HERE).ticket();
        assertThat(admission.expire(late)).isTrue();
        assertThat(admission.authenticate(late)).isEqualTo(Admission.State.TIMED_OUT);

        Admission.Ticket onTime = admit(HERE).ticket();
        assertThat(admission.authenticate(onTime)).isEqualTo(Admission.State.AUTHENTICATED);
        assertThat(admission.expire(onTime)).isFalse();
        assertThat(admission.pending()).isZero();

        admission.release(onTime);
        admission.release(onTime);
        assertThat(admission.authenticated()).isZero();
    }
}
