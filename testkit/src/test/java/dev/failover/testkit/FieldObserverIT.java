package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.plcsim.Plant;
import dev.failover.plcsim.Role;
import dev.failover.plcsim.SimConfig;
import dev.failover.plcsim.SimulatedPlc;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The independent observer the failover tests rely on must see a split brain when there is one. */
class FieldObserverIT {

    private static FieldObserver watch(Plant plant, SimulatedPlc a, SimulatedPlc b) {
        return FieldObserver.start(
                plant,
                List.of(
                        new FieldObserver.Controller("plc-a", "127.0.0.1", a.controlPort()),
                        new FieldObserver.Controller("plc-b", "127.0.0.1", b.controlPort())));
    }

    @Test
    void twoActiveControllersAreSeenAsTwoFeedersAndTwoActiveClaims() throws Exception {
        try (Plant plant = Plant.inMemory();
                SimulatedPlc a = SimulatedPlc.start(SimConfig.of("plc-a", Role.ACTIVE), plant);
                SimulatedPlc b = SimulatedPlc.start(SimConfig.of("plc-b", Role.ACTIVE), plant)) {
            FieldObserver observer = watch(plant, a, b);
            try {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> observer.twoDrivers() > 0 && observer.twoActive() > 0);
                assertThat(observer.violations()).isNotEmpty();
            } finally {
                observer.close();
            }
        }
    }

    @Test
    void aHealthyPairGivesNeither() throws Exception {
        try (Plant plant = Plant.inMemory();
                SimulatedPlc a = SimulatedPlc.start(SimConfig.of("plc-a", Role.ACTIVE), plant);
                SimulatedPlc b = SimulatedPlc.start(SimConfig.of("plc-b", Role.STANDBY), plant)) {
            FieldObserver observer = watch(plant, a, b);
            try {
                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> observer.drivingFrom("plc-a", start - 1_000_000_000L)
                                        .isPresent()
                                && observer.samples() > 200);
                assertThat(observer.twoDrivers()).isZero();
                assertThat(observer.twoActive()).isZero();
                assertThat(observer.role("plc-b")).isEqualTo("STANDBY");
            } finally {
                observer.close();
            }
        }
    }
}
