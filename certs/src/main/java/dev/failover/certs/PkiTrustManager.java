package dev.failover.certs;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A TLS trust manager that accepts a peer only when its chain passes {@link CertificateVerifier}:
 * plant root as the only anchor, CRL revocation, and the TLS purpose (clientAuth for clients,
 * serverAuth for servers). A rejection is a {@link CertificateRejectedException} with the reason.
 *
 * <p>When the socket or engine has an endpoint identification algorithm set ({@link
 * TlsContexts#clientParameters(javax.net.ssl.SSLContext, boolean)}), a server's certificate must also
 * name the host connected to ({@link PeerNames}). Being an {@link X509ExtendedTrustManager}, it is used
 * by the JDK as is, with no hidden extra checks. Thread-safe.
 */
public final class PkiTrustManager extends X509ExtendedTrustManager {

    private final CertificateVerifier verifier;

    public PkiTrustManager(CertificateVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, Purpose.TLS_CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, Purpose.TLS_CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, Purpose.TLS_CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, Purpose.TLS_SERVER);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, Purpose.TLS_SERVER);
        if (socket instanceof SSLSocket sslSocket) {
            checkPeerName(chain, sslSocket.getSSLParameters(), sslSocket.getHandshakeSession());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, Purpose.TLS_SERVER);
        if (engine != null) {
            checkPeerName(chain, engine.getSSLParameters(), engine.getHandshakeSession());
        }
    }

    /** The plant root, announced to clients as the acceptable certificate authority. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[] {verifier.trustAnchor()};
    }

    private void check(X509Certificate[] chain, Purpose purpose) throws CertificateRejectedException {
        VerificationResult result = verifier.verify(chain == null ? List.of() : List.of(chain), purpose);
        if (result instanceof VerificationResult.Rejected rejected) {
            throw new CertificateRejectedException(rejected);
        }
    }

    private static void checkPeerName(X509Certificate[] chain, SSLParameters parameters, SSLSession session)
            throws CertificateRejectedException {
        if (parameters.getEndpointIdentificationAlgorithm() == null) {
            return;
        }
        String host = session == null ? null : session.getPeerHost();
        Optional<String> mismatch = PeerNames.mismatch(chain[0], host);
        if (mismatch.isPresent()) {
            throw new CertificateRejectedException(new VerificationResult.Rejected(
                    VerificationResult.Reason.NAME_MISMATCH, mismatch.get(), Optional.empty()));
        }
    }
}
