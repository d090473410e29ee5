package dev.failover.certs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.util.IPAddress;

/**
 * Whether a server certificate names the host a client connected to: an IP literal must equal a SAN
 * iPAddress, a host name a SAN dNSName (case-insensitive, no wildcards: the plant PKI issues none).
 */
final class PeerNames {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private PeerNames() {}

    /** Why {@code certificate} does not match {@code host}, or empty when it does. */
    static Optional<String> mismatch(X509Certificate certificate, String host) {
        if (host == null || host.isEmpty()) {
            return Optional.of("the host connected to is unknown, so the certificate's name cannot be checked");
        }
        Collection<List<?>> altNames;
        try {
            altNames = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.of("its subjectAltName cannot be parsed: " + e.getMessage());
        }
        boolean ipLiteral = IPAddress.isValid(host);
        if (altNames != null) {
            for (List<?> altName : altNames) {
                int type = (Integer) altName.get(0);
                String value = String.valueOf(altName.get(1));
                if (ipLiteral && type == IP_ADDRESS && sameAddress(host, value)) {
                    return Optional.empty();
                }
                if (!ipLiteral
                        && type == DNS_NAME
                        && value.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(certificate.getSubjectX500Principal() + " has no subjectAltName "
                + (ipLiteral ? "IP address " : "DNS name ") + host);
    }

    private static boolean sameAddress(String literal, String other) {
        try {
            // Both are IP literals (checked above, or written by the JDK), so no name lookup happens.
            return IPAddress.isValid(other) && InetAddress.getByName(literal).equals(InetAddress.getByName(other));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
