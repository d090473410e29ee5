package dev.failover.gateway.link.opcua;

import dev.failover.certs.CertificateKind;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.Identity;
import dev.failover.certs.KeyAlgorithm;
import dev.failover.certs.Keystores;
import dev.failover.certs.Pki;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.plcsim.SimConfig;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.List;

/**
 * The OPC UA identities of the link tests, from a {@link TestPki} made at test time: controllers'
 * application certificates (SAN URI, IP 127.0.0.1, DNS localhost), the gateway's application
 * certificate, its user (role gateway) and an operator user, all RSA-2048 as Milo needs.
 */
final class UaTestPki {

    final TestPki pki;
    final List<X509CRL> crls;

    private UaTestPki(TestPki pki, List<X509CRL> crls) {
        this.pki = pki;
        this.crls = crls;
    }

    static UaTestPki create(Path dir) throws PkiException {
        TestPki pki = TestPki.create(dir);
        return new UaTestPki(pki, Keystores.readCrls(pki.crlFile()));
    }

    /** A controller's OPC UA application identity, issued by {@code ca}, naming {@code host}. */
    Identity server(Pki ca, String name, String host) throws PkiException {
        return pki.identity(ca.issue(serverRequest(name, host), TestPki.KEYSTORE_PASSWORD));
    }

    /** The request for a controller's OPC UA application certificate naming {@code host}. */
    static CertificateRequest serverRequest(String name, String host) {
        CertificateRequest.Builder request = CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, name)
                .uri("urn:test:plc-sim:" + name);
        if (Character.isDigit(host.charAt(0))) {
            request.ipAddress(host);
        } else {
            request.dnsName(host);
        }
        return request.build();
    }

    /** {@code credentials} with the plant's CRLs as published now. */
    OpcUaCredentials withCurrentCrls(OpcUaCredentials credentials) throws PkiException {
        return new OpcUaCredentials(
                credentials.application(),
                credentials.user(),
                credentials.root(),
                credentials.issuers(),
                Keystores.readCrls(pki.crlFile()));
    }

    /** A controller's OPC UA server configuration with an identity of the plant for 127.0.0.1. */
    SimConfig.OpcUa controllerServer(String name) throws PkiException {
        return serverConfig(server(pki.pki(), name, "127.0.0.1"));
    }

    SimConfig.OpcUa serverConfig(Identity identity) {
        return new SimConfig.OpcUa(0, identity, pki.verifier(), crls);
    }

    /** The gateway's credentials with a user of {@code role}. */
    OpcUaCredentials credentials(String userName, String role) throws PkiException {
        Identity app = pki.identity(pki.pki()
                .issue(
                        CertificateRequest.opcuaApplication("gw-ua-" + userName, "urn:test:gateway:" + userName),
                        TestPki.KEYSTORE_PASSWORD));
        CertificateKind kind = "gateway".equals(role) ? CertificateKind.GATEWAY : CertificateKind.OPERATOR;
        Identity user = pki.identity(pki.pki()
                .issue(
                        CertificateRequest.builder(kind, userName)
                                .role(role)
                                .keyAlgorithm(KeyAlgorithm.RSA_2048)
                                .build(),
                        TestPki.KEYSTORE_PASSWORD));
        return new OpcUaCredentials(
                app, user, pki.pki().root(), List.of(pki.pki().issuingCa()), crls);
    }
}
