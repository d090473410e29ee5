package dev.failover.gateway.posture;

/**
 * One thing a posture check found, named by its field so that two findings can be compared.
 *
 * @param field what was looked at, e.g. {@code tls}, {@code cipherSuites}, {@code plainModbus},
 *     {@code certificate.issuer}, {@code identity.firmware}
 * @param kind what kind of finding it is
 * @param detail in words, with the values
 */
public record Finding(String field, Kind kind, String detail) {

    /** What a finding means for the pair. */
    public enum Kind {
        /** The controller does not meet the baseline. */
        VIOLATION,
        /** The standby offers something weaker than the active. */
        WEAKER,
        /** The standby differs from the active where they must be alike. */
        DIFFERENT,
        /** Worth knowing, not a reason to refuse (a certificate close to expiry). */
        WARNING
    }

    /** Whether it makes the controller unfit as a planned switchover's target. */
    public boolean blocking() {
        return kind != Kind.WARNING;
    }

    @Override
    public String toString() {
        return field + ": " + detail;
    }
}
