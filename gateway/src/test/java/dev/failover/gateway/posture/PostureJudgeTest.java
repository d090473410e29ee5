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
                false,
                BASELINE.opcUa());
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

    private static ControllerPosture ua(String id, String build, ControllerPosture.OpcUa.Endpoint... endpoints) {
        return new ControllerPosture(
                id,
                NOW,
                List.of(),
                List.of(),
                cert("CN=Plant Issuing CA", 112, Duration.ofDays(365)),
                null,
                new ControllerPosture.Identity(id, "tank-pi 1.0", "plc-sim 0.1.0", "00ff"),
                new ControllerPosture.OpcUa(List.of(endpoints), build),
                List.of(),
                40);
    }

    private static ControllerPosture.OpcUa.Endpoint endpoint(String mode, String policy, String... tokens) {
        return new ControllerPosture.OpcUa.Endpoint(policy, mode, List.of(tokens));
    }

    private static final ControllerPosture.OpcUa.Endpoint SECURE =
            endpoint("SignAndEncrypt", "Basic256Sha256", "Certificate");
    private static final ControllerPosture.OpcUa.Endpoint PSS =
            endpoint("SignAndEncrypt", "Aes256_Sha256_RsaPss", "Certificate");

    @Test
    void aHardenedOpcUaServerMeetsTheBaselineAndTwoAlikeHaveParity() {
        ControllerPosture a = ua("plc-a", "plc-sim 0.1.0 build 1", SECURE, PSS);
        ControllerPosture b = ua("plc-b", "plc-sim 0.1.0 build 1", SECURE, PSS);

        assertThat(PostureJudge.baseline(BASELINE, a, NOW)).isEmpty();
        assertThat(PostureJudge.parity(BASELINE, a, b)).isEmpty();
    }

    @Test
    void aNoneEndpointAnonymousUsersAndAnotherBuildAreNamedOnTheWeakestOffer() {
        ControllerPosture a = ua("plc-a", "plc-sim 0.1.0 build 1", SECURE, PSS);
        ControllerPosture b = ua(
                "plc-b",
                "plc-sim 0.0.9 build 7",
                endpoint("SignAndEncrypt", "Basic256Sha256", "Certificate", "Anonymous"),
                endpoint("None", "None", "Anonymous"));

        assertThat(PostureJudge.baseline(BASELINE, b, NOW))
                .extracting(Finding::field, Finding::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("opcua.securityPolicies", Kind.VIOLATION),
                        org.assertj.core.groups.Tuple.tuple("opcua.securityModes", Kind.VIOLATION),
                        org.assertj.core.groups.Tuple.tuple("opcua.anonymous", Kind.VIOLATION));
        List<Finding> parity = PostureJudge.parity(BASELINE, a, b);
        assertThat(parity)
                .extracting(Finding::field, Finding::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("opcua.securityPolicies", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("opcua.securityModes", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("opcua.anonymous", Kind.WEAKER),
                        org.assertj.core.groups.Tuple.tuple("opcua.build", Kind.DIFFERENT));
        assertThat(parity.getFirst().detail())
                .isEqualTo("offers security policy None, the active Basic256Sha256 and stronger only");
        assertThat(PostureJudge.parity(BASELINE, b, a))
                .as("the hardened one is not weaker than the weak one")
                .extracting(Finding::kind)
                .containsOnly(Kind.DIFFERENT);
    }

    @Test
    void aSignOnlyEndpointIsWeakerThanSignAndEncryptAndTheBaselineCanAllowIt() {
        ControllerPosture a = ua("plc-a", "", SECURE);
        ControllerPosture b = ua("plc-b", "", SECURE, endpoint("Sign", "Basic256Sha256", "Certificate"));
        assertThat(PostureJudge.parity(BASELINE, a, b))
                .singleElement()
                .satisfies(
                        f -> assertThat(f.toString())
                                .isEqualTo(
                                        "opcua.securityModes: offers security mode Sign, the active SignAndEncrypt and stronger only"));

        PostureConfig lenient = BASELINE.withOpcUa(new PostureConfig.OpcUaBaseline(
                BASELINE.opcUa().policies(),
                java.util.Set.of("Sign", "SignAndEncrypt"),
                false,
                BASELINE.opcUa().identityNodes()));
        assertThat(PostureJudge.baseline(lenient, b, NOW)).isEmpty();
        assertThat(PostureJudge.baseline(BASELINE, b, NOW))
                .singleElement()
                .satisfies(f -> assertThat(f.detail())
                        .startsWith("offers security mode Sign; the baseline allows SignAndEncrypt"));
    }
}
