package dev.failover.gateway.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.config.AnomalyConfig;
import dev.failover.gateway.config.AnomalyConfig.Rule;
import dev.failover.gateway.config.AnomalyConfig.Settings;
import dev.failover.gateway.events.CommandDetail;
import dev.failover.gateway.events.EventDetail;
import dev.failover.gateway.events.GatewayDetail;
import dev.failover.gateway.events.GatewayEvent;
import dev.failover.gateway.events.PairDetail;
import dev.failover.gateway.events.SecurityDetail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the anomaly watch fires on what it is for, with its technique and evidence, and stays
 * quiet in normal operation: planned switchovers and drills, ordinary signed writes, a real crash
 * failover with nothing suspicious before it.
 */
class AnomalyRulesTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    private final AnomalyRules rules = new AnomalyRules(AnomalyConfig.defaults());
    private final List<SecurityDetail.Anomaly> fired = new ArrayList<>();

    private void at(long seconds, String controller, EventDetail detail) {
        fired.addAll(rules.on(new GatewayEvent(T0.plusSeconds(seconds), "tank-1", controller, "test", detail)));
    }

    private static PairDetail.SwitchoverCompleted switchover(String kind, String from, String to) {
        return new PairDetail.SwitchoverCompleted(kind, from, to, null, 40.0, null, 20.0, 60.0, null, "fenced", 1);
    }

    private static SecurityDetail.ControlRefused refused(String peer) {
        return new SecurityDetail.ControlRefused("NO_CERTIFICATE", peer, null, null, null);
    }

    @Test
    void aFailoverSoonAfterRefusalsIsAFailoverUnderAttackWithTheEvidence() {
        at(0, "", refused("10.0.0.66:40001"));
        at(1, "", new GatewayDetail.EventsRepeated("CONTROL_REFUSED", "NO_CERTIFICATE", 12, T0, T0.plusSeconds(1)));
        at(60, "plc-b", switchover("FAILOVER", "plc-a", "plc-b"));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("failoverUnderAttack");
            assertThat(a.severity()).isEqualTo("HIGH");
            assertThat(a.technique()).isEqualTo("T0814");
            assertThat(a.evidence()).hasSize(3).last().asString().contains("SWITCHOVER_COMPLETED");
            assertThat(a.evidence().getFirst()).contains("CONTROL_REFUSED");
        });
    }

    @Test
    void normalOperationFiresNothing() {
        at(0, "", new CommandDetail.CommandAccepted("c1", "write-tag", "{}", "CN=alice", "operator", "test"));
        at(1, "", new CommandDetail.CommandDone("c1", "write-tag", "CN=alice", "DONE"));
        at(2, "plc-b", switchover("MANUAL", "plc-a", "plc-b"));
        at(3, "plc-a", switchover("FAILBACK", "plc-b", "plc-a"));
        at(400, "plc-b", switchover("FAILOVER", "plc-a", "plc-b"));
        at(401, "plc-a", new PairDetail.ControllerHealth("FAILED", "HEALTHY", "STANDBY", "RUN"));
        at(402, "plc-a", new PairDetail.ControllerHealth("HEALTHY", "FAILED", "STANDBY", "FAULT"));

        assertThat(fired).isEmpty();
    }

    @Test
    void aRefusalLongBeforeTheFailoverIsNotEvidence() {
        at(0, "", refused("10.0.0.66:40001"));
        at(301, "plc-b", switchover("FAILOVER", "plc-a", "plc-b"));

        assertThat(fired).isEmpty();
    }

    @Test
    void threeFailoversAwayFromOneControllerWithinAnHourAreRepeatedFaults() {
        at(0, "plc-b", switchover("FAILOVER", "plc-a", "plc-b"));
        at(600, "plc-a", switchover("FAILOVER", "plc-b", "plc-a"));
        at(1200, "plc-b", switchover("FAILOVER", "plc-a", "plc-b"));
        at(1800, "plc-a", switchover("FAILOVER", "plc-b", "plc-a"));
        assertThat(fired).isEmpty();

        at(2400, "plc-b", switchover("FAILOVER", "plc-a", "plc-b"));

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("repeatedFaults");
            assertThat(a.technique()).isEqualTo("T0816");
            assertThat(a.evidence()).hasSize(3).allMatch(l -> l.endsWith("away from plc-a"));
        });
    }

    @Test
    void twentyRefusalsOfOneSourceWithinAMinuteAreABurstReportedOncePerWindow() {
        for (int i = 0; i < 19; i++) {
            at(i, "", new CommandDetail.CommandRejected("BAD_SIGNATURE", "c" + i, null, null, "CN=mallory", null, "x"));
        }
        assertThat(fired).isEmpty();

        for (int i = 19; i < 40; i++) {
            at(i, "", new CommandDetail.CommandRejected("BAD_SIGNATURE", "c" + i, null, null, "CN=mallory", null, "x"));
        }

        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("refusalBurst");
            assertThat(a.technique()).isEqualTo("T0855");
            assertThat(a.evidence().getFirst()).contains("signer CN=mallory");
        });
    }

    @Test
    void aSummaryOfRepeatedRefusalsCountsItsRepeats() {
        at(0, "", new GatewayDetail.EventsRepeated("SCADA_SESSION_REFUSED", "ANONYMOUS_NOT_ALLOWED", 25, T0, T0));

        assertThat(fired).extracting(SecurityDetail.Anomaly::rule).containsExactly("refusalBurst");
        assertThat(fired.getFirst().technique()).isEqualTo("T0859");
    }

    @Test
    void aClaimedActiveAStopAndAChangedControllerEachFire() {
        at(0, "", new PairDetail.AlarmRaised("SPLIT_BRAIN"));
        at(1, "plc-b", new PairDetail.ControllerHealth("HEALTHY", "HEALTHY", "STANDBY", "RUN"));
        at(2, "plc-b", new PairDetail.ControllerHealth("HEALTHY", "FAILED", "STANDBY", "STOP"));
        at(3, "plc-b", new SecurityDetail.ControllerIdentityChanged("certificate", "ab", "cd"));
        at(4, "plc-b", new SecurityDetail.ControllerIdentityChanged("firmware", "1.0", "0.9"));
        at(5, "plc-b", new SecurityDetail.ControllerIdentityChanged("configHash", "00", "ff"));
        at(6, "plc-a", new PairDetail.HeartbeatIrregular("BACKWARDS", 5000, 4000, 20));
        at(7, "plc-a", new SecurityDetail.ControllerWrittenByOther("plain", 12));

        assertThat(fired)
                .extracting(SecurityDetail.Anomaly::rule, SecurityDetail.Anomaly::technique)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("claimedActive", "T0831"),
                        org.assertj.core.groups.Tuple.tuple("modeChange", "T0858"),
                        org.assertj.core.groups.Tuple.tuple("controllerChanged", "T0830"),
                        org.assertj.core.groups.Tuple.tuple("controllerChanged", "T0839"),
                        org.assertj.core.groups.Tuple.tuple("controllerChanged", "T0843"),
                        org.assertj.core.groups.Tuple.tuple("heartbeatIrregular", "T0856"),
                        org.assertj.core.groups.Tuple.tuple("foreignWriter", "T0855"));
    }

    @Test
    void aDisabledRuleNeverFires() {
        AnomalyRules quiet = new AnomalyRules(
                new AnomalyConfig(Map.of(Rule.CLAIMED_ACTIVE, new Settings(false, Duration.ofMinutes(1), 1))));

        assertThat(quiet.on(new GatewayEvent(T0, "tank-1", "", "x", new PairDetail.AlarmRaised("SPLIT_BRAIN"))))
                .isEmpty();
    }

    @Test
    void aControllerChangedInsideAChangeWindowIsPlannedNotSuspicious() {
        // Saturday 06:00-10:00 UTC; T0 is Monday 08:00 UTC.
        AnomalyRules windowed = new AnomalyRules(new AnomalyConfig(
                Map.of(),
                List.of(dev.failover.gateway.config.ChangeWindow.parse("Mon 07:00-09:00")),
                java.time.ZoneOffset.UTC));
        List<SecurityDetail.Anomaly> out = new ArrayList<>();
        out.addAll(windowed.on(new GatewayEvent(
                T0, "tank-1", "plc-b", "x", new SecurityDetail.ControllerIdentityChanged("program", "1.0", "1.1"))));
        out.addAll(windowed.on(new GatewayEvent(
                T0.plusSeconds(60), "tank-1", "plc-b", "x", switchover("FAILOVER", "plc-a", "plc-b"))));
        assertThat(out)
                .as("inside the window: no controllerChanged, and the failover is a fault")
                .isEmpty();

        out.addAll(windowed.on(new GatewayEvent(
                T0.plusSeconds(3_600),
                "tank-1",
                "plc-b",
                "x",
                new SecurityDetail.ControllerIdentityChanged("program", "1.1", "6.6"))));
        assertThat(out)
                .as("after the window closed at 09:00")
                .extracting(SecurityDetail.Anomaly::rule)
                .containsExactly("controllerChanged");
    }
}
