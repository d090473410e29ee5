package dev.failover.certs;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads names from a certificate's subjectAltName extension. */
public final class SubjectAltNames {

    private static final int URI = 6;

    private SubjectAltNames() {}

    /**
     * The first uniformResourceIdentifier name (an OPC UA application URI), or empty when there is none
     * or the extension cannot be parsed.
     */
    public static Optional<String> uri(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        return names.stream()
                .filter(name -> Integer.valueOf(URI).equals(name.get(0)))
                .map(name -> String.valueOf(name.get(1)))
                .findFirst();
    }
}
