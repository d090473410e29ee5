package dev.failover.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway command line: exit codes and messages (a running gateway: system-tests' GatewayStatusCommandIT). */
@Timeout(60)
class GatewayMainIT {

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

    private static String fixture(String name) throws URISyntaxException {
        return Path.of(GatewayMainIT.class.getResource("/config/" + name).toURI())
                .toString();
    }

    @Test
    void checkConfigAcceptsAValidFile() throws Exception {
        assertThat(run("check-config", fixture("full.yaml"))).isZero();
        assertThat(out()).endsWith("full.yaml: valid, 2 pair(s)\n");
    }

    @Test
    void checkConfigExitsTwoAndNamesEveryProblemOfAnInvalidFile() throws Exception {
        assertThat(run("check-config", fixture("broken-duration.yaml"))).isEqualTo(2);
        assertThat(err()).startsWith("error: invalid configuration\n").contains("broken-duration.yaml:");
    }

    @Test
    void runWithAnInvalidFileStartsNothingAndExitsTwo() throws Exception {
        assertThat(run("run", "--config", fixture("broken-duration.yaml"))).isEqualTo(2);
        assertThat(err()).contains("is not a duration");
    }

    @Test
    void usageErrorsExitTwoWithTheReason() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).startsWith("error: unknown command 'frobnicate'\n");
        assertThat(run("status", "--colour")).isEqualTo(2);
        assertThat(err()).startsWith("error: Unknown option: '--colour'\n");
        assertThat(run("switchover")).isEqualTo(2);
        assertThat(err()).startsWith("error: Missing required options: '--pair=NAME'");
        assertThat(run("status", "--control", "nowhere")).isEqualTo(2);
        assertThat(err()).startsWith("error: Invalid value for option '--control': ");
    }

    @Test
    void anUnreachableGatewayIsARuntimeFailure() {
        assertThat(run("status", "--control", "127.0.0.1:1")).isEqualTo(3);
        assertThat(err()).startsWith("error: cannot reach the gateway at 127.0.0.1:1");
    }

    @Test
    void signedCommandsNeedAnOperatorIdentityWhosePasswordIsNotAnArgument() {
        assertThat(run(
                        "switchover",
                        "--pair",
                        "tank-1",
                        "--identity",
                        "op.p12",
                        "--pki",
                        "pki",
                        "--identity-password-env",
                        "SURELY_NOT_SET_9F3A"))
                .isEqualTo(2);
        assertThat(err())
                .startsWith("error: the environment variable SURELY_NOT_SET_9F3A holding the key store password"
                        + " is not set (or use --identity-password-file FILE)\n");
        assertThat(run("write", "--pair", "tank-1", "--tag", "t", "--value", "1", "--password", "secret"))
                .isEqualTo(2);
        assertThat(err())
                .startsWith("error: passwords are never accepted on the command line (--password): they would show"
                        + " in the process list and the shell history; use --identity-password-file FILE or"
                        + " --identity-password-env VAR\n");
    }
}
