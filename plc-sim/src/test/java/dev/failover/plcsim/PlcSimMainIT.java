package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code plc-sim run} as a separate process: READY line, control and Modbus ports, SIGTERM. */
@Timeout(30)
class PlcSimMainIT {

    private static final Pattern READY =
            Pattern.compile("READY name=A modbus=127\\.0\\.0\\.1:(\\d+) control=127\\.0\\.0\\.1:(\\d+)");

    @Test
    void runPrintsReadyServesAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(List.of(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PlcSimMain.class.getName(),
                        "run",
                        "--name",
                        "A",
                        "--role",
                        "active",
                        "--port",
                        "0",
                        "--plant",
                        dir.resolve("tank.plant").toString()))
                .redirectError(log.toFile())
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(15, TimeUnit.SECONDS);
            Matcher matcher = READY.matcher(ready);
            assertThat(matcher.matches()).as("READY line: %s", ready).isTrue();
            int modbusPort = Integer.parseInt(matcher.group(1));
            int controlPort = Integer.parseInt(matcher.group(2));

            assertThat(ControlClient.send("127.0.0.1", controlPort, "status", Duration.ofSeconds(2)))
                    .startsWith("OK name=A role=ACTIVE");
            try (ModbusTestClient client = ModbusTestClient.connect(modbusPort)) {
                assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
            }

            process.destroy();

            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> new Socket("127.0.0.1", modbusPort).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(Files.readString(log)).contains("[A]").doesNotContain("ERROR");
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            String line = in.readLine();
            return line == null ? "<end of output>" : line;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
