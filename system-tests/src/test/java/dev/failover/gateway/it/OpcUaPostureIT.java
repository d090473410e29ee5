package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.certs.TestPki;
import dev.failover.gateway.config.FailoverPolicy;
import dev.failover.gateway.config.PostureConfig;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.SecurityDetail;
import dev.failover.gateway.failover.Alarm;
import dev.failover.gateway.failover.SwitchoverReport;
import dev.failover.gateway.posture.ControllerPosture;
import dev.failover.gateway.posture.PostureStatus;
import dev.failover.testkit.OpcUaSimPair;
import dev.failover.testkit.SimPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standby is never weaker, for a pair reached over OPC UA (issue 13, part A): the gateway asks
 * each real Milo server what it offers anyone (GetEndpoints on a discovery channel of its own) and
 * reads its BuildInfo and identity nodes over its secure session; a None endpoint or anonymous users
 * switched on on the standby while it runs (plc-sim restarts its OPC UA server, as a PLC does when
 * its security settings change) is drift that refuses a planned switchover with the reason, and is
 * reported as a change of the controller's endpoints; restoring parity clears it.
 */
@Timeout(180)
class OpcUaPostureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path pkiDir;

    private static OpcUaSimPair.Certificates certificates;

    @TempDir
    Path stateDir;

    private SimPair pair;
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void issue() throws Exception {
        certificates = OpcUaSimPair.Certificates.issue(TestPki.create(pkiDir));
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    private PostureStatus posture() {
        return pair.gateway().posture().status(SimPair.PAIR);
    }

    private void awaitDriftOn(String field) {
        await().atMost(WAIT)
                .until(() -> posture().parity().stream().anyMatch(f -> f.field().equals(field))
                        && pair.status().alarms().containsKey(Alarm.STANDBY_LESS_SECURE));
    }

    private void awaitParity() {
        await().atMost(WAIT)
                .until(() -> posture().parity().isEmpty()
                        && !pair.status().alarms().containsKey(Alarm.STANDBY_LESS_SECURE)
                        && pair.protectedWith(pair.status().activeId()));
    }

    private SwitchoverReport plannedSwitchover() throws Exception {
        return pair.supervisor()
                .requestSwitchover("OpcUaPostureIT", "maintenance")
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void aNoneEndpointOrAnonymousUsersOnTheStandbyIsDriftThatRefusesAPlannedSwitchoverUntilParity() throws Exception {
        pair = OpcUaSimPair.start(
                FailoverPolicy.defaults().withHoldDown(Duration.ZERO),
                true,
                events::add,
                certificates,
                stateDir,
                c -> c.withSecurity(
                        c.security().withPosture(PostureConfig.defaults().withPeriod(Duration.ofMillis(500)))));
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        await().atMost(WAIT)
                .until(() -> posture().controllers().size() == 2
                        && posture().controllers().values().stream()
                                .allMatch(c -> c.identity() != null
                                        && !c.opcUa().build().isEmpty()));

        ControllerPosture a = posture().controllers().get(SimPair.A);
        assertThat(a.opcUa().endpoints())
                .extracting(ControllerPosture.OpcUa.Endpoint::toString)
                .containsExactlyInAnyOrder(
                        "SignAndEncrypt/Basic256Sha256 [Certificate]",
                        "SignAndEncrypt/Aes256_Sha256_RsaPss [Certificate]");
        assertThat(a.opcUa().build()).isEqualTo("dev.failover plc-sim 0.1.0 build 1");
        assertThat(a.certificate().subject()).contains("plc-a-ua");
        assertThat(a.certificate().key()).isEqualTo("RSA 2048");
        assertThat(a.identity().firmware()).isEqualTo("plc-sim 0.1.0");
        assertThat(a.identity().configHash()).hasSize(64);
        assertThat(a.tlsVersions()).isEmpty();
        assertThat(posture().parity()).isEmpty();
        assertThat(posture().baseline().values()).allMatch(List::isEmpty);

        pair.plc(SimPair.B).posture().opcUaNoneEndpoint(true);
        awaitDriftOn("opcua.securityPolicies");
        assertThat(posture().parity())
                .extracting(f -> f.field())
                .contains("opcua.securityPolicies", "opcua.securityModes");
        assertThat(posture().baseline().get(SimPair.B))
                .extracting(f -> f.toString())
                .contains("opcua.securityModes: offers security mode None; the baseline allows SignAndEncrypt");
        await().atMost(WAIT).until(() -> pair.protectedWith(SimPair.A));
        SwitchoverReport refused = plannedSwitchover();
        assertThat(refused.outcome()).isEqualTo(SwitchoverReport.Outcome.REFUSED);
        assertThat(refused.failure())
                .startsWith("standby plc-b is less secure than required: ")
                .contains("opcua.securityPolicies");
        assertThat(pair.plc(SimPair.A).snapshot().role()).isEqualTo(dev.failover.plcsim.Role.ACTIVE);
        assertThat(events)
                .anyMatch(e -> e.detail() instanceof SecurityDetail.ControllerIdentityChanged c
                        && c.field().equals("endpoints")
                        && c.to().contains("None/None"));

        pair.plc(SimPair.B).posture().opcUaNoneEndpoint(false);
        awaitParity();

        pair.plc(SimPair.B).posture().opcUaAnonymous(true);
        awaitDriftOn("opcua.anonymous");
        assertThat(posture().controllers().get(SimPair.B).opcUa().anonymous()).isTrue();
        pair.plc(SimPair.B).posture().opcUaAnonymous(false);
        awaitParity();

        SwitchoverReport done = plannedSwitchover();
        assertThat(done.ok()).as(done.toString()).isTrue();
        assertThat(pair.plc(SimPair.B).snapshot().role()).isEqualTo(dev.failover.plcsim.Role.ACTIVE);
    }
}
