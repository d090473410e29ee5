package dev.failover.gateway.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartnerViewTest {

    @Test
    void flagsBitFourSaysThereIsAPartnerLinkAndBitThreeThatThePartnerIsAliveOnIt() {
        assertThat(PartnerView.fromFlags(0b00011)).isEqualTo(PartnerView.NONE);
        assertThat(PartnerView.fromFlags(0b01011))
                .as("alive without a link is no view")
                .isEqualTo(PartnerView.NONE);
        assertThat(PartnerView.fromFlags(0b11011)).isEqualTo(PartnerView.ALIVE);
        assertThat(PartnerView.fromFlags(0b10011)).isEqualTo(PartnerView.LOST);
    }

    @Test
    void theStatusBlockCarriesThePartnersViewBesideTheOtherFlags() {
        StatusReading reading = StatusReading.decode(7, 1, 1, 0b11010, 0);

        assertThat(reading)
                .isEqualTo(new StatusReading(7, RunStatus.RUN, RuntimeRole.ACTIVE, false, true, 0, PartnerView.ALIVE));
    }
}
