package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubjectAltNamesTest {

    @TempDir
    Path dir;

    @Test
    void theApplicationUriOfAnOpcUaCertificateAndNoneForAnOperator() throws Exception {
        TestPki pki = TestPki.create(dir);
        IssuedCertificate app = pki.pki()
                .issue(
                        CertificateRequest.builder(CertificateKind.OPCUA_APPLICATION, "gateway-ua")
                                .uri("urn:test:gateway")
                                .dnsName("localhost")
                                .build(),
                        TestPki.KEYSTORE_PASSWORD);

        assertThat(SubjectAltNames.uri(app.certificate())).contains("urn:test:gateway");
        assertThat(SubjectAltNames.uri(pki.operator("olga", "operator").certificate()))
                .isEmpty();
    }
}
