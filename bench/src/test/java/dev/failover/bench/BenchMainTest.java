package dev.failover.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench command line: usage errors exit 2 with the reason, and every command answers --help. */
class BenchMainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine line = BenchMain.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        return line.execute(args);
    }

    @Test
    void usageErrorsExitTwoWithTheReasonAndNothingRuns() {
        assertThat(run("failover", "--faults", "many")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: Invalid value for option '--faults': 'many' is not an int");
        assertThat(run("failover", "--soak", "60")).isEqualTo(2);
        assertThat(err.toString()).contains("a duration is a whole number with a unit");
        assertThat(run("failover", "--sections", "unloaded,cold")).isEqualTo(2);
        assertThat(err.toString()).contains("'cold'").contains("UNLOADED, STARVATION, SOAK, FAST");
        assertThat(run("failover", "--faults", "0")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: --faults must be between 1 and 10000, got 0");
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: Unmatched argument at index 0: 'frobnicate'");
    }

    @Test
    void everyCommandAnswersHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("demo", "failover", "commands", "scada", "rpo", "scale", "Exit codes:");
        for (String command : new String[] {"demo", "failover", "commands", "scada", "rpo", "scale"}) {
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out.toString()).as(command).startsWith("Usage: bench " + command);
        }
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("bench ");
    }

    @Test
    void durationsTakeAUnit() {
        assertThat(BenchMain.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(BenchMain.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BenchMain.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(BenchMain.duration("0")).isZero();
    }
}
