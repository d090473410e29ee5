package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay box's line protocol over TCP on 127.0.0.1, with a wall clock that stands still. */
@Timeout(20)
class RelayBoxIT {

    /** 2026-01-01T00:00:00Z in epoch ms. */
    private static final long NOW = 1_767_225_600_000L;

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Plcs plcs = new Plcs();
    private final Plant plant = Plant.inMemory();
    private RelayBox box;

    @BeforeEach
    void start() throws Exception {
        box = plcs.track(RelayBox.start(plant, "127.0.0.1", 0, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)));
    }

    @AfterEach
    void stop() {
        plcs.close();
    }

    private String send(String line) throws Exception {
        return ControlClient.send("127.0.0.1", box.port(), line, TIMEOUT);
    }

    @Test
    void outputEnableSwitchesTheRelayAndAnswersItsFeedback() throws Exception {
        assertThat(send("output-enable A off")).isEqualTo("OK name=A outputEnable=false");
        assertThat(plant.outputEnabled("A")).isFalse();

        assertThat(send("OUTPUT-ENABLE A On")).isEqualTo("OK name=A outputEnable=true");
        assertThat(plant.outputEnabled("A")).isTrue();
    }

    @Test
    void aCommandBeforeOrAtItsDeadlineIsExecuted() throws Exception {
        assertThat(send("output-enable A off deadline=" + (NOW + 250))).isEqualTo("OK name=A outputEnable=false");
        assertThat(send("output-enable A on deadline=" + NOW)).isEqualTo("OK name=A outputEnable=true");
    }

    @Test
    void aCommandPastItsDeadlineIsRefusedAndChangesNothing() throws Exception {
        assertThat(send("output-enable A off deadline=" + (NOW - 1200)))
                .isEqualTo("ERR stale: deadline passed 1200 ms ago; not executed");

        assertThat(plant.outputEnabled("A")).isTrue();
        assertThat(plant.read().controllers()).as("no slot claimed either").isZero();

        send("output-enable A off");
        assertThat(send("output-enable A on deadline=" + (NOW - 1))).startsWith("ERR stale: deadline passed 1 ms ago");
        assertThat(plant.outputEnabled("A")).isFalse();
    }

    @Test
    void statusReportsOneRelayOrEvery() throws Exception {
        assertThat(send("status")).isEqualTo("OK");
        assertThat(send("status A")).as("a name without a slot").isEqualTo("OK name=A outputEnable=true");

        plant.attach("A");
        send("output-enable B off");

        assertThat(send("status")).isEqualTo("OK A=true B=false");
        assertThat(send("status B")).isEqualTo("OK name=B outputEnable=false");
    }

    @Test
    void badCommandsAnswerErrWithAReasonAndChangeNothing() throws Exception {
        assertThat(send("output-enable A")).startsWith("ERR output-enable needs <name> on|off");
        assertThat(send("output-enable A maybe"))
                .isEqualTo("ERR output-enable needs 'on' or 'off' after the name, got 'maybe'");
        assertThat(send("output-enable A off soon"))
                .isEqualTo("ERR expected deadline=<epochMillis> after on|off, got 'soon'");
        assertThat(send("output-enable A off deadline=-5"))
                .startsWith("ERR deadline must be milliseconds since the Unix epoch");
        assertThat(send("output-enable A off deadline=12x")).startsWith("ERR deadline must be milliseconds");
        assertThat(send("output-enable " + "N".repeat(33) + " off"))
                .startsWith("ERR a controller name is 1 to 32 printable ASCII characters");
        assertThat(send("status A B")).startsWith("ERR status takes at most one controller name");
        assertThat(send("crash")).startsWith("ERR unknown command 'crash'; commands: output-enable <name>");
        assertThat(send("")).startsWith("ERR empty command");

        assertThat(plant.outputEnables()).isEmpty();
    }

    @Test
    void aFullPlantRefusesARelayForANewName() throws Exception {
        for (int i = 0; i < 8; i++) {
            plant.attach("P" + i);
        }

        assertThat(send("output-enable P8 off")).startsWith("ERR the plant has no free slot");
    }

    @Test
    void theBoxCutsARunningControllerWhichThenReportsStandby() throws Exception {
        SimulatedPlc plc = plcs.start("A", Role.ACTIVE, plant);
        await().atMost(Duration.ofSeconds(5)).until(() -> plc.snapshot().driving());

        assertThat(send("output-enable A off")).isEqualTo("OK name=A outputEnable=false");

        assertThat(plant.read().drivers()).isZero();
        assertThat(ControlClient.status("127.0.0.1", plc.controlPort(), TIMEOUT))
                .containsEntry("role", "STANDBY")
                .containsEntry("outputEnable", "false")
                .containsEntry("driving", "false");
    }
}
