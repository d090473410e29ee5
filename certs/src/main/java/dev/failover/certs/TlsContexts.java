package dev.failover.certs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * TLS 1.3/1.2 with mutual authentication under the plant PKI, as Modbus/TCP Security and the gateway's
 * command endpoint need it: our identity from a PKCS#12 key store, the plant root as the only trust
 * anchor, revocation from the CRLs ({@link PkiTrustManager}).
 *
 * <p>An {@link SSLContext} cannot carry "client authentication required" or the protocol list, so
 * sockets must be configured with {@link #serverParameters} or {@link #clientParameters}; the socket
 * helpers here do that. A server always requires a client certificate. Sessions are resumable for
 * {@link #SESSION_TIMEOUT} only, which bounds how long a peer revoked since its full handshake can
 * resume; existing connections are not re-checked when the CRL changes. Stateless and thread-safe.
 */
public final class TlsContexts {

    /** The protocols enabled, preferred first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** How long a TLS session may be resumed without a full handshake (and a fresh certificate check). */
    public static final Duration SESSION_TIMEOUT = Duration.ofMinutes(5);

    private TlsContexts() {}

    /**
     * A context presenting {@code identity} and trusting what {@code verifier} accepts, for either side.
     *
     * @throws PkiException {@code CRYPTO} when the JDK cannot build a TLS context
     */
    public static SSLContext create(Identity identity, CertificateVerifier verifier) throws PkiException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    new KeyManager[] {new SingleIdentityKeyManager(identity)},
                    new TrustManager[] {new PkiTrustManager(verifier)},
                    new SecureRandom());
            int seconds = (int) SESSION_TIMEOUT.toSeconds();
            context.getServerSessionContext().setSessionTimeout(seconds);
            context.getClientSessionContext().setSessionTimeout(seconds);
            return context;
        } catch (GeneralSecurityException e) {
            throw new PkiException(PkiException.Reason.CRYPTO, "cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * A context presenting the identity in the PKCS#12 {@code keyStore}.
     *
     * @throws PkiException naming the key store when it is missing, its password wrong, or it does not
     *     hold exactly one private key
     */
    public static SSLContext create(Path keyStore, char[] password, CertificateVerifier verifier) throws PkiException {
        return create(Keystores.loadIdentity(keyStore, password), verifier);
    }

    /** Parameters for a server: {@link #PROTOCOLS}, client certificate required. */
    public static SSLParameters serverParameters(SSLContext context) {
        SSLParameters parameters = withProtocols(context);
        parameters.setNeedClientAuth(true);
        return parameters;
    }

    /**
     * Parameters for a client: {@link #PROTOCOLS}; with {@code checkPeerName}, the server's certificate
     * must carry the host connected to as a SAN IP address or DNS name.
     */
    public static SSLParameters clientParameters(SSLContext context, boolean checkPeerName) {
        SSLParameters parameters = withProtocols(context);
        // Any non-null value switches PkiTrustManager's name check on; "HTTPS" is the JDK's RFC 2818 name.
        parameters.setEndpointIdentificationAlgorithm(checkPeerName ? "HTTPS" : null);
        return parameters;
    }

    /** A listening server socket requiring client certificates ({@code port} 0 picks a free one). */
    public static SSLServerSocket serverSocket(SSLContext context, InetAddress bindAddress, int port)
            throws IOException {
        SSLServerSocket socket =
                (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setSSLParameters(serverParameters(context));
        socket.bind(new InetSocketAddress(bindAddress, port));
        return socket;
    }

    /**
     * A client socket connected to {@code host:port}; the handshake runs on the first I/O or on {@link
     * SSLSocket#startHandshake()}.
     */
    public static SSLSocket connect(SSLContext context, String host, int port, Duration timeout, boolean checkPeerName)
            throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.setSSLParameters(clientParameters(context, checkPeerName));
            // Request-answer exchanges of a few hundred bytes: Nagle's algorithm with delayed ACKs would
            // hold each one for tens of milliseconds.
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * TLS client layered over an already connected plain socket (how a Modbus transport that owns its
     * socket gets Modbus/TCP Security). Closing the TLS socket closes {@code connected}.
     */
    public static SSLSocket layerClient(SSLContext context, Socket connected, String host, boolean checkPeerName)
            throws IOException {
        SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(connected, host, connected.getPort(), true);
        socket.setUseClientMode(true);
        socket.setSSLParameters(clientParameters(context, checkPeerName));
        return socket;
    }

    /**
     * TLS server layered over a plain socket just accepted, client certificate required. Closing the
     * TLS socket closes {@code accepted}.
     */
    public static SSLSocket layerServer(SSLContext context, Socket accepted) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, true);
        socket.setUseClientMode(false);
        socket.setSSLParameters(serverParameters(context));
        return socket;
    }

    /**
     * The peer's end-entity certificate in an established session (read its role with {@link
     * RoleExtension#read}).
     *
     * @throws SSLPeerUnverifiedException when the peer presented no certificate
     */
    public static X509Certificate peerCertificate(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
        }
        return certificate;
    }

    private static SSLParameters withProtocols(SSLContext context) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        List<String> supported =
                Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        parameters.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        return parameters;
    }
}
