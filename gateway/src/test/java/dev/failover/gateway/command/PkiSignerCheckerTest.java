package dev.failover.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.IssuedCertificate;
import dev.failover.certs.TestPki;
import dev.failover.gateway.command.CommandGuardTest.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signer verdict cache: reused while valid, never across a new CRL, never for rejections. */
class PkiSignerCheckerTest {

    @TempDir
    Path dir;

    @Test
    void aRevocationTakesEffectAsSoonAsTheNewCrlIsPublishedEvenForARememberedSigner() throws Exception {
        TestPki pki = TestPki.create(dir);
        IssuedCertificate bob = pki.operator("bob", "operator");
        MutableClock clock = new MutableClock(Instant.now());
        PkiSignerChecker checker =
                new PkiSignerChecker(pki.verifier(clock), pki.crlFile(), clock, Duration.ofMinutes(5));

        assertThat(checker.check(bob.certificate())).isEmpty();
        assertThat(checker.check(bob.certificate())).as("remembered").isEmpty();

        pki.pki().revoke(bob.serial(), dev.failover.certs.RevocationReason.KEY_COMPROMISE);
        pki.pki().publishCrl(Duration.ofDays(1));
        // File systems with coarse timestamps: make sure the new CRL file is seen as new.
        Files.setLastModifiedTime(pki.crlFile(), FileTime.from(Instant.now().plusSeconds(5)));
        // A revocation counts from its date, in whole seconds, which may be after this clock's start.
        clock.advance(Duration.ofSeconds(2));

        assertThat(checker.check(bob.certificate()))
                .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(RejectReason.REVOKED));
    }

    @Test
    void aRememberedVerdictExpiresWithItsTimeToLive() throws Exception {
        TestPki pki = TestPki.create(dir);
        IssuedCertificate carol = pki.operator("carol", "operator");
        MutableClock clock = new MutableClock(Instant.now());
        PkiSignerChecker checker =
                new PkiSignerChecker(pki.verifier(clock), pki.crlFile(), clock, Duration.ofSeconds(10));
        assertThat(checker.check(carol.certificate())).isEmpty();

        // Past the certificate's expiry the remembered verdict must not be used.
        clock.advance(Duration.between(
                        clock.instant(), carol.certificate().getNotAfter().toInstant())
                .plusDays(1));

        assertThat(checker.check(carol.certificate()))
                .hasValueSatisfying(r ->
                        assertThat(r.reason()).isIn(RejectReason.CERTIFICATE_EXPIRED, RejectReason.REVOCATION_UNKNOWN));
    }
}
