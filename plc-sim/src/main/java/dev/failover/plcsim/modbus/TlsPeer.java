package dev.failover.plcsim.modbus;

import dev.failover.certs.RoleExtension;
import dev.failover.certs.Thumbprints;
import dev.failover.certs.TlsContexts;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticated client of one TLS connection: the subject of its certificate and the role from
 * its role extension. Immutable and thread-safe.
 *
 * @param subject the client certificate's subject, for logs
 * @param role the role extension's value; empty when the certificate has none (or a malformed one)
 */
record TlsPeer(String subject, Optional<String> role, String thumbprint) {

    private static final Logger log = LoggerFactory.getLogger(TlsPeer.class);

    /**
     * Runs the TLS handshake on {@code socket} and reads the client's identity from the session.
     * Chain, validity and revocation are checked by the server context's trust manager during the
     * handshake; a client without a certificate cannot complete it (client auth is required).
     *
     * @param timeout bound for the handshake, so that a silent or plain-TCP client cannot hold a
     *     connection slot; the socket's previous read timeout is restored afterwards
     * @throws IOException if the handshake fails or the peer presented no X.509 certificate
     */
    static TlsPeer handshake(SSLSocket socket, Duration timeout) throws IOException {
        int readTimeout = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        socket.startHandshake();
        socket.setSoTimeout(readTimeout);
        X509Certificate leaf = TlsContexts.peerCertificate(socket.getSession());
        String subject = leaf.getSubjectX500Principal().getName();
        return new TlsPeer(subject, role(leaf, subject), Thumbprints.sha256(leaf));
    }

    private static Optional<String> role(X509Certificate leaf, String subject) {
        try {
            return RoleExtension.read(leaf);
        } catch (IllegalArgumentException e) {
            // A malformed role grants nothing: the client is treated as having no role.
            log.warn("Ignoring the role extension of {}: {}", subject, e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code role} or {@code <none>}, for logs. */
    String roleText() {
        return role.orElse("<none>");
    }
}
