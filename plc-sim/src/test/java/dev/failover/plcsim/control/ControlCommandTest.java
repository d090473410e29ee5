package dev.failover.plcsim.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.plcsim.control.ControlCommand.Action;
import dev.failover.plcsim.control.ControlCommand.Parsed;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlCommandTest {

    @ParameterizedTest
    @CsvSource({
        "crash, CRASH",
        "hang, HANG",
        "freeze-heartbeat, FREEZE_HEARTBEAT",
        "fault, FAULT",
        "drop, DROP",
        "drop once, DROP_ONCE",
        "'  Drop   ONCE ', DROP_ONCE",
        "corrupt, CORRUPT",
        "corrupt-setpoints, CORRUPT_SETPOINTS",
        "Corrupt-Setpoints, CORRUPT_SETPOINTS",
        "clear, CLEAR",
        "status, STATUS"
    })
    void actionsParse(String line, Action expected) {
        assertThat(ControlCommand.parse(line)).isEqualTo(new Parsed.Valid(expected));
    }

    @Test
    void argumentsParse() {
        assertThat(ControlCommand.parse("slow 30")).isEqualTo(valid(new ControlCommand.Slow(Duration.ofMillis(30))));
        assertThat(ControlCommand.parse("stall 0")).isEqualTo(valid(new ControlCommand.Stall(Duration.ZERO)));
        assertThat(ControlCommand.parse("lose 3")).isEqualTo(valid(new ControlCommand.Lose(3)));
        assertThat(ControlCommand.parse("output-enable off")).isEqualTo(valid(new ControlCommand.OutputEnable(false)));
        assertThat(ControlCommand.parse("output-enable on\r")).isEqualTo(valid(new ControlCommand.OutputEnable(true)));
        assertThat(ControlCommand.parse("partner-link cut")).isEqualTo(valid(new ControlCommand.PartnerLink(true)));
        assertThat(ControlCommand.parse(" Partner-Link  RESTORE "))
                .isEqualTo(valid(new ControlCommand.PartnerLink(false)));
        assertThat(ControlCommand.parse("opcua none on")).isEqualTo(valid(new ControlCommand.OpcUa(false, true)));
        assertThat(ControlCommand.parse("OPCUA Anonymous off")).isEqualTo(valid(new ControlCommand.OpcUa(true, false)));
    }

    @Test
    void invalidLinesExplainThemselves() {
        assertThat(reason("reboot")).startsWith("unknown command 'reboot'; commands: crash, hang,");
        assertThat(reason("drop twice")).startsWith("unknown command 'drop twice'");
        assertThat(reason("slow")).isEqualTo("slow needs a delay in ms, e.g. 'slow 30'");
        assertThat(reason("slow 1 2")).isEqualTo("slow needs a delay in ms, e.g. 'slow 30'");
        assertThat(reason("slow -5")).isEqualTo("slow needs a delay in ms from 0 to 600000, got -5");
        assertThat(reason("stall 1e3")).startsWith("stall needs a delay in ms as a whole number");
        assertThat(reason("lose 0")).isEqualTo("lose needs a request count from 1 to 1000000, got 0");
        assertThat(reason("output-enable")).isEqualTo("output-enable needs 'on' or 'off', got ''");
        assertThat(reason("partner-link")).isEqualTo("partner-link needs 'cut' or 'restore', got ''");
        assertThat(reason("partner-link off")).isEqualTo("partner-link needs 'cut' or 'restore', got 'off'");
        assertThat(reason("opcua none")).isEqualTo("opcua needs 'none on|off' or 'anonymous on|off', got 'none'");
        assertThat(reason("opcua basic128 on")).startsWith("opcua needs 'none on|off' or 'anonymous on|off'");
        assertThat(reason("   ")).startsWith("empty command");
    }

    private static Parsed valid(ControlCommand command) {
        return new Parsed.Valid(command);
    }

    private static String reason(String line) {
        Parsed parsed = ControlCommand.parse(line);
        assertThat(parsed).isInstanceOf(Parsed.Invalid.class);
        return ((Parsed.Invalid) parsed).reason();
    }
}
