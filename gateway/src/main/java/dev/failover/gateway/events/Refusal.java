package dev.failover.gateway.events;

/** An event of a refusal at one of the gateway's doors, with its reason code (docs/security.md). */
public sealed interface Refusal
        permits SecurityDetail.ControlRefused,
                SecurityDetail.ScadaSessionRefused,
                SecurityDetail.ScadaClientRejected,
                CommandDetail.CommandRejected {

    /** The reason code. */
    String reason();

    /** This refusal as an event detail: every refusal is one. */
    default EventDetail detail() {
        return (EventDetail) this;
    }
}
