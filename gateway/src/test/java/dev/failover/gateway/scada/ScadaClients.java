package dev.failover.gateway.scada;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.Pki;
import dev.failover.certs.TestPki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;

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
        return pki.identity(pki.pki()
                .issue(
                        CertificateRequest.builder(CertificateKind.OPERATOR, "user-" + UUID.randomUUID())
                                .role(role)
                                .keyAlgorithm(KeyAlgorithm.RSA_2048)
                                .build(),
                        TestPki.KEYSTORE_PASSWORD));
    }

    static IdentityProvider asUser(Identity user) {
        return new X509IdentityProvider(user.certificate(), user.privateKey());
    }

    static IdentityProvider anonymous() {
        return new AnonymousProvider();
    }

    /** Connects to {@code url} with SignAndEncrypt under {@code policy}. */
    OpcUaClient connect(String url, Identity app, IdentityProvider user, SecurityPolicy policy) throws Exception {
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(List.of(pki.pki().root()));
        trust.setIssuerCertificates(List.of(pki.pki().issuingCa()));
        trust.setTrustedCrls(Keystores.readCrls(pki.crlFile()));
        DefaultClientCertificateValidator validator = new DefaultClientCertificateValidator(
                trust, ValidationCheck.ALL_OPTIONAL_CHECKS, new MemoryCertificateQuarantine());
        String applicationUri = CertificateUtil.getSanUri(app.certificate()).orElseThrow();
        OpcUaClient client = OpcUaClient.create(
                url,
                endpoints -> endpoints.stream()
                        .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()))
                        .filter(e -> e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                        .findFirst(),
                transport -> {},
                builder -> builder.setApplicationUri(applicationUri)
                        .setKeyPair(new KeyPair(app.certificate().getPublicKey(), app.privateKey()))
                        .setCertificate(app.certificate())
                        .setCertificateChain(app.chain().toArray(X509Certificate[]::new))
                        .setCertificateValidator(validator)
                        .setIdentityProvider(user));
        client.connect();
        return client;
    }
}
