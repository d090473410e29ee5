package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each kind of certificate contains (docs/pki.md, "What each certificate contains"): the CAs'
 * constraints, key usage and extended key usage per kind, the role extension, SANs, key algorithms.
 */
class CertificateProfileTest {

    // RFC 5280 §4.2.1.3 bit numbers as X509Certificate.getKeyUsage() indexes them.
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int NON_REPUDIATION = 1;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int DATA_ENCIPHERMENT = 3;
    private static final int KEY_AGREEMENT = 4;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;
    private static final String CLIENT_AUTH = KeyPurposeId.id_kp_clientAuth.getId();
    private static final String SERVER_AUTH = KeyPurposeId.id_kp_serverAuth.getId();
    private static final String EMAIL_PROTECTION = KeyPurposeId.id_kp_emailProtection.getId();

    @TempDir
    static Path dir;

    static TestPki testPki;

    @BeforeAll
    static void createPki() throws Exception {
        testPki = TestPki.create(dir);
    }

    @Test
    void rootIsASelfSignedP256CaWithPathLengthOneForTenYears() throws Exception {
        X509Certificate root = testPki.pki().root();

        root.verify(root.getPublicKey());
        assertThat(root.getBasicConstraints()).isEqualTo(1);
        assertThat(root.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(setBits(root.getKeyUsage())).containsExactly(KEY_CERT_SIGN, CRL_SIGN);
        assertThat(((ECPublicKey) root.getPublicKey())
                        .getParams()
                        .getCurve()
                        .getField()
                        .getFieldSize())
                .isEqualTo(256);
        assertThat(validity(root)).isGreaterThanOrEqualTo(Duration.ofDays(3652));
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Test Plant Root CA,O=Test Plant");
    }

    @Test
    void issuingCaIsSignedByTheRootWithPathLengthZeroForFiveYears() throws Exception {
        X509Certificate issuing = testPki.pki().issuingCa();

        issuing.verify(testPki.pki().root().getPublicKey());
        assertThat(issuing.getBasicConstraints()).isZero();
        assertThat(setBits(issuing.getKeyUsage())).containsExactly(KEY_CERT_SIGN, CRL_SIGN);
        assertThat(validity(issuing)).isBetween(Duration.ofDays(1826), Duration.ofDays(1827));
    }

    @Test
    void operatorSignsWithNonRepudiationForTlsClientsAndCommandsForNinetyDays() throws Exception {
        X509Certificate operator = testPki.operator("op-profile", "operator").certificate();

        assertThat(RoleExtension.read(operator)).contains("operator");
        assertThat(setBits(operator.getKeyUsage())).containsExactly(DIGITAL_SIGNATURE, NON_REPUDIATION);
        assertThat(operator.getExtendedKeyUsage()).containsExactlyInAnyOrder(CLIENT_AUTH, EMAIL_PROTECTION);
        assertThat(operator.getBasicConstraints()).isEqualTo(-1);
        assertThat(operator.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(validity(operator)).isEqualTo(Duration.ofDays(90).plus(Pki.BACKDATE));
        assertThat(operator.getSubjectX500Principal().getName()).isEqualTo("CN=op-profile,OU=operator,O=Test Plant");
        assertThat(operator.getIssuerX500Principal())
                .isEqualTo(testPki.pki().issuingCa().getSubjectX500Principal());
    }

    @Test
    void gatewayCarriesItsRoleAndServesBothTlsSidesWithAnEcKey() throws Exception {
        X509Certificate gateway = testPki.gateway("gw-profile", "gateway").certificate();

        assertThat(RoleExtension.read(gateway)).contains("gateway");
        // ECDHE_ECDSA needs digitalSignature; keyAgreement is the EC counterpart of keyEncipherment.
        assertThat(setBits(gateway.getKeyUsage())).containsExactly(DIGITAL_SIGNATURE, KEY_AGREEMENT);
        assertThat(gateway.getExtendedKeyUsage()).containsExactlyInAnyOrder(CLIENT_AUTH, SERVER_AUTH);
        assertThat(gateway.getSubjectAlternativeNames())
                .extracting(name -> name.get(0), name -> name.get(1))
                .containsExactlyInAnyOrder(tuple(SAN_IP, "127.0.0.1"), tuple(SAN_DNS, "localhost"));
    }

    @Test
    void rsaGatewayUsesKeyEnciphermentInsteadOfKeyAgreement() throws Exception {
        CertificateRequest request = CertificateRequest.builder(CertificateKind.GATEWAY, "gw-rsa")
                .role("gateway")
                .keyAlgorithm(KeyAlgorithm.RSA_2048)
                .build();

        X509Certificate gateway =
                testPki.pki().issue(request, TestPki.KEYSTORE_PASSWORD).certificate();

        assertThat(gateway.getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(setBits(gateway.getKeyUsage())).containsExactly(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT);
    }

    @Test
    void controllerHasNoRoleAndServesBothTlsSides() throws Exception {
        X509Certificate controller = testPki.controller("plc-profile").certificate();

        assertThat(RoleExtension.read(controller)).isEmpty();
        assertThat(controller.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(setBits(controller.getKeyUsage())).containsExactly(DIGITAL_SIGNATURE, KEY_AGREEMENT);
        assertThat(validity(controller)).isEqualTo(Duration.ofDays(365).plus(Pki.BACKDATE));
    }

    @Test
    void opcuaApplicationIsRsa2048WithTheApplicationUriAsSan() throws Exception {
        // LIBRARIES.md (Milo 1.1.2): RSA only; SAN URI = applicationUri; KU and EKU as below; host in the SAN.
        CertificateRequest request = CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "scada-ua")
                .uri("urn:test-plant:scada")
                .dnsName("scada.plant.local")
                .ipAddress("10.0.0.5")
                .build();

        X509Certificate opcua =
                testPki.pki().issue(request, TestPki.KEYSTORE_PASSWORD).certificate();

        assertThat(((RSAPublicKey) opcua.getPublicKey()).getModulus().bitLength())
                .isEqualTo(2048);
        assertThat(opcua.getSigAlgName()).isEqualTo("SHA256withECDSA"); // signed by the EC issuing CA
        assertThat(setBits(opcua.getKeyUsage()))
                .containsExactly(DIGITAL_SIGNATURE, NON_REPUDIATION, KEY_ENCIPHERMENT, DATA_ENCIPHERMENT);
        assertThat(opcua.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(opcua.getSubjectAlternativeNames())
                .extracting(name -> name.get(0), name -> name.get(1))
                .containsExactlyInAnyOrder(
                        tuple(SAN_URI, "urn:test-plant:scada"),
                        tuple(SAN_DNS, "scada.plant.local"),
                        tuple(SAN_IP, "10.0.0.5"));
        assertThat(RoleExtension.read(opcua)).isEmpty();
    }

    @Test
    void requestsMissingWhatTheirKindNeedsAreRefused() {
        assertThatThrownBy(() -> CertificateRequest.builder(CertificateKind.OPERATOR, "alice")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need a role");
        assertThatThrownBy(() -> CertificateRequest.builder(CertificateKind.GATEWAY, "gw")
                        .build())
                .hasMessageContaining("need a role");
        assertThatThrownBy(() -> CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "ua")
                        .build())
                .hasMessageContaining("SAN URI");
        assertThatThrownBy(() -> CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "ua")
                        .uri("urn:x")
                        .keyAlgorithm(KeyAlgorithm.EC_P256)
                        .build())
                .hasMessageContaining("RSA-2048");
        assertThatThrownBy(() -> CertificateRequest.controller("../etc/passwd")).hasMessageContaining("name");
        assertThatThrownBy(() -> CertificateRequest.builder(CertificateKind.CONTROLLER, "plc")
                        .ipAddress("plc.local")
                        .build())
                .hasMessageContaining("not an IPv4 or IPv6 address");
    }

    private static List<Integer> setBits(boolean[] keyUsage) {
        List<Integer> bits = new java.util.ArrayList<>();
        for (int i = 0; i < keyUsage.length; i++) {
            if (keyUsage[i]) {
                bits.add(i);
            }
        }
        return bits;
    }

    private static Duration validity(X509Certificate certificate) {
        return Duration.between(
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
    }
}
