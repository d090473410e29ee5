package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.PasswordSource;
import dev.failover.plcsim.modbus.AccessPolicy;
import dev.failover.plcsim.modbus.Roles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** The {@code plc-sim} command line: options into the configuration records, help, version, usage errors. */
class PlcSimCliTest {

    /** A controller with an OPC UA server and every option it needs. */
    private static final String[] OPCUA_RUN = {
        "run",
        "--name",
        "A",
        "--opcua-port",
        "0",
        "--opcua-keystore",
        "u",
        "--opcua-keystore-password-env",
        "V",
        "--trust",
        "pki"
    };

    @Test
    void runWithEveryOption() {
        Cli cli = PlcSimMain.parse(new String[] {
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
            "/tmp/tank.plant",
            "--retain-active-role",
            "--partner-timeout-ms",
            "80"
        });

        assertThat(cli)
                .isEqualTo(new Cli.Run(
                        new SimConfig("A", Role.ACTIVE, "0.0.0.0", 5020, 5021, 3, Duration.ofMillis(20))
                                .withRetainActiveRole(true)
                                .withPartnerTimeout(Duration.ofMillis(80)),
                        Optional.of(Path.of("/tmp/tank.plant")),
                        Optional.empty()));
    }

    @Test
    void runDefaultsMatchTheDoc() {
        Cli cli = PlcSimMain.parse(new String[] {"run", "--name", "B"});

        assertThat(cli)
                .isEqualTo(new Cli.Run(
                        new SimConfig("B", Role.STANDBY, "127.0.0.1", 502, 0, 1, Duration.ofMillis(10)),
                        Optional.empty(),
                        Optional.empty()));
    }

    @Test
    void runWithModbusTcpSecurity() {
        Cli cli = PlcSimMain.parse(new String[] {
            "run",
            "--name",
            "A",
            "--port",
            "8020",
            "--tls-keystore",
            "/pki/a.p12",
            "--tls-keystore-password-file",
            "/pki/a.pass",
            "--trust",
            "/pki",
            "--write-roles",
            "gateway,engineer",
            "--read-roles=gateway,operator",
            "--plain-port",
            "5020",
            "--handshake-timeout-ms",
            "250"
        });

        assertThat(cli)
                .isEqualTo(new Cli.Run(
                        new SimConfig("A", Role.STANDBY, "127.0.0.1", 8020, 0, 1, Duration.ofMillis(10))
                                .withHandshakeTimeout(Duration.ofMillis(250)),
                        Optional.empty(),
                        Optional.of(new TlsOptions(
                                Path.of("/pki/a.p12"),
                                new PasswordSource.FromFile(Path.of("/pki/a.pass")),
                                Path.of("/pki"),
                                Optional.empty(),
                                new AccessPolicy(Roles.of("gateway", "engineer"), Roles.of("gateway", "operator")),
                                OptionalInt.of(5020)))));
    }

    @Test
    void tlsDefaultsToGatewayWritesAnyReadsAndNoPlainPortAndTakesACrlFile() {
        Cli cli = PlcSimMain.parse(new String[] {
            "run",
            "--name",
            "A",
            "--tls-keystore",
            "a.p12",
            "--tls-keystore-password-env",
            "A_PASS",
            "--trust",
            "root.pem",
            "--crl",
            "crl.pem"
        });

        assertThat(((Cli.Run) cli).tls())
                .contains(new TlsOptions(
                        Path.of("a.p12"),
                        new PasswordSource.FromEnv("A_PASS"),
                        Path.of("root.pem"),
                        Optional.of(Path.of("crl.pem")),
                        AccessPolicy.defaults(),
                        OptionalInt.empty()));
    }

    @Test
    void aPasswordArgumentIsRefusedWithoutEchoingIt() {
        String message = invalid(
                "run", "--name", "A", "--tls-keystore", "a.p12", "--tls-keystore-password", "s3cret", "--trust", "r");

        assertThat(message)
                .isEqualTo(PasswordSource.refusal(
                        "--tls-keystore-password", "--tls-keystore-password-file", "--tls-keystore-password-env"))
                .contains("--tls-keystore-password-file FILE or --tls-keystore-password-env VAR")
                .doesNotContain("s3cret");
        assertThat(invalid("run", "--name", "A", "--password=s3cret"))
                .isEqualTo(PasswordSource.refusal(
                        "--password", "--tls-keystore-password-file", "--tls-keystore-password-env"))
                .doesNotContain("s3cret");
        assertThat(invalid("run", "--name", "A", "--opcua-keystore-password", "s3cret"))
                .as("the OPC UA key store's password options are named")
                .isEqualTo(PasswordSource.refusal(
                        "--opcua-keystore-password", "--opcua-keystore-password-file", "--opcua-keystore-password-env"))
                .doesNotContain("s3cret");
    }

    @Test
    void tlsOptionErrorsNameTheOption() {
        assertThat(invalid("run", "--name", "A", "--tls-keystore", "a.p12", "--trust", "r"))
                .isEqualTo("--tls-keystore needs its password from one of --tls-keystore-password-file FILE or"
                        + " --tls-keystore-password-env VAR");
        assertThat(invalid(
                        "run",
                        "--name",
                        "A",
                        "--tls-keystore",
                        "a.p12",
                        "--tls-keystore-password-file",
                        "f",
                        "--tls-keystore-password-env",
                        "V",
                        "--trust",
                        "r"))
                .isEqualTo("--tls-keystore: give --tls-keystore-password-file or --tls-keystore-password-env, not"
                        + " both");
        assertThat(invalid("run", "--name", "A", "--tls-keystore", "a.p12", "--tls-keystore-password-env", "V"))
                .startsWith("--tls-keystore needs --trust");
        assertThat(invalid("run", "--name", "A", "--write-roles", "gateway"))
                .startsWith("--write-roles is a Modbus/TCP Security option: it needs --tls-keystore FILE");
        assertThat(invalid("run", "--name", "A", "--plain-port", "5020"))
                .startsWith("--plain-port is a Modbus/TCP Security option");
        assertThat(invalid(tlsWith("--write-roles", "*"))).startsWith("--write-roles must name roles");
        assertThat(invalid(tlsWith("--write-roles", "gateway,")))
                .isEqualTo("--write-roles: empty role name in 'gateway,'");
        assertThat(invalid(tlsWith("--read-roles", "*,operator"))).startsWith("--read-roles: '*' stands alone");
        assertThat(invalid(tlsWith("--plain-port", "8020"))).startsWith("--plain-port must differ from --port");
        assertThat(invalid(tlsWith("--plain-port", "x")))
                .contains("'--plain-port'")
                .contains("'x' is not an int");
    }

    /** A valid TLS command line on port 8020 plus {@code extra}. */
    private static String[] tlsWith(String... extra) {
        String[] base = {
            "run",
            "--name",
            "A",
            "--port",
            "8020",
            "--tls-keystore",
            "a.p12",
            "--tls-keystore-password-env",
            "V",
            "--trust",
            "r"
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }

    @Test
    void opcUaOptionsAreParsedAndShareTheTrustOptions() {
        Cli cli = PlcSimMain.parse(new String[] {
            "run",
            "--name",
            "A",
            "--opcua-port",
            "4840",
            "--opcua-keystore",
            "ua.p12",
            "--opcua-keystore-password-env",
            "UA_PASS",
            "--trust",
            "pki",
            "--crl",
            "crl.pem",
            "--opcua-handshake-timeout-ms",
            "3000"
        });

        assertThat(cli).isInstanceOf(Cli.Run.class);
        Cli.Run run = (Cli.Run) cli;
        assertThat(run.tls()).isEmpty();
        assertThat(run.opcUa())
                .contains(new OpcUaOptions(
                        4840,
                        Path.of("ua.p12"),
                        new PasswordSource.FromEnv("UA_PASS"),
                        Path.of("pki"),
                        Optional.of(Path.of("crl.pem")),
                        Duration.ofSeconds(3)));
    }

    @Test
    void handshakeTimeoutsDefaultToThreeSecondsForTlsAndFiveForOpcUa() {
        Cli.Run run = (Cli.Run) PlcSimMain.parse(OPCUA_RUN);

        assertThat(run.config().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(run.opcUa().orElseThrow().handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void handshakeTimeoutErrorsNameTheOptionAndTheRange() {
        assertThat(invalid("run", "--name", "A", "--handshake-timeout-ms", "5"))
                .isEqualTo("--handshake-timeout-ms needs a whole number from 10 to 60000, got '5'");
        assertThat(invalid("run", "--name", "A", "--handshake-timeout-ms", "half"))
                .isEqualTo("Invalid value for option '--handshake-timeout-ms': 'half' is not a whole number of"
                        + " milliseconds");
        assertThat(invalid("run", "--name", "A", "--handshake-timeout-ms", "60001"))
                .isEqualTo("--handshake-timeout-ms needs a whole number from 10 to 60000, got '60001'");
        assertThat(invalid("run", "--name", "A", "--handshake-timeout-ms", "250"))
                .startsWith("--handshake-timeout-ms is a Modbus/TCP Security option: it needs --tls-keystore FILE");
        assertThat(invalid("run", "--name", "A", "--opcua-handshake-timeout-ms", "1000"))
                .startsWith("--opcua-handshake-timeout-ms is an OPC UA option: it needs --opcua-port N");
        String[] zero = Arrays.copyOf(OPCUA_RUN, OPCUA_RUN.length + 2);
        zero[OPCUA_RUN.length] = "--opcua-handshake-timeout-ms";
        zero[OPCUA_RUN.length + 1] = "0";
        assertThat(invalid(zero))
                .isEqualTo("--opcua-handshake-timeout-ms needs a whole number from 10 to 60000, got '0'");
    }

    @Test
    void opcUaOptionErrorsNameTheOption() {
        assertThat(invalid("run", "--name", "A", "--opcua-keystore", "ua.p12"))
                .startsWith("--opcua-keystore is an OPC UA option: it needs --opcua-port N");
        assertThat(invalid("run", "--name", "A", "--opcua-port", "0", "--trust", "pki"))
                .startsWith("--opcua-port needs --opcua-keystore FILE.p12");
        assertThat(invalid("run", "--name", "A", "--opcua-port", "0", "--opcua-keystore", "ua.p12", "--trust", "p"))
                .startsWith("--opcua-keystore needs its password from one of --opcua-keystore-password-file FILE");
        assertThat(invalid(
                        "run",
                        "--name",
                        "A",
                        "--opcua-port",
                        "0",
                        "--opcua-keystore",
                        "u",
                        "--opcua-keystore-password-env",
                        "V"))
                .startsWith("--opcua-port needs --trust");
        assertThat(invalid("run", "--name", "A", "--port", "4840", "--opcua-port", "4840"))
                .startsWith("--opcua-port must differ from --port and --control-port");
        assertThat(invalid("run", "--name", "A", "--trust", "pki"))
                .startsWith("--trust is a Modbus/TCP Security option");
    }

    @Test
    void ctlJoinsTheCommandWords() {
        assertThat(PlcSimMain.parse(new String[] {"ctl", "--port", "5021", "drop", "once"}))
                .isEqualTo(new Cli.Ctl("127.0.0.1", 5021, "drop once"));
        assertThat(PlcSimMain.parse(new String[] {"ctl", "--host", "10.0.0.2", "--port", "5021", "status"}))
                .isEqualTo(new Cli.Ctl("10.0.0.2", 5021, "status"));
    }

    @Test
    void errorsNameTheBadOptionOrValue() {
        assertThat(invalid("run")).isEqualTo("Missing required option: '--name=NAME'");
        assertThat(invalid("run", "--name", "A", "--prot", "5020")).startsWith("Unknown options: '--prot'");
        assertThat(invalid("run", "--name", "A", "--port", "http"))
                .isEqualTo("Invalid value for option '--port': 'http' is not an int");
        assertThat(invalid("run", "--name", "A", "--port", "70000"))
                .contains("--port")
                .contains("70000");
        assertThat(invalid("run", "--name", "A", "--role", "master"))
                .isEqualTo("Invalid value for option '--role': expected 'active' or 'standby', got 'master'");
        assertThat(invalid("run", "--name", "A", "--scan-ms"))
                .isEqualTo("Missing required parameter for option '--scan-ms' (MS)");
        assertThat(invalid("run", "--name", "A", "--name", "B"))
                .isEqualTo("option '--name' (NAME) should be specified only once");
        assertThat(invalid("run", "--name", "has space")).startsWith("name must be printable ASCII");
        assertThat(invalid("ctl", "status")).isEqualTo("Missing required option: '--port=N'");
        assertThat(invalid("ctl", "--port", "5021")).isEqualTo("Missing required parameter: 'WORD'");
        assertThat(invalid("stop")).isEqualTo("Unmatched argument at index 0: 'stop'");
        assertThat(invalid()).isEqualTo("missing command: 'run', 'relay' or 'ctl'");
        assertThat(invalid("run", "--name", "A", "--partner-timeout-ms", "0"))
                .isEqualTo("--partner-timeout-ms needs a whole number from 1 to 60000, got '0'");
        assertThat(invalid("run", "--name", "A", "--retain-active-role=yes"))
                .isEqualTo("option '--retain-active-role' should be specified without 'yes' parameter");
    }

    @Test
    void thePartnerTimeoutDefaultsToSixtyMilliseconds() {
        Cli cli = PlcSimMain.parse(new String[] {"run", "--name", "A", "--plant", "/tmp/tank.plant"});

        assertThat(((Cli.Run) cli).config().partnerTimeout()).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void aControllerDoesNotRetainTheActiveRoleUnlessAsked() {
        Cli cli = PlcSimMain.parse(new String[] {"run", "--name", "A", "--role", "active"});

        assertThat(((Cli.Run) cli).config().retainActiveRole()).isFalse();
        assertThat(((Cli.Run) cli).config().initialRole())
                .as("--role active is the initial role, retained or not")
                .isEqualTo(Role.ACTIVE);
    }

    @Test
    void relayTakesThePlantFileAPortAndABindAddress() {
        assertThat(PlcSimMain.parse(new String[] {"relay", "--plant", "/tmp/tank.plant"}))
                .isEqualTo(new Cli.Relay(Path.of("/tmp/tank.plant"), "127.0.0.1", 0));
        assertThat(PlcSimMain.parse(
                        new String[] {"relay", "--plant", "t.plant", "--control-port", "5040", "--bind", "0.0.0.0"}))
                .isEqualTo(new Cli.Relay(Path.of("t.plant"), "0.0.0.0", 5040));

        assertThat(invalid("relay")).isEqualTo("Missing required option: '--plant=FILE'");
        assertThat(invalid("relay", "--plant", "t.plant", "--name", "A")).startsWith("Unknown options: '--name'");
        assertThat(invalid("relay", "--plant", "t.plant", "--control-port", "-1"))
                .startsWith("--control-port needs a whole number from 0 to 65535");
        assertThat(invalid("relay", "--plant", "t.plant", "status"))
                .isEqualTo("Unmatched argument at index 3: 'status'");
    }

    @Test
    void ctlForwardsRelayCommandsAsOneLine() {
        assertThat(PlcSimMain.parse(
                        new String[] {"ctl", "--port", "5040", "output-enable", "A", "off", "deadline=1767225600000"}))
                .isEqualTo(new Cli.Ctl("127.0.0.1", 5040, "output-enable A off deadline=1767225600000"));
    }

    @Test
    void usageErrorsExitTwoWithTheMessageOnStderr() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run("run", "--name", "A", "--unit-id", "0")).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(cli.err())
                .startsWith("error: --unit-id needs a whole number from 1 to 255, got '0'\nUsage: plc-sim run ");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void everySubcommandAnswersHelpWithItsUsageAndExitZero() {
        for (String sub : List.of("run", "relay", "ctl")) {
            for (String[] args :
                    List.of(new String[] {sub, "--help"}, new String[] {sub, "-h"}, new String[] {"help", sub})) {
                CliRunner cli = new CliRunner();

                assertThat(cli.run(args)).as(String.join(" ", args)).isEqualTo(PlcSimMain.EXIT_OK);
                assertThat(cli.out())
                        .as(String.join(" ", args))
                        .startsWith("Usage: plc-sim " + sub + " ")
                        .contains("Exit codes:");
                assertThat(cli.err()).isEmpty();
            }
        }
    }

    @Test
    void helpListsTheSubcommandsAndTheExitCodes() {
        for (String help : List.of("help", "--help", "-h")) {
            CliRunner cli = new CliRunner();

            assertThat(cli.run(help)).isEqualTo(PlcSimMain.EXIT_OK);
            assertThat(cli.out())
                    .startsWith("Usage: plc-sim ")
                    .contains("  run ", "  relay ", "  ctl ", "Exit codes:")
                    .containsPattern("(?m)^ +2 +usage error$");
            assertThat(cli.err()).isEmpty();
        }
    }

    @Test
    void versionPrintsTheFirmwareTheControllerReports() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"run", "--version"})) {
            CliRunner cli = new CliRunner();

            assertThat(cli.run(args)).isEqualTo(PlcSimMain.EXIT_OK);
            assertThat(cli.out()).isEqualTo(RegisterMap.FIRMWARE + " (program " + Settings.PROGRAM_VERSION + ")\n");
        }
    }

    @Test
    void noCommandIsAUsageError() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run()).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(cli.err()).startsWith("error: missing command: 'run', 'relay' or 'ctl'\nUsage: plc-sim ");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void anUnknownOptionExitsTwoNamingIt() {
        CliRunner cli = new CliRunner();

        assertThat(cli.run("run", "--name", "A", "--prot", "5020")).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(cli.err()).startsWith("error: Unknown options: '--prot'").contains("\nUsage: plc-sim run ");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aPasswordOptionExitsTwoWithTheRefusalAndNeverEchoesTheValue() {
        for (String[] args : List.of(
                new String[] {"run", "--name", "A", "--tls-keystore-password", "s3cret"},
                new String[] {"run", "--name", "A", "--tls-keystore-password=s3cret"},
                new String[] {"relay", "--plant", "t.plant", "--keystore-password", "s3cret"},
                new String[] {"ctl", "--port", "5021", "--password=s3cret", "status"})) {
            CliRunner cli = new CliRunner();

            assertThat(cli.run(args)).as(String.join(" ", args)).isEqualTo(PlcSimMain.EXIT_USAGE);
            assertThat(cli.err())
                    .as(String.join(" ", args))
                    .startsWith("error: passwords are never accepted on the command line (--")
                    .contains("use --tls-keystore-password-file FILE or --tls-keystore-password-env VAR\nUsage: ")
                    .doesNotContain("s3cret");
            assertThat(cli.out()).isEmpty();
        }
    }

    @Test
    void aBadPortExitsTwoNamingTheOption() {
        CliRunner run = new CliRunner();
        assertThat(run.run("run", "--name", "A", "--control-port", "70000")).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(run.err()).startsWith("error: --control-port needs a whole number from 0 to 65535, got '70000'\n");

        CliRunner ctl = new CliRunner();
        assertThat(ctl.run("ctl", "--port", "0", "status")).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(ctl.err()).startsWith("error: --port needs a whole number from 1 to 65535, got '0'\n");

        CliRunner relay = new CliRunner();
        assertThat(relay.run("relay", "--plant", "t.plant", "--control-port", "x"))
                .isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(relay.err()).startsWith("error: Invalid value for option '--control-port': 'x' is not an int\n");
    }

    @Test
    void ctlTakesEveryArgumentFromTheFirstWordOnAsTheCommand(@TempDir Path dir) throws Exception {
        assertThat(PlcSimMain.parse("ctl", "--port", "5021", "slow", "--port", "-1"))
                .isEqualTo(new Cli.Ctl("127.0.0.1", 5021, "slow --port -1"));
        Path file = Files.writeString(dir.resolve("words"), "crash\n");
        assertThat(PlcSimMain.parse("ctl", "--port=5021", "status", "@" + file))
                .as("an argument is never read from a file (@FILE)")
                .isEqualTo(new Cli.Ctl("127.0.0.1", 5021, "status @" + file));
    }

    @Test
    void theDocsNameEveryOptionOfEverySubcommand() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "plc-sim.md"));

        for (CommandLine sub : new PlcSimMain(System.out, System.err)
                .commandLine()
                .getSubcommands()
                .values()) {
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (!option.usageHelp() && !option.versionHelp()) {
                    assertThat(docs)
                            .as("docs/plc-sim.md on %s %s", sub.getCommandName(), option.longestName())
                            .contains("`" + option.longestName() + "`");
                }
            }
        }
    }

    /** The message of the usage error {@code args} make, as {@code plc-sim} prints it after {@code error: }. */
    private static String invalid(String... args) {
        try {
            Cli cli = PlcSimMain.parse(args);
            throw new AssertionError("accepted " + String.join(" ", args) + " as " + cli);
        } catch (ParameterException e) {
            return PlcSimMain.message(e);
        }
    }
}
