package dev.failover.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PKIX validation against the plant root with CRL revocation: every reason code the command guard and
 * the TLS trust managers rely on. Time is injected through the verifier's clock; nothing waits.
 */
class CertificateVerifierTest {

    @TempDir
    static Path dir;

    static TestPki testPki;

    @BeforeAll
    static void createPki() throws Exception {
        testPki = TestPki.create(dir);
    }

    @Test
    void fullChainOfAValidOperatorIsValidWithItsRole() throws Exception {
        IssuedCertificate alice = testPki.operator("alice", "operator");

        VerificationResult result = testPki.verifier().verify(alice.chain(), Purpose.COMMAND_SIGNING);

        assertThat(result).isInstanceOfSatisfying(VerificationResult.Valid.class, valid -> {
            assertThat(valid.leaf()).isEqualTo(alice.certificate());
            assertThat(valid.path())
                    .containsExactly(alice.certificate(), testPki.pki().issuingCa());
            assertThat(valid.role()).contains("operator");
        });
    }

    @Test
    void leafAloneIsCompletedWithTheKnownIssuingCa() throws Exception {
        // A CMS envelope may carry the signer's certificate only.
        IssuedCertificate alice = testPki.operator("alice", "operator");

        assertThat(testPki.verifier().verify(List.of(alice.certificate())).isValid())
                .isTrue();
    }

    @Test
    void verifierBuiltFromDistributedFilesAcceptsTheSameChain() throws Exception {
        IssuedCertificate gateway = testPki.gateway("gw-files", "gateway");
        CertificateVerifier fromFiles =
                Keystores.verifier(testPki.pki().caChainFile(), List.of(testPki.crlFile()), Clock.systemUTC());

        assertThat(fromFiles
                        .verify(List.of(gateway.certificate()), Purpose.TLS_CLIENT)
                        .isValid())
                .isTrue();
        assertThat(fromFiles.trustAnchor()).isEqualTo(testPki.pki().root());
    }

    @Test
    void revokedCertificateIsRevokedOnceTheCrlIsPublished() throws Exception {
        Pki pki = testPki.pki();
        IssuedCertificate mallory =
                pki.issue(CertificateRequest.operator("mallory", "operator"), TestPki.KEYSTORE_PASSWORD);
        CertificateVerifier verifier = testPki.verifier();
        assertThat(verifier.verify(mallory.chain()).isValid()).isTrue();

        pki.revoke(mallory.serial(), RevocationReason.KEY_COMPROMISE);
        // Revocation takes effect through the published CRL, not the index.
        assertThat(verifier.verify(mallory.chain()).isValid()).isTrue();
        pki.publishCrl(Duration.ofDays(7));

        assertRejected(verifier.verify(mallory.chain()), VerificationResult.Reason.REVOKED, "revoked");
    }

    @Test
    void revokedOperatorFromTestPkiIsRevoked() throws Exception {
        IssuedCertificate revoked = testPki.revokedOperator("eve", "operator");

        assertRejected(testPki.verifier().verify(revoked.chain()), VerificationResult.Reason.REVOKED, "eve");
    }

    @Test
    void certificateOfAnotherCaIsUnknownCa() throws Exception {
        IssuedCertificate foreign = testPki.foreignOperator("intruder", "operator");

        assertRejected(
                testPki.verifier().verify(foreign.chain()),
                VerificationResult.Reason.UNKNOWN_CA,
                "issuer CN=Foreign Plant Root CA");
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRefusedAtTheSystemClock() throws Exception {
        CertificateVerifier verifier = testPki.verifier();

        assertRejected(
                verifier.verify(testPki.expiredOperator("old", "operator").chain()),
                VerificationResult.Reason.EXPIRED,
                "CN=old");
        assertRejected(
                verifier.verify(testPki.notYetValidOperator("early", "operator").chain()),
                VerificationResult.Reason.NOT_YET_VALID,
                "CN=early");
    }

    @Test
    void validityIsJudgedAtTheInjectedClock() throws Exception {
        // The CAs start 10 days ago and the CRL was published 2 days ago for 120 days, so at each instant
        // below only the operator's own validity window decides.
        Instant now = Instant.now();
        Path clockDir = dir.resolve("clock-pki");
        Pki.create(clockDir, "Clock Plant", TestPki.CA_PASSWORD, at(now.minus(Duration.ofDays(10))));
        IssuedCertificate operator = Pki.open(clockDir, TestPki.CA_PASSWORD, at(now))
                .issue(CertificateRequest.operator("olga", "operator"), TestPki.KEYSTORE_PASSWORD);
        Pki publisher = Pki.open(clockDir, TestPki.CA_PASSWORD, at(now.minus(Duration.ofDays(2))));
        publisher.publishCrl(Duration.ofDays(120));

        assertThat(publisher.verifier(at(now)).verify(operator.chain()).isValid())
                .isTrue();
        assertRejected(
                publisher.verifier(at(now.minus(Duration.ofDays(1)))).verify(operator.chain()),
                VerificationResult.Reason.NOT_YET_VALID,
                "CN=olga");
        assertRejected(
                publisher.verifier(at(now.plus(Duration.ofDays(91)))).verify(operator.chain()),
                VerificationResult.Reason.EXPIRED,
                "CN=olga");
    }

    @Test
    void outdatedCrlMakesRevocationUnknown() throws Exception {
        // Fail closed: past the CRL's nextUpdate nobody can tell whether a certificate was revoked since.
        IssuedCertificate controller = testPki.controller("plc-stale");
        CertificateVerifier later = testPki.verifier(at(Instant.now().plus(Duration.ofDays(200))));

        assertRejected(later.verify(controller.chain()), VerificationResult.Reason.REVOCATION_UNKNOWN, "revocation");
    }

    @Test
    void missingCrlFileMakesRevocationUnknownAndSaysWhichFile() throws Exception {
        IssuedCertificate controller = testPki.controller("plc-nocrl");
        Path missing = dir.resolve("nowhere/crl.pem");
        CertificateVerifier verifier = CertificateVerifier.builder(testPki.pki().root())
                .intermediates(List.of(testPki.pki().issuingCa()))
                .crlFile(missing)
                .build();

        assertRejected(
                verifier.verify(controller.chain()), VerificationResult.Reason.REVOCATION_UNKNOWN, missing.toString());
    }

    @Test
    void tamperedSubjectFailsTheSignature() throws Exception {
        X509Certificate original = testPki.operator("alice", "operator").certificate();
        byte[] der = original.getEncoded();
        int at = indexOf(der, "alice".getBytes(StandardCharsets.US_ASCII));
        der[at] = (byte) 'A'; // "Alice": a different subject under the same signature

        X509Certificate tampered = parse(der);

        assertRejected(
                testPki.verifier().verify(List.of(tampered, testPki.pki().issuingCa())),
                VerificationResult.Reason.BAD_SIGNATURE,
                "CN=Alice");
    }

    @Test
    void flippedSignatureByteFailsTheSignature() throws Exception {
        X509Certificate original = testPki.operator("alice", "operator").certificate();
        byte[] der = original.getEncoded();
        der[der.length - 1] ^= 0x01;

        X509Certificate tampered = parse(der);

        assertRejected(testPki.verifier().verify(List.of(tampered)), VerificationResult.Reason.BAD_SIGNATURE, "");
    }

    @Test
    void aValidityMovedIntoThePastFailsTheSignatureNotTheDate() throws Exception {
        X509Certificate original = testPki.operator("alice", "operator").certificate();
        DERSequence past = new DERSequence(new ASN1Encodable[] {
            new Time(Date.from(Instant.parse("2001-01-01T00:00:00Z"))),
            new Time(Date.from(Instant.parse("2002-01-01T00:00:00Z")))
        });

        X509Certificate tampered = withTbsElement(original, VALIDITY, past);

        assertThat(tampered.getNotAfter()).as("the tamper took").isBefore(new Date());
        assertRejected(
                testPki.verifier().verify(List.of(tampered, testPki.pki().issuingCa())),
                VerificationResult.Reason.BAD_SIGNATURE,
                "CN=alice");
    }

    @Test
    void anEndEntityThatNowClaimsToBeACaFailsTheSignatureNotTheUsage() throws Exception {
        X509Certificate original = testPki.operator("alice", "operator").certificate();
        Extensions extensions = Extensions.getInstance(
                ASN1TaggedObject.getInstance(tbsElements(original).getObjectAt(EXTENSIONS))
                        .getBaseObject());
        ExtensionsGenerator claimsCa = new ExtensionsGenerator();
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
            Extension extension = extensions.getExtension(oid);
            if (oid.equals(Extension.basicConstraints)) {
                claimsCa.addExtension(oid, true, new BasicConstraints(true));
            } else {
                claimsCa.addExtension(extension);
            }
        }

        X509Certificate tampered =
                withTbsElement(original, EXTENSIONS, new DERTaggedObject(true, 3, claimsCa.generate()));

        assertThat(tampered.getBasicConstraints()).as("the tamper took").isGreaterThanOrEqualTo(0);
        assertRejected(
                testPki.verifier().verify(List.of(tampered, testPki.pki().issuingCa())),
                VerificationResult.Reason.BAD_SIGNATURE,
                "CN=alice");
    }

    @Test
    void aSignatureBitStringWithUnusedBitsIsRefusedNotThrown() throws Exception {
        X509Certificate original = testPki.operator("alice", "operator").certificate();
        ASN1Sequence certificate = ASN1Sequence.getInstance(original.getEncoded());
        byte[] signature = ASN1BitString.getInstance(certificate.getObjectAt(2)).getOctets();
        byte[] der = new DERSequence(new ASN1Encodable[] {
                    certificate.getObjectAt(0), certificate.getObjectAt(1), new DERBitString(signature, 3)
                })
                .getEncoded(ASN1Encoding.DER);

        X509Certificate tampered = parse(der);

        assertRejected(
                testPki.verifier().verify(List.of(tampered, testPki.pki().issuingCa())),
                VerificationResult.Reason.BAD_SIGNATURE,
                "CN=alice");
    }

    @Test
    void aCertificateOfAnotherPkiWithTheSameNamesIsAnUnknownCaNotATamperedOne() throws Exception {
        // A re-created PKI of the same plant (same organisation, so the same CA names), or a test PKI.
        TestPki twin = TestPki.create(dir.resolve("twin"));
        X509Certificate foreign = twin.operator("alice", "operator").certificate();

        assertRejected(testPki.verifier().verify(List.of(foreign)), VerificationResult.Reason.UNKNOWN_CA, "CN=alice");
    }

    @Test
    void usageIsCheckedPerPurpose() throws Exception {
        CertificateVerifier verifier = testPki.verifier();
        List<X509Certificate> gateway = testPki.gateway("gw-usage", "gateway").chain();
        List<X509Certificate> operator = testPki.operator("alice", "operator").chain();

        // Only operators sign commands: a stolen gateway key cannot issue a switchover.
        assertRejected(
                verifier.verify(gateway, Purpose.COMMAND_SIGNING),
                VerificationResult.Reason.WRONG_USAGE,
                "1.3.6.1.5.5.7.3.4");
        assertRejected(
                verifier.verify(operator, Purpose.TLS_SERVER), VerificationResult.Reason.WRONG_USAGE, "TLS_SERVER");
        assertThat(verifier.verify(gateway, Purpose.TLS_SERVER).isValid()).isTrue();
        assertThat(verifier.verify(operator, Purpose.TLS_CLIENT).isValid()).isTrue();
    }

    @Test
    void onlyAnAuditKeySignsCheckpointsAndItSignsNothingElse() throws Exception {
        CertificateVerifier verifier = testPki.verifier();
        List<X509Certificate> audit = testPki.audit("gw-audit").chain();
        List<X509Certificate> operator = testPki.operator("alice", "operator").chain();
        List<X509Certificate> gateway = testPki.gateway("gw-usage", "gateway").chain();

        assertThat(verifier.verify(audit, Purpose.AUDIT_SIGNING).isValid()).isTrue();
        assertRejected(
                verifier.verify(operator, Purpose.AUDIT_SIGNING),
                VerificationResult.Reason.WRONG_USAGE,
                CertificateKind.AUDIT_SIGNING);
        assertRejected(
                verifier.verify(gateway, Purpose.AUDIT_SIGNING),
                VerificationResult.Reason.WRONG_USAGE,
                CertificateKind.AUDIT_SIGNING);
        assertRejected(
                verifier.verify(audit, Purpose.COMMAND_SIGNING),
                VerificationResult.Reason.WRONG_USAGE,
                "1.3.6.1.5.5.7.3.4");
        assertRejected(verifier.verify(audit, Purpose.TLS_CLIENT), VerificationResult.Reason.WRONG_USAGE, "TLS_CLIENT");
    }

    @Test
    void caCertificateOrNothingIsNotAnEndEntity() {
        CertificateVerifier verifier = testPki.verifier();

        assertRejected(
                verifier.verify(List.of(testPki.pki().issuingCa())),
                VerificationResult.Reason.WRONG_USAGE,
                "CA certificate");
        assertRejected(verifier.verify(List.of()), VerificationResult.Reason.MALFORMED, "no certificate");
    }

    @Test
    void newCrlFileIsPickedUpWithoutRebuildingTheVerifier() throws Exception {
        Path pkiDir = dir.resolve("reload-pki");
        Pki pki = Pki.create(pkiDir, "Reload Plant", TestPki.CA_PASSWORD);
        IssuedCertificate first = pki.issue(CertificateRequest.operator("ron", "operator"), TestPki.KEYSTORE_PASSWORD);
        IssuedCertificate second =
                pki.issue(CertificateRequest.operator("rita", "operator"), TestPki.KEYSTORE_PASSWORD);
        CertificateVerifier verifier = pki.verifier(Clock.systemUTC());
        assertThat(verifier.verify(first.chain()).isValid()).isTrue();

        pki.revoke(first.serial(), RevocationReason.SUPERSEDED);
        pki.publishCrl(Duration.ofDays(1));
        assertRejected(verifier.verify(first.chain()), VerificationResult.Reason.REVOKED, "ron");

        pki.revoke(second.serial(), RevocationReason.CESSATION_OF_OPERATION);
        pki.publishCrl(Duration.ofDays(1));
        assertRejected(verifier.verify(second.chain()), VerificationResult.Reason.REVOKED, "rita");
    }

    @Test
    void unreadableCrlFileIsReportedAsRevocationUnknown() throws Exception {
        IssuedCertificate controller = testPki.controller("plc-badcrl");
        Path broken = dir.resolve("broken-crl.pem");
        Files.writeString(broken, "-----BEGIN X509 CRL-----\nnot base64 at all\n-----END X509 CRL-----\n");
        CertificateVerifier verifier = CertificateVerifier.builder(testPki.pki().root())
                .intermediates(List.of(testPki.pki().issuingCa()))
                .crlFile(broken)
                .build();

        assertRejected(
                verifier.verify(controller.chain()), VerificationResult.Reason.REVOCATION_UNKNOWN, broken.toString());
    }

    private static void assertRejected(VerificationResult result, VerificationResult.Reason reason, String detail) {
        assertThat(result).isInstanceOfSatisfying(VerificationResult.Rejected.class, rejected -> {
            assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
            assertThat(rejected.detail()).containsIgnoringCase(detail);
        });
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** Positions in a v3 TBSCertificate. */
    private static final int VALIDITY = 4;

    private static final int EXTENSIONS = 7;

    private static ASN1Sequence tbsElements(X509Certificate certificate) throws Exception {
        return ASN1Sequence.getInstance(certificate.getTBSCertificate());
    }

    /** {@code certificate} with one element of its signed part replaced, under the original signature. */
    private static X509Certificate withTbsElement(X509Certificate certificate, int index, ASN1Encodable element)
            throws Exception {
        ASN1Encodable[] tbs = tbsElements(certificate).toArray();
        tbs[index] = element;
        ASN1Sequence outer = ASN1Sequence.getInstance(certificate.getEncoded());
        return parse(
                new DERSequence(new ASN1Encodable[] {new DERSequence(tbs), outer.getObjectAt(1), outer.getObjectAt(2)})
                        .getEncoded(ASN1Encoding.DER));
    }

    private static X509Certificate parse(byte[] der) throws Exception {
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
