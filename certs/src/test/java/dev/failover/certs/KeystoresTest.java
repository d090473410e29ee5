package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading key stores, certificates and CRLs: what comes back, and the errors that name the file. */
class KeystoresTest {

    @TempDir
    static Path dir;

    static TestPki testPki;

    @BeforeAll
    static void createPki() throws Exception {
        testPki = TestPki.create(dir);
    }

    @Test
    void identityHoldsTheKeyMatchingTheCertificate() throws Exception {
        IssuedCertificate controller = testPki.controller("plc-a");

        Identity identity = Keystores.loadIdentity(controller.keyStore(), TestPki.KEYSTORE_PASSWORD);

        assertThat(identity.certificate()).isEqualTo(controller.certificate());
        assertThat(identity.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(identity.toString()).doesNotContain("PrivateKey").contains("plc-a");
    }

    @Test
    void wrongKeyStorePasswordIsReportedWithTheFile() throws Exception {
        IssuedCertificate controller = testPki.controller("plc-a");

        assertThatThrownBy(() -> Keystores.loadPkcs12(controller.keyStore(), "wrong password".toCharArray()))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.WRONG_PASSWORD))
                .hasMessageContaining(controller.keyStore().toString());
    }

    @Test
    void missingKeyStoreIsReportedWithTheFile() {
        Path missing = dir.resolve("absent.p12");

        assertThatThrownBy(() -> Keystores.loadIdentity(missing, TestPki.KEYSTORE_PASSWORD))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.MISSING_FILE))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void pemRoundTripKeepsCertificatesAndCrlsApart() throws Exception {
        Path mixed = dir.resolve("mixed.pem");
        List<Object> objects = List.of(
                testPki.pki().issuingCa(), Keystores.readCrls(testPki.crlFile()).get(0));
        Files.writeString(mixed, Keystores.toPem(objects));

        assertThat(Keystores.readCertificates(mixed))
                .containsExactly(testPki.pki().issuingCa());
        assertThat(Keystores.readCrls(mixed)).hasSize(1);
    }

    @Test
    void garbageIsNotAPemCertificate() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");

        assertThatThrownBy(() -> Keystores.readCertificates(garbage))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.CORRUPT))
                .hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> Keystores.readCrls(empty)).hasMessageContaining("holds no PEM CRL");
    }

    @Test
    void verifierFromFilesNeedsExactlyOneRoot() throws Exception {
        Path onlyIssuing = dir.resolve("issuing-only.pem");
        Files.writeString(onlyIssuing, Keystores.toPem(List.of(testPki.pki().issuingCa())));

        assertThatThrownBy(() -> Keystores.verifier(onlyIssuing, List.of(), java.time.Clock.systemUTC()))
                .hasMessageContaining("0 self-signed root certificates");
    }
}
