package dev.failover.certs;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate in the PKI's index: what was issued, to whom, for how long, and whether it was
 * revoked.
 *
 * @param serial the certificate's serial number (random, 128 bits, positive)
 * @param kind what it is for
 * @param name the subject's common name
 * @param role the role in its {@link RoleExtension}, if any
 * @param keyAlgorithm its key algorithm
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param revocation when and why it was revoked; empty while it is not
 */
public record CertificateRecord(
        BigInteger serial,
        CertificateKind kind,
        String name,
        Optional<String> role,
        KeyAlgorithm keyAlgorithm,
        Instant notBefore,
        Instant notAfter,
        Optional<Revocation> revocation) {

    /** The state of a certificate at one instant. */
    public enum Status {
        VALID,
        NOT_YET_VALID,
        EXPIRED,
        REVOKED
    }

    /**
     * A revocation.
     *
     * @param revokedAt when it was revoked (the CRL entry's revocation date)
     * @param reason why
     */
    public record Revocation(Instant revokedAt, RevocationReason reason) {
        public Revocation {
            Objects.requireNonNull(revokedAt, "revokedAt");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public CertificateRecord {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(revocation, "revocation");
    }

    /** The serial number in lower-case hexadecimal, as the CLI prints and accepts it. */
    public String serialHex() {
        return serial.toString(16);
    }

    /** Whether it has been revoked (it is on the next CRL published). */
    public boolean isRevoked() {
        return revocation.isPresent();
    }

    /** Its status at {@code now}: revocation first, then the validity window. */
    public Status status(Instant now) {
        if (isRevoked()) {
            return Status.REVOKED;
        }
        if (now.isBefore(notBefore)) {
            return Status.NOT_YET_VALID;
        }
        return now.isAfter(notAfter) ? Status.EXPIRED : Status.VALID;
    }

    CertificateRecord revoked(Instant at, RevocationReason reason) {
        return new CertificateRecord(
                serial, kind, name, role, keyAlgorithm, notBefore, notAfter, Optional.of(new Revocation(at, reason)));
    }
}
