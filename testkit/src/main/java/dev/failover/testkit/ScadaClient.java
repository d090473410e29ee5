package dev.failover.testkit;

import dev.failover.certs.Identity;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;

/**
 * A SCADA-like OPC UA client for the bench, the benchmarks and the tests: a Milo client with an
 * application certificate of the plant PKI that validates the server's certificate against the plant
 * root with every check (never Milo's accept-anything default), SignAndEncrypt only.
 */
public final class ScadaClient {

    private ScadaClient() {}

    /** An X.509 user identity from {@code user}'s certificate and key. */
    public static IdentityProvider user(Identity user) {
        return new X509IdentityProvider(user.certificate(), user.privateKey());
    }

    /**
     * Connects to {@code url} with SignAndEncrypt under {@code policy}.
     *
     * @param app the client's application identity (its SAN URI is the application URI)
     * @param root the plant root, the only trust anchor
     * @param issuers the plant's intermediate CAs
     * @param crls the CRL of every CA
     * @throws UaException if the connection, the secure channel or the session fails
     */
    public static OpcUaClient connect(
            String url,
            Identity app,
            IdentityProvider user,
            SecurityPolicy policy,
            X509Certificate root,
            List<X509Certificate> issuers,
            List<X509CRL> crls)
            throws UaException {
        MemoryTrustListManager trust = new MemoryTrustListManager();
        trust.setTrustedCertificates(List.of(root));
        trust.setIssuerCertificates(issuers);
        trust.setTrustedCrls(crls);
        DefaultClientCertificateValidator validator = new DefaultClientCertificateValidator(
                trust, ValidationCheck.ALL_OPTIONAL_CHECKS, new MemoryCertificateQuarantine());
        String applicationUri = CertificateUtil.getSanUri(app.certificate())
                .orElseThrow(() -> new IllegalArgumentException("the client application certificate has no SAN URI"));
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
