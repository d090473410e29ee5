package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.plcsim.CliParser.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CliParserTest {

    @Test
    void runWithEveryOption() {
        Cli cli = CliParser.parse(new String[] {
            "run",
            "--name",
            "A",
            "--role",
            "active",
            "--port",
            "5020",
            "--control-port=5021",
            "--bind",
            "0.0.0.0",
            "--unit-id",
            "3",
            "--scan-ms",
            "20",
            "--plant",
            "/tmp/tank.plant"
        });

        assertThat(cli)
                .isEqualTo(new Cli.Run(
                        new SimConfig("A", Role.ACTIVE, "0.0.0.0", 5020, 5021, 3, Duration.ofMillis(20)),
                        Optional.of(Path.of("/tmp/tank.plant"))));
    }

    @Test
    void runDefaultsMatchTheDoc() {
        Cli cli = CliParser.parse(new String[] {"run", "--name", "B"});

        assertThat(cli)
                .isEqualTo(new Cli.Run(
                        new SimConfig("B", Role.STANDBY, "127.0.0.1", 502, 0, 1, Duration.ofMillis(10)),
                        Optional.empty()));
    }

    @Test
    void ctlJoinsTheCommandWords() {
        assertThat(CliParser.parse(new String[] {"ctl", "--port", "5021", "drop", "once"}))
                .isEqualTo(new Cli.Ctl("127.0.0.1", 5021, "drop once"));
        assertThat(CliParser.parse(new String[] {"ctl", "--host", "10.0.0.2", "--port", "5021", "status"}))
                .isEqualTo(new Cli.Ctl("10.0.0.2", 5021, "status"));
    }

    @Test
    void errorsNameTheBadOptionOrValue() {
        assertThat(invalid("run")).isEqualTo("run needs --name NAME");
        assertThat(invalid("run", "--name", "A", "--prot", "5020")).startsWith("unknown option '--prot' for run");
        assertThat(invalid("run", "--name", "A", "--port", "http")).startsWith("--port needs a whole number");
        assertThat(invalid("run", "--name", "A", "--port", "70000"))
                .contains("--port")
                .contains("70000");
        assertThat(invalid("run", "--name", "A", "--role", "master"))
                .isEqualTo("--role must be 'active' or 'standby', got 'master'");
        assertThat(invalid("run", "--name", "A", "--scan-ms")).isEqualTo("option --scan-ms needs a value");
        assertThat(invalid("run", "--name", "A", "--name", "B")).isEqualTo("option --name given twice");
        assertThat(invalid("run", "--name", "has space")).startsWith("name must be printable ASCII");
        assertThat(invalid("ctl", "status")).startsWith("ctl needs --port");
        assertThat(invalid("ctl", "--port", "5021")).startsWith("ctl needs a command");
        assertThat(invalid("stop")).isEqualTo("unknown command 'stop': expected 'run' or 'ctl'");
        assertThat(invalid()).isEqualTo("missing command: 'run' or 'ctl'");
    }

    @Test
    void usageErrorsExitTwoWithTheMessageOnStderr() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run("run", "--name", "A", "--unit-id", "0")).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(cli.err()).startsWith("plc-sim: --unit-id needs a whole number from 1 to 255, got '0'\nusage:");
        assertThat(cli.out()).isEmpty();
    }

    private static String invalid(String... args) {
        Cli cli = CliParser.parse(args);
        assertThat(cli).isInstanceOf(Cli.Invalid.class);
        return ((Cli.Invalid) cli).message();
    }
}
