package dev.failover.gateway.scada;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.Pki;
import dev.failover.certs.TestPki;
import dev.failover.testkit.ScadaClient;
import java.util.List;
import java.util.UUID;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/**
 * SCADA clients for the tests: Milo clients with application and user certificates from a {@link
 * TestPki}, that validate the gateway's server certificate against the plant root (all checks on).
 */
final class ScadaClients {

    private final TestPki pki;

    ScadaClients(TestPki pki) {
        this.pki = pki;
    }

    /** A client application certificate of the plant (RSA-2048, SAN URI), as a SCADA would have. */
    Identity application(String uri) throws Exception {
        return application(pki.pki(), uri);
    }

    Identity application(Pki issuer, String uri) throws Exception {
        return pki.identity(issuer.issue(
                CertificateRequest.opcuaApplication("scada-" + UUID.randomUUID(), uri), TestPki.KEYSTORE_PASSWORD));
    }

    /** A user certificate with {@code role} (RSA, since the token is signed with the channel's RSA policy). */
    Identity user(String role) throws Exception {
        return user(pki.pki(), role);
    }

    /** The same, issued by {@code issuer} (for instance another plant's CA). */
    Identity user(Pki issuer, String role) throws Exception {
        return pki.identity(issuer.issue(
                CertificateRequest.builder(CertificateKind.OPERATOR, "user-" + UUID.randomUUID())
                        .role(role)
                        .keyAlgorithm(KeyAlgorithm.RSA_2048)
                        .build(),
                TestPki.KEYSTORE_PASSWORD));
    }

    static IdentityProvider asUser(Identity user) {
        return ScadaClient.user(user);
    }

    /** Connects to {@code url} with SignAndEncrypt under {@code policy}, trusting the plant root only. */
    OpcUaClient connect(String url, Identity app, IdentityProvider user, SecurityPolicy policy) throws Exception {
        return ScadaClient.connect(
                url,
                app,
                user,
                policy,
                pki.pki().root(),
                List.of(pki.pki().issuingCa()),
                Keystores.readCrls(pki.crlFile()));
    }
}
