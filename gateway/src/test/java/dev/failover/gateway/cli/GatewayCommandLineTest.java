package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.certs.PasswordSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The gateway command line's parsing, before any command runs: the generated help, the declared
 * exit codes, typed options, and the refusal of passwords as arguments. Nothing here reaches a
 * gateway or a keystore (the commands themselves: GatewayMainIT, SignCommandTest).
 */
class GatewayCommandLineTest {

    private static final List<String> COMMANDS =
            List.of("run", "check-config", "status", "switchover", "write", "sign", "submit");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return GatewayMain.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check-config", "status", "switchover", "write", "sign", "submit"})
    void everyCommandAnswersHelpWithItsUsageAndTheExitCodes(String command) {
        assertThat(run(command, "--help")).isZero();

        assertThat(out()).startsWith("Usage: gateway " + command).contains("Exit codes:");
        assertThat(err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "--help", "-h"})
    void helpListsEveryCommandAndExitsZero(String help) {
        assertThat(run(help)).isZero();

        assertThat(out()).startsWith("Usage: gateway ");
        COMMANDS.forEach(command -> assertThat(out()).contains("  " + command + " "));
    }

    @Test
    void helpOfACommandIsThatCommandsUsage() {
        assertThat(run("help", "switchover")).isZero();

        assertThat(out()).startsWith("Usage: gateway switchover ").contains("--pair=NAME", "--reason=TEXT");
    }

    @Test
    void theExitCodesAreDeclaredInTheHelp() {
        // docs/operations.md documents the same four; scripts depend on them.
        assertThat(run("--help")).isZero();

        assertThat(out())
                .contains("Exit codes:")
                .containsPattern("\\n  0 +success")
                .containsPattern("\\n  1 +the operation failed or was refused")
                .containsPattern("\\n  2 +usage error or invalid configuration")
                .containsPattern("\\n  3 +runtime failure");
    }

    @Test
    void versionPrintsOneLine() {
        assertThat(run("--version")).isZero();

        assertThat(out()).startsWith("gateway ").hasLineCount(1);
    }

    @Test
    void noCommandPrintsTheUsageAndExitsTwo() {
        assertThat(run()).isEqualTo(ExitCode.USAGE);

        assertThat(out()).startsWith("Usage: gateway ");
    }

    @Test
    void anUnknownOptionExitsTwoNamingItThenTheCommandsUsage() {
        assertThat(run("write", "--colour", "red")).isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: Unknown option: '--colour'").contains("\nUsage: gateway write ");
        assertThat(out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"--password", "--identity-password", "--keystore-password", "--Password", "--password-stdin"})
    void anOptionThatLooksLikeAPasswordIsRefusedWithTheWayToGiveOne(String option) {
        String refusal = PasswordSource.refusal(option, "--identity-password-file", "--identity-password-env");

        assertThat(run("write", "--pair", "tank-1", "--tag", "t", "--value", "1", option, "secret"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("error: " + refusal + "\n");

        // also as --name=value, and where a required option is missing too
        assertThat(run("status", option + "=secret")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("error: " + refusal + "\n");
        assertThat(run("switchover", option, "secret")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("error: " + refusal + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nowhere", "127.0.0.1", ":7410", "127.0.0.1:", "127.0.0.1:port", "127.0.0.1:0", "h:65536"})
    void aBadControlEndpointExitsTwoNamingTheOption(String control) {
        assertThat(run("status", "--control", control)).isEqualTo(ExitCode.USAGE);

        assertThat(err())
                .startsWith("error: Invalid value for option '--control': must be HOST:PORT with a port from 1 to"
                        + " 65535, such as 127.0.0.1:7410; got '" + control + "'\n");
    }

    @Test
    void theControlEndpointIsAHostAndAPortAfterTheLastColon() {
        ControlAddress.Converter converter = new ControlAddress.Converter();

        assertThat(converter.convert("127.0.0.1:7410")).isEqualTo(new ControlAddress("127.0.0.1", 7410));
        assertThat(converter.convert("gw.plant.local:1")).isEqualTo(new ControlAddress("gw.plant.local", 1));
        assertThat(converter.convert("::1:65535")).isEqualTo(new ControlAddress("::1", 65535));
        assertThat(converter.convert("127.0.0.1:7410")).hasToString("127.0.0.1:7410");
        assertThatThrownBy(() -> converter.convert("7410")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void optionsTakeTheirValueAfterASpaceOrAnEqualsSign() {
        // The value is checked before the identity is opened: the message shows each option was read.
        assertThat(run("write", "--pair=tank-1", "--tag=t", "--value=NaN", "--identity=op.p12", "--pki=pki"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("error: --value must be a decimal number such as 55.5, -40 or 1e3, got 'NaN'");

        assertThat(run("write", "--pair", "tank-1", "--tag", "t", "--value", "0x10", "--identity", "a", "--pki", "b"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("error: --value must be a decimal number such as 55.5, -40 or 1e3, got '0x10'");
    }

    @Test
    void aPasswordComesFromAFileOrAVariableNotBoth() {
        assertThat(run(
                        "switchover",
                        "--pair",
                        "tank-1",
                        "--identity",
                        "op.p12",
                        "--pki",
                        "pki",
                        "--identity-password-file",
                        "op.pw",
                        "--identity-password-env",
                        "OP_PW"))
                .isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: give --identity-password-file or --identity-password-env, not both\n");
    }

    @Test
    void statusTakesAnIdentityAndItsPkiTogether() {
        assertThat(run("status", "--identity", "op.p12", "--control", "127.0.0.1:1"))
                .isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: --identity and --pki go together: give both or neither\n");
    }

    @Test
    void anUnknownActionNamesTheActions() {
        assertThat(run(
                        "sign",
                        "--pair",
                        "tank-1",
                        "--action",
                        "reboot",
                        "--out",
                        "x.cms",
                        "--identity",
                        "a",
                        "--pki",
                        "b"))
                .isEqualTo(ExitCode.USAGE);

        assertThat(err())
                .startsWith("error: Invalid value for option '--action': unknown action 'reboot'; use write-tag,"
                        + " switchover, start-drill, waive-posture or rearm\n");
    }

    @Test
    void anArgumentThatStartsWithAtIsNotAFileOfArguments(@TempDir Path dir) throws Exception {
        // picocli would read @FILE as more arguments; a pair, tag or reason may start with @.
        Path file = dir.resolve("more-arguments");
        Files.writeString(file, "--colour red\n");

        assertThat(run("write", "--pair", "@" + file, "--tag", "t", "--value", "NaN", "--identity", "a", "--pki", "b"))
                .isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: --value must be a decimal number");
    }
}
