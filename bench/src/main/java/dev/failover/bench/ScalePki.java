package dev.failover.bench;

import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The throwaway PKI of the scale benchmark: a {@link TestPki} in a temporary folder, the gateway's
 * certificate, a certificate per controller (issued on first use, reused by later runs of the same
 * benchmark), and an operator's for reading the gateway's status over its TLS control endpoint. Not
 * thread-safe.
 */
final class ScalePki {

    private final TestPki pki;
    private final Path passwordFile;
    private final Map<String, SSLContext> controllers = new HashMap<>();
    private SSLContext observer;

    ScalePki(Path dir) throws IOException, PkiException {
        this.pki = TestPki.create(dir);
        this.passwordFile = Files.writeString(
                dir.resolve("keystore.pw"), new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
    }

    /** The server context of controller {@code id}: its own certificate, trusting the PKI. */
    SSLContext controllerTls(String id) throws PkiException {
        SSLContext tls = controllers.get(id);
        if (tls == null) {
            tls = pki.tlsContext(pki.controller(id));
            controllers.put(id, tls);
        }
        return tls;
    }

    /** A client context of an operator (role operator) for the control endpoint's status. */
    SSLContext observerTls() throws PkiException {
        if (observer == null) {
            observer = pki.tlsContext(pki.operator("scale-observer", "operator"));
        }
        return observer;
    }

    /** The gateway's key store (role gateway: the controllers accept writes from it). */
    Path gatewayKeystore() throws PkiException {
        return pki.gateway("gateway", "gateway").keyStore();
    }

    Path caChain() {
        return pki.pki().caChainFile();
    }

    Path crl() {
        return pki.crlFile();
    }

    /** The file holding the password of every key store of this PKI. */
    Path passwordFile() {
        return passwordFile;
    }
}
