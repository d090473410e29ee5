package dev.failover.plcsim.modbus;

import dev.failover.certs.CipherSuites;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * What a Modbus/TCP Security listener accepts: the TLS versions and the cipher suites, set for each
 * new connection. By default TLS 1.3 and 1.2 with forward secrecy and authenticated encryption only
 * (ECDHE or DHE with GCM or ChaCha20-Poly1305). It can be made weaker while the controller runs, so
 * that a gateway's posture checks can be tested (docs/plc-sim.md, "Security posture"): connections
 * already open keep what they negotiated. Thread-safe.
 */
public final class TlsPosture {

    /** The TLS versions accepted. */
    public enum Versions {
        /** TLS 1.3 only. */
        TLS13("1.3", "TLSv1.3"),
        /** TLS 1.3 and 1.2 (the default). */
        TLS12_AND_13("1.2", "TLSv1.3", "TLSv1.2"),
        /** TLS 1.2 only. */
        TLS12_ONLY("1.2-only", "TLSv1.2");

        private final String word;
        private final List<String> protocols;

        Versions(String word, String... protocols) {
            this.word = word;
            this.protocols = List.of(protocols);
        }

        /** The word of the control port's {@code tls} command. */
        public String word() {
            return word;
        }

        /** The JSSE protocol names. */
        public List<String> protocols() {
            return protocols;
        }

        /** The versions a control port word names: {@code 1.3}, {@code 1.2}, {@code 1.2-only}. */
        public static Optional<Versions> of(String word) {
            return Arrays.stream(values())
                    .filter(v -> v.word.equals(word.toLowerCase(Locale.ROOT)))
                    .findFirst();
        }
    }

    /** The cipher suites accepted. */
    public enum Suites {
        /** Forward secrecy and authenticated encryption only (the default). */
        STRONG,
        /** Also the CBC-mode suites (with SHA-1 or SHA-2 MACs) that the JDK still enables. */
        CBC;

        /** The word of the control port's {@code suites} command. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private volatile Versions versions = Versions.TLS12_AND_13;
    private volatile Suites suites = Suites.STRONG;

    public Versions versions() {
        return versions;
    }

    public Suites suites() {
        return suites;
    }

    public void versions(Versions accepted) {
        versions = accepted;
    }

    public void suites(Suites accepted) {
        suites = accepted;
    }

    /**
     * Sets what {@code socket} (a server socket not yet handshaken) accepts: the versions of this
     * posture that {@code allowed} (the context's, TLS 1.2 and newer) permits, and its suites of
     * those the socket enables.
     */
    void apply(SSLSocket socket, List<String> allowed) {
        String[] protocols =
                versions.protocols().stream().filter(allowed::contains).toArray(String[]::new);
        socket.setEnabledProtocols(protocols.length == 0 ? allowed.toArray(String[]::new) : protocols);
        Suites which = suites;
        socket.setEnabledCipherSuites(Arrays.stream(socket.getEnabledCipherSuites())
                .filter(s ->
                        CipherSuites.strong(s) || s.endsWith("_SCSV") || (which == Suites.CBC && s.contains("_CBC_")))
                .toArray(String[]::new));
    }
}
