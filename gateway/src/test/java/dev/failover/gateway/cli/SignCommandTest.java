package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.certs.TestPki;
import dev.failover.gateway.command.Command;
import dev.failover.gateway.command.cms.CmsEnvelope;
import dev.failover.gateway.config.CommandAction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code gateway sign} (and {@code gateway write}) with a real operator identity of a test PKI: a
 * write-tag is signed only with a finite number as its value, since every tag type is numeric.
 */
class SignCommandTest {

    @TempDir
    static Path dir;

    private static List<String> identity;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void operator() throws Exception {
        TestPki pki = TestPki.create(dir);
        Path keystore = pki.operator("alice", "operator").keyStore();
        Path password = dir.resolve("alice.pw");
        Files.writeString(password, new String(TestPki.KEYSTORE_PASSWORD), StandardCharsets.UTF_8);
        identity = List.of(
                "--identity",
                keystore.toString(),
                "--pki",
                pki.pki().caChainFile().getParent().toString(),
                "--identity-password-file",
                password.toString());
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(identity);
        return GatewayMain.run(
                all,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private int signWrite(Path file, String value) {
        return run(
                "sign",
                "--pair",
                "tank-1",
                "--action",
                "write-tag",
                "--arg",
                "tag=level_setpoint",
                "--arg",
                "value=" + value,
                "--out",
                file.toString());
    }

    private static Command signedCommand(Path file) throws Exception {
        CmsEnvelope.Opened opened = CmsEnvelope.open(Files.readAllBytes(file));
        assertThat(opened).isInstanceOf(CmsEnvelope.Opened.Signed.class);
        return Command.parse(((CmsEnvelope.Opened.Signed) opened).content());
    }

    @Test
    void signsAWriteTagWhoseValueIsADecimalNumber() throws Exception {
        Path file = dir.resolve("write.cms");

        assertThat(signWrite(file, "55.5")).isZero();

        Command command = signedCommand(file);
        assertThat(command.action()).isEqualTo(CommandAction.WRITE_TAG);
        assertThat(command.args()).containsEntry("tag", "level_setpoint").containsEntry("value", 55.5);
    }

    @Test
    void anExponentIsANumberNotText() throws Exception {
        // Before, only -?\d+(\.\d+)? counted as a number: 1e3 was signed as the string "1e3".
        Path file = dir.resolve("exponent.cms");

        assertThat(signWrite(file, "1e3")).isZero();

        assertThat(signedCommand(file).args().get("value")).isEqualTo(1000.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "abc", "0x10", "55,5", "1d", " 5", ""})
    void refusesAWriteTagValueThatIsNotAFiniteNumberAndWritesNothing(String value) {
        Path file = dir.resolve("refused.cms");

        assertThat(signWrite(file, value)).isEqualTo(ExitCode.USAGE);

        assertThat(err())
                .startsWith("error: --arg value must be a decimal number such as 55.5, -40 or 1e3, got '" + value
                        + "': every tag type is numeric, so NaN, Infinity and text are refused\n");
        assertThat(file).doesNotExist();
    }

    @Test
    void refusesANumberBeyondTheRangeOfADouble() {
        Path file = dir.resolve("huge.cms");

        assertThat(signWrite(file, "1e999")).isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: --arg value '1e999' is beyond the range of a number (about 1.8e308)\n");
        assertThat(file).doesNotExist();
    }

    @Test
    void aWriteTagNeedsATagAndAValue() {
        Path file = dir.resolve("incomplete.cms");

        assertThat(run("sign", "--pair", "tank-1", "--action", "write-tag", "--arg", "tag=x", "--out", file.toString()))
                .isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: write-tag needs --arg tag=NAME and --arg value=NUMBER\n");
        assertThat(file).doesNotExist();
    }

    @Test
    void otherActionsKeepTextArguments() throws Exception {
        Path file = dir.resolve("switchover.cms");

        assertThat(run(
                        "sign",
                        "--pair",
                        "tank-1",
                        "--action",
                        "switchover",
                        "--arg",
                        "reason=NaN maintenance",
                        "--out",
                        file.toString()))
                .isZero();

        assertThat(signedCommand(file).args()).containsEntry("reason", "NaN maintenance");
    }

    @Test
    void writeRefusesNaNBeforeContactingAnyGateway() {
        // Port 1: nothing listens there; the value is refused before a connection is tried.
        assertThat(run(
                        "write",
                        "--pair",
                        "tank-1",
                        "--tag",
                        "level_setpoint",
                        "--value",
                        "NaN",
                        "--control",
                        "127.0.0.1:1"))
                .isEqualTo(ExitCode.USAGE);

        assertThat(err()).startsWith("error: --value must be a decimal number such as 55.5, -40 or 1e3, got 'NaN'");
    }
}
