package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.GatewayConfig;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.SecurityDetail;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.posture.Finding;
import dev.failover.plcsim.modbus.TlsPosture;
import dev.failover.testkit.PortReservation;
import dev.failover.testkit.SimPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standby is never weaker (issue 13, part A), with real controllers over Modbus/TCP Security:
 * the gateway probes both from outside (real handshakes, a real plain Modbus listener, the identity
 * block over its link); each dimension weakened on the standby while it runs is named as drift within
 * a probe period, raises STANDBY_LESS_SECURE and refuses a planned switchover with the reason; the same
 * weakening on both is a baseline violation, not drift; restoring parity clears it and the planned
 * switchover goes through.
 */
@Timeout(120)
class PostureIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration PERIOD = Duration.ofMillis(500);

    @TempDir
    static Path pkiDir;

    private static TestPki pki;

    @TempDir
    Path stateDir;

    private SimPair pair;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private PortReservation plainA;
    private PortReservation plainB;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(pkiDir);
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
        if (plainA != null) {
            plainA.close();
        }
        if (plainB != null) {
            plainB.close();
        }
    }

    private void start() throws Exception {
        start(false);
    }

    private void start(boolean blockOnFailure) throws Exception {
        plainA = PortReservation.onLoopback();
        plainB = PortReservation.onLoopback();
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                pki,
                stateDir,
                config -> withBaseline(
                        config,
                        PostureConfig.defaults()
                                .withPeriod(PERIOD)
                                .withPlainModbusPort(SimPair.A, plainA.port())
                                .withPlainModbusPort(SimPair.B, plainB.port())
                                .withBlockOnFailure(blockOnFailure)));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        await().atMost(WAIT).until(() -> posture().controllers().size() == 2);
    }

    private static GatewayConfig withBaseline(GatewayConfig c, PostureConfig baseline) {
        return c.withSecurity(c.security().withPosture(baseline));
    }

    private dev.failover.gateway.posture.PostureStatus posture() {
        return pair.gateway().posture().status(SimPair.PAIR);
    }

    private <T extends EventDetail> List<T> details(Class<T> kind) {
        return events.stream()
                .map(GatewayEvent::detail)
                .filter(kind::isInstance)
                .map(kind::cast)
                .toList();
    }

    private SwitchoverReport plannedSwitchover() throws Exception {
        return pair.supervisor().requestSwitchover("PostureIT", "maintenance").get(30, TimeUnit.SECONDS);
    }

    private void awaitDriftOn(String field) {
        await().atMost(WAIT)
                .until(() -> posture().parity().stream().anyMatch(f -> f.field().equals(field))
                        && pair.status().alarms().containsKey(Alarm.STANDBY_LESS_SECURE));
    }

    private void awaitParity() {
        await().atMost(WAIT)
                .until(() ->
                        posture().parity().isEmpty() && !pair.status().alarms().containsKey(Alarm.STANDBY_LESS_SECURE));
    }

    @Test
    void twoAlikeControllersHaveParityAndMeetTheBaseline() throws Exception {
        start();

        assertThat(posture().parity()).isEmpty();
        assertThat(posture().baseline().values()).allMatch(List::isEmpty);
        var a = posture().controllers().get(SimPair.A);
        assertThat(a.tlsVersions()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(a.weakSuites()).isEmpty();
        assertThat(a.cipherSuites()).isNotEmpty();
        assertThat(a.plainModbus()).isFalse();
        assertThat(a.certificate().subject()).contains("plc-a");
        assertThat(a.identity().firmware()).isEqualTo("plc-sim 0.1.0");
        assertThat(details(SecurityDetail.PostureDrift.class)).isEmpty();
    }

    @Test
    void eachDimensionWeakenedOnTheStandbyIsDriftThatRefusesAPlannedSwitchoverUntilParityReturns() throws Exception {
        start();

        pair.plc(SimPair.B).posture().cipherSuites(TlsPosture.Suites.CBC);
        awaitDriftOn("cipherSuites");
        SwitchoverReport refused = plannedSwitchover();
        assertThat(refused.outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
        assertThat(refused.failure())
                .startsWith("standby plc-b is less secure than required: ")
                .contains("cipherSuites");
        assertThat(pair.status().activeId()).isEqualTo(SimPair.A);
        assertThat(details(SecurityDetail.PostureDrift.class)).last().satisfies(d -> {
            assertThat(d.standby()).isEqualTo(SimPair.B);
            assertThat(d.differences()).anyMatch(t -> t.startsWith("cipherSuites: accepts"));
        });
        assertThat(details(SecurityDetail.PostureBaselineViolated.class)).isNotEmpty();
        pair.plc(SimPair.B).posture().cipherSuites(TlsPosture.Suites.STRONG);
        awaitParity();

        pair.plc(SimPair.B).posture().plainModbus(OptionalInt.of(plainB.release()));
        awaitDriftOn("plainModbus");
        pair.plc(SimPair.B).posture().plainModbus(OptionalInt.empty());
        awaitParity();

        pair.plc(SimPair.B).posture().firmwareVersion("plc-sim 0.0.9");
        awaitDriftOn("identity.firmware");
        pair.plc(SimPair.B).posture().firmwareVersion("plc-sim 0.1.0");
        awaitParity();

        pair.plc(SimPair.A).posture().tlsVersions(TlsPosture.Versions.TLS13);
        awaitDriftOn("tls");
        pair.plc(SimPair.A).posture().tlsVersions(TlsPosture.Versions.TLS12_AND_13);
        awaitParity();

        assertThat(details(SecurityDetail.PostureParity.class)).hasSizeGreaterThanOrEqualTo(4);
        SwitchoverReport done = plannedSwitchover();
        assertThat(done.ok()).as(done.toString()).isTrue();
        assertThat(pair.status().activeId()).isEqualTo(SimPair.B);
    }

    @Test
    void theSameWeakeningOnBothIsABaselineViolationNotDrift() throws Exception {
        start();
        events.clear();

        pair.plc(SimPair.A).posture().cipherSuites(TlsPosture.Suites.CBC);
        pair.plc(SimPair.B).posture().cipherSuites(TlsPosture.Suites.CBC);

        await().atMost(WAIT)
                .until(() -> posture().baseline().values().stream()
                        .allMatch(f -> f.stream().anyMatch(x -> x.field().equals("cipherSuites"))));
        await().atMost(WAIT).until(() -> pair.status().alarms().containsKey(Alarm.STANDBY_LESS_SECURE));
        assertThat(posture().parity()).as("both alike: no drift").isEmpty();
        assertThat(details(SecurityDetail.PostureBaselineViolated.class)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(plannedSwitchover().outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
    }

    @Test
    void aRealFailureStillPromotesAWeakerStandbyAndTheGatewayStaysInHeightenedModeUntilParity() throws Exception {
        start();
        pair.plc(SimPair.B).posture().plainModbus(OptionalInt.of(plainB.release()));
        awaitDriftOn("plainModbus");

        pair.plc(SimPair.A).faults().crash();

        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(dev.failover.plcsim.Role.ACTIVE);
        await().atMost(WAIT).until(() -> pair.status().alarms().containsKey(Alarm.ACTIVE_LESS_SECURE));
        assertThat(pair.status().alarms().get(Alarm.ACTIVE_LESS_SECURE)).contains("plainModbus");

        // An engineer accepts it for now with a signed waiver.
        var erin = pki.identity(pki.operator("erin", "engineer"));
        java.time.Instant now = java.time.Instant.now();
        var waiver = new dev.failover.gateway.command.Command(
                java.util.UUID.randomUUID().toString(),
                now,
                now.plusSeconds(60),
                SimPair.PAIR,
                dev.failover.gateway.config.CommandAction.WAIVE_POSTURE,
                java.util.Map.of("reason", "plain port closed at the next stop"));
        var result = pair.gateway()
                .commands()
                .submit(
                        dev.failover.gateway.command.cms.CmsEnvelope.sign(
                                waiver.canonicalJson(), erin.privateKey(), erin.chain()),
                        "PostureIT");
        assertThat(result.outcome())
                .as(result.toString())
                .isEqualTo(dev.failover.gateway.command.CommandResult.Outcome.DONE);
        assertThat(result.detail()).startsWith("waived: active plc-b: ").contains("plainModbus");
        assertThat(pair.status().alarms()).doesNotContainKey(Alarm.ACTIVE_LESS_SECURE);
        assertThat(events)
                .anyMatch(e -> e.detail() instanceof dev.failover.gateway.events.PairDetail.PostureWaived w
                        && w.signer().contains("erin"));

        pair.plc(SimPair.B).posture().plainModbus(OptionalInt.empty());
        await().atMost(WAIT).until(() -> posture().baseline().get(SimPair.B).isEmpty());
    }

    @Test
    void withOnFailureBlockAStandbyBelowTheBaselineIsNotPromotedEvenOnARealFailure() throws Exception {
        start(true);
        pair.plc(SimPair.B).posture().cipherSuites(TlsPosture.Suites.CBC);
        awaitDriftOn("cipherSuites");

        pair.plc(SimPair.A).faults().crash();

        await().atMost(WAIT).until(() -> pair.status().alarms().containsKey(Alarm.STANDBY_BELOW_BASELINE));
        long cycles = pair.status().health().get(SimPair.B).heartbeat();
        await().atMost(WAIT).until(() -> pair.status().health().get(SimPair.B).heartbeat() > cycles + 20);
        assertThat(pair.plc(SimPair.B).snapshot().role())
                .as("read from the controller itself: never promoted")
                .isEqualTo(dev.failover.plcsim.Role.STANDBY);

        pair.plc(SimPair.B).posture().cipherSuites(TlsPosture.Suites.STRONG);
        await().atMost(WAIT).until(() -> SimPair.B.equals(pair.status().activeId()));
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(dev.failover.plcsim.Role.ACTIVE);
    }

    @Test
    void aStandbyCertificateWithAWeakerKeyAndCloseToExpiryIsNamed(@TempDir Path ownPki) throws Exception {
        TestPki weakB = TestPki.create(ownPki);
        plainA = PortReservation.onLoopback();
        plainB = PortReservation.onLoopback();
        weakB.controller(SimPair.B, dev.failover.certs.KeyAlgorithm.RSA_2048, Duration.ofDays(10));
        pair = SimPair.startSecure(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                weakB,
                stateDir,
                config -> withBaseline(
                        config,
                        PostureConfig.defaults()
                                .withPeriod(PERIOD)
                                .withPlainModbusPort(SimPair.A, plainA.port())
                                .withPlainModbusPort(SimPair.B, plainB.port())));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));

        awaitDriftOn("certificate.key");
        assertThat(posture().parity())
                .extracting(Finding::toString)
                .contains("certificate.key: its key is RSA 2048 (112-bit security), the active's EC 256 (128)");
        assertThat(posture().baseline().get(SimPair.B)).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("certificate.notAfter");
            assertThat(f.kind())
                    .as("close to expiry is a warning, not a violation")
                    .isEqualTo(Finding.Kind.WARNING);
            assertThat(f.detail()).startsWith("its certificate expires on ");
        });
        SwitchoverReport refused = plannedSwitchover();
        assertThat(refused.outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
        assertThat(refused.failure()).contains("certificate.key");
    }
}
