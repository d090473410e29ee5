package dev.failover.gateway.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.posture.Finding.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The posture verdicts (issue 13, part A): each controller against the baseline, the standby against
 * the active "identical or stronger", each dimension on the weakest thing offered; only what both
 * probes learned is compared.
 */
class PostureJudgeTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
    private static final String GCM = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    private static final String CBC = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
    private static final PostureConfig BASELINE = PostureConfig.defaults();

    private static ControllerPosture.Certificate cert(String issuer, int bits, Duration left) {
        return new ControllerPosture.Certificate("CN=plc", issuer, NOW.plus(left), "EC " + bits * 2, bits, "ab12");
    }

    private static ControllerPosture posture(
            String id, List<String> tls, List<String> suites, Boolean plain, String firmware) {
        return new ControllerPosture(
                id,
                NOW,
                tls,
                suites,
                cert("CN=Plant Issuing CA", 128, Duration.ofDays(365)),
                plain,
                new ControllerPosture.Identity(id, "tank-pi 1.0", firmware, "00ff"),
                List.of(),
                300);
    }

    private static final ControllerPosture STRONG =
            posture("plc-a", List.of("TLSv1.3", "TLSv1.2"), List.of(GCM), false, "plc-sim 0.1.0");

    @Test
    void aHardenedControllerMeetsTheBaselineAndTwoAlikeHaveParity() {
        ControllerPosture twin = posture("plc-b", List.of("TLSv1.3", "TLSv1.2"), List.of(GCM), false, "plc-sim 0.1.0");

        assertThat(PostureJudge.baseline(BASELINE, STRONG, NOW)).isEmpty();
        assertThat(PostureJudge.parity(BASELINE, STRONG, twin)).isEmpty();
    }

    @Test
    void eachWeakenedDimensionIsNamedWithItsValues() {
        ControllerPosture weak = new ControllerPosture(
                "plc-b",
                NOW,
                List.of("TLSv1.2"),
                List.of(GCM, CBC),
                cert("CN=Other CA", 112, Duration.ofDays(10)),
                true,
                new ControllerPosture.Identity("plc-b", "tank-pi 1.0", "plc-sim 0.0.9", "00ff"),
                List.of(),
                300);
        ControllerPosture active = posture("plc-a", List.of("TLSv1.3"), List.of(), false, "plc-sim 0.1.0");

        assertThat(PostureJudge.baseline(BASELINE.withPlainModbusPort("plc-b", 15020), weak, NOW))
                .extracting(Finding::field, Finding::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cipherSuites", Kind.VIOLATION),
                        org.assertj.core.groups.Tuple.tuple("plainModbus", Kind.VIOLATION),
                        org.assertj.core.groups.Tuple.tuple("certificate.notAfter", Kind.WARNING));
        List<Finding> parity = PostureJudge.parity(BASELINE, active, weak);
        assertThat(parity)
                .extracting(Finding::field, Finding::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tls", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("cipherSuites", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("plainModbus", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("certificate.key", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("certificate.issuer", Kind.DIFFERENT),
                        org.assertj.core.groups.Tuple.tuple("identity.firmware", Kind.DIFFERENT));
        assertThat(parity.getFirst().detail()).isEqualTo("accepts TLSv1.2, the active TLSv1.3 and newer only");
        assertThat(parity.getLast().detail()).isEqualTo("reports firmware plc-sim 0.0.9, the active plc-sim 0.1.0");
    }

    @Test
    void aStrongerStandbyHasParityAndTheWeakestOfferDecides() {
        ControllerPosture tls13Only = posture("plc-b", List.of("TLSv1.3"), List.of(), false, "plc-sim 0.1.0");
        ControllerPosture tls12Only = posture("plc-b", List.of("TLSv1.2"), List.of(GCM), false, "plc-sim 0.1.0");

        assertThat(PostureJudge.parity(BASELINE, STRONG, tls13Only))
                .as("stronger")
                .isEmpty();
        assertThat(PostureJudge.parity(BASELINE, STRONG, tls12Only))
                .as("no TLS 1.3, but its weakest offer, TLS 1.2, is the active's weakest too")
                .isEmpty();
    }

    @Test
    void aBaselineOfTls13RefusesTls12AndAnExpiredCertificateIsAViolation() {
        PostureConfig strict = new PostureConfig(
                BASELINE.period(),
                "TLSv1.3",
                true,
                false,
                502,
                java.util.Map.of(),
                BASELINE.certificateExpiryWarning(),
                BASELINE.mustMatch(),
                100,
                false);
        ControllerPosture expired = new ControllerPosture(
                "plc-a",
                NOW,
                List.of("TLSv1.3", "TLSv1.2"),
                List.of(GCM),
                cert("CN=Plant Issuing CA", 128, Duration.ofDays(-1)),
                false,
                null,
                List.of("identity: timeout"),
                300);

        assertThat(PostureJudge.baseline(strict, expired, NOW))
                .extracting(Finding::field, Finding::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tls", Kind.VIOLATION),
                        org.assertj.core.groups.Tuple.tuple("certificate.notAfter", Kind.VIOLATION));
    }

    @Test
    void whatAProbeCouldNotLearnIsNotAFinding() {
        ControllerPosture unreachable = new ControllerPosture(
                "plc-b", NOW, List.of(), List.of(), null, null, null, List.of("tls: connection refused"), 2);

        assertThat(PostureJudge.baseline(BASELINE, unreachable, NOW)).isEmpty();
        assertThat(PostureJudge.parity(BASELINE, STRONG, unreachable)).isEmpty();
    }
}
