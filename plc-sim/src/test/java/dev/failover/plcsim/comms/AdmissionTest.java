package dev.failover.plcsim.comms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The admission rules of issue 11, on a fake clock: who is refused, who is evicted, when a pending
 * connection is closed, and what is counted and logged. No sockets: a connection is its closer.
 */
class AdmissionTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();

    private Admission admission(int maxPending, int maxPendingPerSource, int maxAuthenticated) {
        return admission(TIMEOUT, maxPending, maxPendingPerSource, maxAuthenticated);
    }

    private Admission admission(Duration timeout, int maxPending, int maxPendingPerSource, int maxAuthenticated) {
        return new Admission(
                "Modbus/TCP Security",
                "TLS handshake",
                new Admission.Limits(timeout, maxPending, maxPendingPerSource, maxAuthenticated),
                scheduler,
                scheduler::nanoTime,
                warnings::add);
    }

    private Optional<Admission.Ticket> connect(Admission admission, int source, String name) {
        return admission.admit(address(source), () -> closed.add(name));
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSourceMayHoldOnlyItsShareOfPendingConnectionsAndTheRestIsRefusedAndCounted() {
        Admission admission = admission(16, 4, 16);

        for (int i = 1; i <= 4; i++) {
            assertThat(connect(admission, 2, "a" + i))
                    .as("connection %d from 10.0.0.2", i)
                    .isPresent();
        }

        assertThat(connect(admission, 2, "a5"))
                .as("the fifth from the same address")
                .isEmpty();
        assertThat(connect(admission, 1, "gateway")).as("another address").isPresent();
        assertThat(admission.counters()).isEqualTo(new Admission.Counters(1, 0, 0, 0));
        assertThat(admission.pending()).isEqualTo(5);
        assertThat(closed)
                .as("the admission closes no one it refused: the caller does, at once")
                .isEmpty();
    }

    @Test
    void aFullPoolMakesRoomForAnAddressHoldingFewerByClosingTheOldestOfTheAddressHoldingMost() {
        Admission admission = admission(4, 4, 16);
        for (int i = 1; i <= 4; i++) {
            connect(admission, 2, "a" + i).orElseThrow();
        }

        assertThat(connect(admission, 1, "g1")).isPresent();
        assertThat(connect(admission, 1, "g2")).isPresent();

        assertThat(closed).as("evicted, oldest first").containsExactly("a1", "a2");
        assertThat(connect(admission, 1, "g3"))
                .as("2 against 2: an eviction would only swap places")
                .isEmpty();
        assertThat(admission.counters()).isEqualTo(new Admission.Counters(1, 2, 0, 0));
        assertThat(admission.pending()).isEqualTo(4);
    }

    @Test
    void whenEveryPendingSlotBelongsToADifferentAddressANewcomerIsRefused() {
        Admission admission = admission(2, 1, 16);
        connect(admission, 2, "a").orElseThrow();
        connect(admission, 3, "b").orElseThrow();

        assertThat(connect(admission, 1, "g")).isEmpty();
        assertThat(closed).isEmpty();
    }

    @Test
    void anAuthenticatedConnectionFreesItsPendingSlotAndOutlivesTheDeadline() {
        Admission admission = admission(16, 1, 16);
        Admission.Ticket gateway = connect(admission, 1, "gateway").orElseThrow();

        assertThat(gateway.authenticated()).isTrue();
        scheduler.advance(TIMEOUT.multipliedBy(2));

        assertThat(closed).isEmpty();
        assertThat(admission.pending()).isZero();
        assertThat(admission.authenticated()).isEqualTo(1);
        assertThat(gateway.authenticated()).as("asked again: it keeps its slot").isTrue();
        assertThat(connect(admission, 1, "gateway-2"))
                .as("its address may start another handshake")
                .isPresent();
        assertThat(scheduler.waiting())
                .as("the authenticated one's deadline is cancelled")
                .isEqualTo(1);
    }

    @Test
    void authenticatedSlotsAreCountedApartAndAHandshakeThatFindsThemFullIsRefused() {
        Admission admission = admission(16, 4, 1);
        Admission.Ticket first = connect(admission, 1, "first").orElseThrow();
        Admission.Ticket second = connect(admission, 1, "second").orElseThrow();

        assertThat(first.authenticated()).isTrue();
        assertThat(second.authenticated()).isFalse();

        assertThat(admission.counters().refused()).isEqualTo(1);
        assertThat(admission.pending()).isZero();
        first.release();
        assertThat(admission.authenticated()).isZero();
        assertThat(connect(admission, 1, "third").orElseThrow().authenticated()).isTrue();
    }

    @Test
    void aWriterFindingEverySlotTakenDisplacesTheOldestReaderNeverAnotherWriter() {
        // Readers with plant certificates (an HMI, a historian) hold every authenticated slot.
        Admission admission = admission(16, 4, 2);
        Admission.Ticket oldReader = connect(admission, 1, "old reader").orElseThrow();
        Admission.Ticket newReader = connect(admission, 2, "new reader").orElseThrow();
        assertThat(oldReader.authenticated(false)).isTrue();
        assertThat(newReader.authenticated(false)).isTrue();

        Admission.Ticket gateway = connect(admission, 3, "gateway").orElseThrow();
        assertThat(gateway.authenticated(true)).as("the gateway gets in").isTrue();

        assertThat(closed).containsExactly("old reader");
        assertThat(admission.authenticated()).isEqualTo(2);
        assertThat(admission.counters().evicted()).isEqualTo(1);
        assertThat(warnings)
                .as("the first at once")
                .singleElement()
                .asString()
                .contains("an authenticated reader from 10.0.0.1, to admit a writer from 10.0.0.3");
        oldReader.release();
        assertThat(admission.authenticated())
                .as("its late release frees nothing twice")
                .isEqualTo(2);

        Admission.Ticket reader = connect(admission, 4, "reader").orElseThrow();
        assertThat(reader.authenticated(false)).as("a reader never displaces").isFalse();
        Admission.Ticket secondWriter = connect(admission, 5, "second writer").orElseThrow();
        assertThat(secondWriter.authenticated(true))
                .as("displaces the other reader")
                .isTrue();
        Admission.Ticket thirdWriter = connect(admission, 6, "third writer").orElseThrow();
        assertThat(thirdWriter.authenticated(true))
                .as("no reader left: writers are never displaced")
                .isFalse();
        assertThat(closed).containsExactly("old reader", "new reader");
    }

    @Test
    void theDeadlineClosesAPendingConnectionAndItIsCountedOnce() {
        Admission admission = admission(16, 4, 16);
        Admission.Ticket silent = connect(admission, 2, "silent").orElseThrow();

        scheduler.advance(TIMEOUT.minusMillis(1));
        assertThat(closed).isEmpty();
        scheduler.advance(Duration.ofMillis(1));

        assertThat(closed).containsExactly("silent");
        assertThat(admission.pending()).isZero();
        // The closed socket then fails the handshake on the connection's thread: not a second count.
        silent.failed("Socket closed");
        assertThat(silent.authenticated()).isFalse();
        silent.release();
        assertThat(admission.counters()).isEqualTo(new Admission.Counters(0, 0, 0, 1));
    }

    @Test
    void aReadTimeoutBeforeTheDeadlineCountsAsTimedOutNotFailed() {
        Admission admission = admission(16, 4, 16);
        Admission.Ticket slow = connect(admission, 2, "slow").orElseThrow();

        slow.timedOut();
        slow.failed("Read timed out");
        scheduler.advance(TIMEOUT);

        assertThat(admission.counters()).isEqualTo(new Admission.Counters(0, 0, 0, 1));
        assertThat(closed)
                .as("its own thread closes it; the deadline no longer applies")
                .isEmpty();
    }

    @Test
    void aFailedHandshakeIsCountedOnceAndCancelsItsDeadline() {
        Admission admission = admission(16, 4, 16);
        Admission.Ticket unknownCa = connect(admission, 3, "unknown-ca").orElseThrow();

        unknownCa.failed("PKIX path building failed");
        unknownCa.failed("again");
        scheduler.advance(TIMEOUT);

        assertThat(admission.counters()).isEqualTo(new Admission.Counters(0, 0, 1, 0));
        assertThat(closed).as("the deadline no longer applies").isEmpty();
        assertThat(scheduler.waiting()).isZero();
    }

    @Test
    void aConnectionThatEndsWhilePendingFreesItsSlotAndCountsNothing() {
        Admission admission = admission(16, 1, 16);
        connect(admission, 2, "probe").orElseThrow().release();

        assertThat(connect(admission, 2, "next")).isPresent();
        assertThat(admission.counters()).isEqualTo(Admission.Counters.NONE);
    }

    @Test
    void warningsAreOneSummaryASecondPerKindWithTheirCounts() {
        // A deadline beyond the test: only refusals and the one failure are logged.
        Admission admission = admission(Duration.ofSeconds(60), 16, 1, 16);
        connect(admission, 2, "held").orElseThrow();

        for (int i = 0; i < 10; i++) {
            connect(admission, 2, "refused-" + i);
        }
        assertThat(warnings)
                .as("the first at once")
                .singleElement()
                .asString()
                .contains("refused 1 connection ")
                .contains("1 since start")
                .contains("from 10.0.0.2");

        scheduler.advance(Duration.ofMillis(300));
        connect(admission, 3, "failing").orElseThrow().failed("no certificate");
        assertThat(warnings).as("another kind has its own second").hasSize(2);
        assertThat(warnings.get(1)).contains("whose TLS handshake failed").contains("no certificate");

        scheduler.advance(Duration.ofMillis(700));
        assertThat(warnings).as("the rest of the second, summed").hasSize(3);
        assertThat(warnings.get(2)).contains("refused 9 connections ").contains("10 since start");

        scheduler.advance(Duration.ofSeconds(5));
        assertThat(warnings).as("nothing new, nothing logged").hasSize(3);
    }

    @Test
    void limitsAreValidatedWithTheirNames() {
        assertThatThrownBy(() -> new Admission.Limits(Duration.ofMillis(5), 16, 4, 16))
                .hasMessage("handshakeTimeout must be 10 ms to 60 s, got PT0.005S");
        assertThatThrownBy(() -> new Admission.Limits(TIMEOUT, 4, 5, 16))
                .hasMessage("maxPendingPerSource must be 1 to maxPending (4), got 5");
    }
}
