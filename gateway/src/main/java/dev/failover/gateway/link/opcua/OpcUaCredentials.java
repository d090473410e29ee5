package dev.failover.gateway.link.opcua;

import dev.failover.certs.Identity;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the gateway needs to speak OPC UA securely: its application instance certificate, the X.509
 * user it logs on to controllers with, and the plant PKI it validates servers against.
 *
 * @param application the gateway's OPC UA application identity: an RSA-2048 certificate whose SAN URI
 *     is its application URI, the key, and the chain up to the root
 * @param user the X.509 user for controllers (role {@code gateway}, RSA-2048); {@code null} when the
 *     gateway reaches no controller over OPC UA
 * @param root the plant's root CA: the only trust anchor
 * @param issuers the intermediate CAs (the issuing CA)
 * @param crls the CRL of every CA of the plant; Milo's revocation check needs one per CA
 */
public record OpcUaCredentials(
        Identity application, Identity user, X509Certificate root, List<X509Certificate> issuers, List<X509CRL> crls) {

    public OpcUaCredentials {
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(root, "root");
        issuers = List.copyOf(issuers);
        crls = List.copyOf(crls);
    }
}
