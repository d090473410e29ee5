package dev.failover.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The acknowledged prefix of the audit log moves only over records all acknowledged. */
class AckWindowTest {

    @Test
    void movesOnlyOverAContiguousRun() {
        AckWindow w = new AckWindow(10);
        w.ack(12);
        w.ack(13);
        assertThat(w.next()).as("11 and 10 not yet").isEqualTo(10);
        assertThat(w.acknowledged(12)).isTrue();
        assertThat(w.acknowledged(11)).isFalse();
        w.ack(10);
        assertThat(w.next()).isEqualTo(11);
        w.ack(11);
        assertThat(w.next()).as("11 closes the gap up to 13").isEqualTo(14);
        w.ack(5);
        assertThat(w.next()).as("an old acknowledgement changes nothing").isEqualTo(14);
    }

    @Test
    void aResetForgetsWhatWasAcknowledgedAbove() {
        AckWindow w = new AckWindow(100);
        w.ack(105);
        w.reset(0);
        assertThat(w.next()).isZero();
        assertThat(w.acknowledged(105)).isFalse();
        w.ack(0);
        assertThat(w.next()).isEqualTo(1);
    }
}
