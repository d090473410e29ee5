package dev.failover.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.failover.testkit.FieldObserver;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, safety rule 10: a miss counts only if the gateway was there to see it. The gateway runs
 * as a child process at the default timings (20 ms polls, 15 ms timeout, 3 misses) and is stopped
 * with SIGSTOP for 50, 200 and 2,000 ms, twice each, then resumed with SIGCONT: every poll in flight
 * times out, yet no failover may follow. Then a real crash of the active still fails over. An
 * observer independent of the gateway watches the plant and both controllers throughout.
 */
@Timeout(180)
class GatewayPauseIT {

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

    @AfterEach
    void stop() throws Exception {
        if (rig != null && rig.gateway() != null) {
            rig.gateway().signal("CONT");
        }
        if (observer != null) {
            observer.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void pausesOfTheGatewayItselfNeverFailOverAndARealCrashAfterThemStillDoes() throws Exception {
        String active = rig.activeId();
        int before = rig.switchovers();

        for (long pauseMillis : new long[] {50, 200, 2_000, 50, 200, 2_000}) {
            rig.gateway().signal("STOP");
            await().pollDelay(Duration.ofMillis(pauseMillis))
                    .atMost(Duration.ofMillis(pauseMillis + 1_000))
                    .until(() -> true);
            rig.gateway().signal("CONT");
            // Long enough for three polls past the pause to have been judged.
            await().pollDelay(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
            rig.awaitProtected();
            assertThat(rig.activeId())
                    .as("active after a %d ms pause of the gateway", pauseMillis)
                    .isEqualTo(active);
            assertThat(rig.switchovers())
                    .as("switchovers after a %d ms pause", pauseMillis)
                    .isEqualTo(before);
        }
        assertThat(observer.role(active)).isEqualTo("ACTIVE");

        // The detector discounted pauses, not faults: a real crash is still failed over.
        rig.plc(active).faults().crash();
        String standby = active.equals("plc-a") ? "plc-b" : "plc-a";
        await().atMost(GatewayKillRig.WAIT).until(() -> standby.equals(rig.activeId()));
        assertThat(observer.twoDrivers()).as("%s", observer.violations()).isZero();
        assertThat(observer.twoActive()).as("%s", observer.violations()).isZero();
    }
}
