package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.testkit.BusyLoops;
import dev.failover.testkit.FieldObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: CPU starvation is not a controller fault. The gateway runs as a child process at the
 * default timings (20 ms polls, an adaptive deadline of 15-60 ms, 3 misses) while two busy loops per
 * core run beside it for 60 s, starving it, the controllers and this test alike: no failover may
 * follow, as the controllers' own role-change counters, read by an observer independent of the
 * gateway, must show. Then, still under load, a real crash of the active must fail over; the RTO seen
 * from outside is printed.
 */
@Timeout(300)
class CpuStarvationIT {

    private static final Duration LOAD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private GatewayKillRig rig;
    private FieldObserver observer;

    @BeforeEach
    void start() throws Exception {
        rig = new GatewayKillRig(dir, GatewayKillRig.DEFAULT_FAILOVER);
        observer = rig.observer();
        rig.startGateway();
        rig.awaitProtected();
        rig.awaitArmed();
    }

    /** What the gateway said, for a failed run: its failover events and the end of its log. */
    private void diagnose() {
        try {
            System.out.println("CpuStarvationIT: the gateway's events of the run:");
            rig.events().stream()
                    .filter(e -> e.path("type").asText().matches("SWITCHOVER.*|CONTROLLER_.*|ALARM_.*|COMMON_MODE.*"))
                    .forEach(e -> System.out.println("  " + e));
            System.out.println("CpuStarvationIT: the end of the gateway's log:\n"
                    + rig.gateway().logTail());
        } catch (Exception e) {
            System.out.println("CpuStarvationIT: no diagnosis: " + e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (observer != null) {
            observer.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void twoBusyLoopsPerCoreFailNothingOverAndACrashUnderThemStillFailsOver() throws Exception {
        try {
            underLoad();
        } catch (AssertionError | RuntimeException e) {
            diagnose();
            throw e;
        }
    }

    private void underLoad() throws Exception {
        String active = rig.activeId();
        String standby = rig.standbyId();
        await().atMost(GatewayKillRig.WAIT)
                .until(() -> observer.roleChanges(active) >= 0 && observer.roleChanges(standby) >= 0);
        long activeChanges = observer.roleChanges(active);
        long standbyChanges = observer.roleChanges(standby);
        int switchovers = rig.switchovers();

        try (BusyLoops load = BusyLoops.perCore(2)) {
            assertThat(load.count()).isEqualTo(2 * Runtime.getRuntime().availableProcessors());
            long end = System.nanoTime() + LOAD.toNanos();
            // Watch the controllers throughout the load: the first role change fails the test at once.
            await().atMost(LOAD.plusSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertThat(observer.roleChanges(active))
                                .as("role changes of the active %s under load", active)
                                .isEqualTo(activeChanges);
                        assertThat(observer.roleChanges(standby))
                                .as("role changes of the standby %s under load", standby)
                                .isEqualTo(standbyChanges);
                        return System.nanoTime() >= end;
                    });
            assertThat(rig.switchovers())
                    .as("switchovers the gateway made under load")
                    .isEqualTo(switchovers);
            assertThat(observer.role(active)).isEqualTo("ACTIVE");

            // Load discounts nothing that is real: a crash under it still fails over.
            long crashed = System.nanoTime();
            rig.plc(active).faults().crash();
            await().atMost(GatewayKillRig.WAIT)
                    .until(() -> observer.drivingFrom(standby, crashed).isPresent());
            OptionalLong driving = observer.drivingFrom(standby, crashed);
            System.out.printf(
                    "CpuStarvationIT: crash under %d busy loops failed over to %s; RTO seen from outside %.1f ms%n",
                    load.count(), standby, (driving.getAsLong() - crashed) / 1e6);
        }
        assertThat(observer.twoDrivers()).as("%s", observer.violations()).isZero();
        assertThat(observer.twoActive()).as("%s", observer.violations()).isZero();
    }
}
