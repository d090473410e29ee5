package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating, opening and changing a PKI directory: files, passwords, the index, refusals. */
class PkiTest {

    private static final char[] PASSWORD = "correct horse battery".toCharArray();
    private static final char[] KEYSTORE_PASSWORD = "keystore-secret".toCharArray();

    @TempDir
    Path dir;

    @Test
    void createWritesTheLayoutAndAnEmptyCrl() throws Exception {
        Path pkiDir = dir.resolve("pki");
        Pki pki = Pki.create(pkiDir, "Acme Water", PASSWORD);

        assertThat(pkiDir.resolve("root-ca.p12")).isRegularFile();
        assertThat(pkiDir.resolve("issuing-ca.p12")).isRegularFile();
        assertThat(pkiDir.resolve("index.properties")).isRegularFile();
        assertThat(pkiDir.resolve("pki.properties")).isRegularFile();
        assertThat(Keystores.readCertificates(pki.caChainFile())).containsExactly(pki.issuingCa(), pki.root());
        assertThat(Keystores.readCertificate(pki.rootCertificateFile())).isEqualTo(pki.root());
        // Without a first CRL every verifier would answer REVOCATION_UNKNOWN until `certs crl` ran.
        assertThat(Keystores.readCrls(pki.crlFile())).hasSize(2);
        assertThat(pki.list()).isEmpty();
    }

    @Test
    void caKeyStoresAreReadableByTheOwnerOnly() throws Exception {
        Path pkiDir = dir.resolve("pki");
        Pki.create(pkiDir, "Acme Water", PASSWORD);
        if (!pkiDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        assertThat(Files.getPosixFilePermissions(pkiDir.resolve("root-ca.p12")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(pkiDir))
                .doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_READ);
    }

    @Test
    void createRefusesADirectoryThatAlreadyHoldsAPki() throws Exception {
        Pki.create(dir, "Acme Water", PASSWORD);

        assertThatThrownBy(() -> Pki.create(dir, "Other", PASSWORD))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.ALREADY_EXISTS))
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("already holds a PKI");
    }

    @Test
    void createRefusesAShortCaPassword() {
        assertThatThrownBy(() -> Pki.create(dir, "Acme Water", "short".toCharArray()))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.INVALID_REQUEST))
                .hasMessageContaining("at least 8 characters");
    }

    @Test
    void openWithTheRightPasswordGivesTheSameCas() throws Exception {
        Pki created = Pki.create(dir, "Acme Water", PASSWORD);

        Pki opened = Pki.open(dir, PASSWORD);

        assertThat(opened.root()).isEqualTo(created.root());
        assertThat(opened.issuingCa()).isEqualTo(created.issuingCa());
        assertThat(opened.organisation()).isEqualTo("Acme Water");
    }

    @Test
    void openWithAWrongPasswordNamesTheKeyStore() throws Exception {
        Pki.create(dir, "Acme Water", PASSWORD);

        assertThatThrownBy(() -> Pki.open(dir, "not the password".toCharArray()))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.WRONG_PASSWORD))
                .hasMessageContaining(dir.resolve("root-ca.p12").toString());
    }

    @Test
    void openWithAMissingCaKeyStoreNamesTheFile() throws Exception {
        Pki.create(dir, "Acme Water", PASSWORD);
        Files.delete(dir.resolve("issuing-ca.p12"));

        assertThatThrownBy(() -> Pki.open(dir, PASSWORD))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.MISSING_FILE))
                .hasMessageContaining(dir.resolve("issuing-ca.p12").toString());
    }

    @Test
    void openAnEmptyDirectorySaysThereIsNoPki() {
        assertThatThrownBy(() -> Pki.open(dir, PASSWORD))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.MISSING_FILE))
                .hasMessageContaining("no PKI in " + dir)
                .hasMessageContaining("certs init");
    }

    @Test
    void issueWritesKeyStoreCertificateAndIndexEntry() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);

        IssuedCertificate alice = pki.issue(CertificateRequest.operator("alice", "operator"), KEYSTORE_PASSWORD);

        Identity identity = Keystores.loadIdentity(alice.keyStore(), KEYSTORE_PASSWORD);
        assertThat(identity.alias()).isEqualTo("alice");
        assertThat(identity.chain()).containsExactly(alice.certificate(), pki.issuingCa(), pki.root());
        assertThat(Keystores.readCertificate(alice.certificateFile())).isEqualTo(alice.certificate());
        assertThat(alice.keyStore()).isEqualTo(dir.resolve("issued/alice.p12"));

        CertificateRecord record = Pki.records(dir).get(0);
        assertThat(record.serial()).isEqualTo(alice.certificate().getSerialNumber());
        assertThat(record.kind()).isEqualTo(CertificateKind.OPERATOR);
        assertThat(record.name()).isEqualTo("alice");
        assertThat(record.role()).contains("operator");
        assertThat(record.notAfter())
                .isEqualTo(alice.certificate().getNotAfter().toInstant());
        assertThat(record.status(Instant.now())).isEqualTo(CertificateRecord.Status.VALID);
    }

    @Test
    void serialNumbersAreRandomPositiveAndAtMost128Bits() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);

        BigInteger first = pki.issue(CertificateRequest.controller("plc-a"), KEYSTORE_PASSWORD)
                .serial();
        BigInteger second = pki.issue(CertificateRequest.controller("plc-b"), KEYSTORE_PASSWORD)
                .serial();

        assertThat(List.of(first, second)).allSatisfy(serial -> {
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
        });
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void issueRefusesANameThatHasAValidCertificate() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);
        IssuedCertificate first = pki.issue(CertificateRequest.operator("alice", "operator"), KEYSTORE_PASSWORD);

        assertThatThrownBy(() -> pki.issue(CertificateRequest.operator("alice", "engineer"), KEYSTORE_PASSWORD))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.NAME_IN_USE))
                .hasMessageContaining(first.record().serialHex())
                .hasMessageContaining("revoke it first");
        assertThat(Keystores.loadIdentity(first.keyStore(), KEYSTORE_PASSWORD).certificate())
                .isEqualTo(first.certificate());
    }

    @Test
    void aRevokedNameCanBeIssuedAgain() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);
        IssuedCertificate first = pki.issue(CertificateRequest.operator("alice", "operator"), KEYSTORE_PASSWORD);
        pki.revoke(first.serial(), RevocationReason.SUPERSEDED);

        IssuedCertificate renewed = pki.issue(CertificateRequest.operator("alice", "operator"), KEYSTORE_PASSWORD);

        assertThat(renewed.serial()).isNotEqualTo(first.serial());
        assertThat(pki.list())
                .extracting(CertificateRecord::serial, CertificateRecord::isRevoked)
                .containsExactlyInAnyOrder(tuple(first.serial(), true), tuple(renewed.serial(), false));
    }

    @Test
    void issueRefusesAValidityBeyondTheIssuingCa() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);
        CertificateRequest tooLong = CertificateRequest.builder(CertificateKind.CONTROLLER, "plc-a")
                .validity(Duration.ofDays(6 * 365))
                .build();

        assertThatThrownBy(() -> pki.issue(tooLong, KEYSTORE_PASSWORD))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.INVALID_REQUEST))
                .hasMessageContaining("after the issuing CA expires");
    }

    @Test
    void revokeRecordsReasonAndRefusesRepeatsAndUnknownSerials() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);
        IssuedCertificate alice = pki.issue(CertificateRequest.operator("alice", "operator"), KEYSTORE_PASSWORD);

        CertificateRecord revoked = pki.revoke(alice.serial(), RevocationReason.KEY_COMPROMISE);

        assertThat(revoked.revocation())
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(RevocationReason.KEY_COMPROMISE));
        assertThat(Pki.records(dir).get(0).status(Instant.now())).isEqualTo(CertificateRecord.Status.REVOKED);
        assertThatThrownBy(() -> pki.revoke(alice.serial(), RevocationReason.KEY_COMPROMISE))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.ALREADY_REVOKED));
        assertThatThrownBy(() -> pki.revoke(BigInteger.valueOf(12345), RevocationReason.SUPERSEDED))
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.UNKNOWN_SERIAL))
                .hasMessageContaining("3039");
    }

    @Test
    void publishedCrlListsRevokedSerialsWithTheirReason() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);
        IssuedCertificate alice = pki.issue(CertificateRequest.operator("alice", "operator"), KEYSTORE_PASSWORD);
        IssuedCertificate bob = pki.issue(CertificateRequest.operator("bob", "operator"), KEYSTORE_PASSWORD);
        pki.revoke(alice.serial(), RevocationReason.KEY_COMPROMISE);

        X509CRL crl = pki.publishCrl(Duration.ofDays(7));

        assertThat(crl.getIssuerX500Principal()).isEqualTo(pki.issuingCa().getSubjectX500Principal());
        assertThat(crl.isRevoked(alice.certificate())).isTrue();
        assertThat(crl.isRevoked(bob.certificate())).isFalse();
        assertThat(crl.getRevokedCertificate(alice.serial()).getRevocationReason())
                .isEqualTo(CRLReason.KEY_COMPROMISE);
        crl.verify(pki.issuingCa().getPublicKey());
        // The second CRL is the root's, covering the issuing CA: PKIX checks every certificate of the path.
        X509CRL rootCrl = Keystores.readCrls(pki.crlFile()).get(1);
        assertThat(rootCrl.getIssuerX500Principal()).isEqualTo(pki.root().getSubjectX500Principal());
        rootCrl.verify(pki.root().getPublicKey());
    }

    @Test
    void indexSurvivesReopening() throws Exception {
        Pki pki = Pki.create(dir, "Acme Water", PASSWORD);
        pki.issue(CertificateRequest.gateway("gw-1", "gateway"), KEYSTORE_PASSWORD);
        pki.issue(CertificateRequest.opcuaApplication("scada", "urn:acme:scada"), KEYSTORE_PASSWORD);

        List<CertificateRecord> reopened = Pki.open(dir, PASSWORD).list();

        assertThat(reopened).isEqualTo(pki.list());
        assertThat(reopened)
                .extracting(CertificateRecord::name, CertificateRecord::keyAlgorithm)
                .containsExactlyInAnyOrder(tuple("gw-1", KeyAlgorithm.EC_P256), tuple("scada", KeyAlgorithm.RSA_2048));
    }
}
