package dev.failover.certs;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.CRLReason;

/**
 * Why a certificate was revoked: the RFC 5280 §5.3.1 reason codes a plant needs. {@code
 * certificateHold} is left out on purpose: a revocation here is final.
 */
public enum RevocationReason {
    UNSPECIFIED("unspecified", CRLReason.unspecified),
    KEY_COMPROMISE("keyCompromise", CRLReason.keyCompromise),
    CA_COMPROMISE("cACompromise", CRLReason.cACompromise),
    AFFILIATION_CHANGED("affiliationChanged", CRLReason.affiliationChanged),
    SUPERSEDED("superseded", CRLReason.superseded),
    CESSATION_OF_OPERATION("cessationOfOperation", CRLReason.cessationOfOperation),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", CRLReason.privilegeWithdrawn);

    private final String rfcName;
    private final int code;

    RevocationReason(String rfcName, int code) {
        this.rfcName = rfcName;
        this.code = code;
    }

    /** The RFC 5280 name, e.g. {@code keyCompromise}; what the CLI accepts. */
    public String rfcName() {
        return rfcName;
    }

    /** The CRLReason code written in the CRL entry. */
    public int code() {
        return code;
    }

    /**
     * The reason named {@code text}: its RFC name or constant name, any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static RevocationReason parse(String text) {
        for (RevocationReason reason : values()) {
            if (reason.rfcName.equalsIgnoreCase(text) || reason.name().equalsIgnoreCase(text)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown revocation reason '" + text + "': use one of "
                + Arrays.stream(values()).map(RevocationReason::rfcName).collect(Collectors.joining(", ")));
    }
}
