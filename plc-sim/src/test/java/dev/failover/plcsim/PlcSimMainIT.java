package dev.failover.plcsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusIOException;
import dev.failover.certs.CertificateRequest;
import dev.failover.certs.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code plc-sim run} as a separate process: READY line, control and Modbus ports, SIGTERM. */
@Timeout(30)
class PlcSimMainIT {

    private static final Pattern READY = Pattern.compile(
            "READY name=A modbus=127\\.0\\.0\\.1:(\\d+) control=127\\.0\\.0\\.1:(\\d+) tls=(true|false)");

    @Test
    void runPrintsReadyServesAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("stderr.log");
        Process process = start(log, "--plant", dir.resolve("tank.plant").toString());
        try {
            Matcher ready = awaitReady(process);
            assertThat(ready.group(3)).isEqualTo("false");
            int modbusPort = Integer.parseInt(ready.group(1));
            int controlPort = Integer.parseInt(ready.group(2));

            assertThat(ControlClient.send("127.0.0.1", controlPort, "status", Duration.ofSeconds(2)))
                    .startsWith("OK name=A role=ACTIVE")
                    .contains(" tls=false ");
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

    @Test
    void runWithATlsKeyStoreServesModbusTcpSecurityOnly(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        Path keyStore = pki.controller("plc-a").keyStore();
        Path passwordFile =
                Files.writeString(dir.resolve("keystore.pass"), new String(TestPki.KEYSTORE_PASSWORD) + "\n");
        SSLContext gateway = pki.tlsContext(pki.gateway("gateway-1", "gateway"));
        Path log = dir.resolve("stderr.log");
        Process process = start(
                log,
                "--tls-keystore",
                keyStore.toString(),
                "--tls-keystore-password-file",
                passwordFile.toString(),
                "--trust",
                pki.pki().dir().toString(),
                // This JVM's first TLS handshake, cold, took up to 4.7 s on a loaded machine: beyond the
                // default deadline of 3 s, which this test client, unlike the gateway, would not retry.
                "--handshake-timeout-ms",
                "30000");
        try {
            Matcher ready = awaitReady(process);
            assertThat(ready.group(3)).isEqualTo("true");
            int modbusPort = Integer.parseInt(ready.group(1));

            try (ModbusTestClient client = ModbusTestClient.connectTls(modbusPort, gateway)) {
                assertThat(client.read(RegisterMap.ROLE)).isEqualTo(Role.ACTIVE.code());
            } catch (IOException | ModbusException e) {
                throw new AssertionError(
                        "a gateway could not read over TLS; plc-sim's log:\n" + Files.readString(log), e);
            }
            Throwable plain = catchThrowable(() -> {
                try (ModbusTestClient client = ModbusTestClient.connect(modbusPort)) {
                    client.read(RegisterMap.ROLE);
                }
            });
            assertThat(plain).isInstanceOfAny(IOException.class, ModbusIOException.class);
            assertThat(ControlClient.status("127.0.0.1", Integer.parseInt(ready.group(2)), Duration.ofSeconds(2)))
                    .containsEntry("tls", "true");

            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log))
                    .contains("Modbus/TCP Security server listening")
                    .doesNotContain(new String(TestPki.KEYSTORE_PASSWORD))
                    .doesNotContain("ERROR");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void runWithAnOpcUaPortAppendsItToTheReadyLineAndListens(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        Path keyStore = pki.pki()
                .issue(CertificateRequest.opcuaApplication("plc-a-ua", "urn:test:plc-sim:A"), TestPki.KEYSTORE_PASSWORD)
                .keyStore();
        Path passwordFile = Files.writeString(dir.resolve("opcua.pass"), new String(TestPki.KEYSTORE_PASSWORD) + "\n");
        Path log = dir.resolve("stderr.log");
        Process process = start(
                log,
                "--opcua-port",
                "0",
                "--opcua-keystore",
                keyStore.toString(),
                "--opcua-keystore-password-file",
                passwordFile.toString(),
                "--trust",
                pki.pki().dir().toString());
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(15, TimeUnit.SECONDS);
            Matcher matcher = Pattern.compile(
                            "READY name=A modbus=127\\.0\\.0\\.1:\\d+ control=127\\.0\\.0\\.1:\\d+ tls=false"
                                    + " opcua=127\\.0\\.0\\.1:(\\d+)")
                    .matcher(ready);
            assertThat(matcher.matches())
                    .as("READY line: %s; log:%n%s", ready, Files.readString(log))
                    .isTrue();
            try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(matcher.group(1)))) {
                assertThat(socket.isConnected()).isTrue();
            }

            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log))
                    .contains("OPC UA on opc.tcp://127.0.0.1:" + matcher.group(1) + "/plc-sim")
                    .doesNotContain(new String(TestPki.KEYSTORE_PASSWORD));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void relayPrintsReadySwitchesThePlantFilesRelaysAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path plantFile = dir.resolve("tank.plant");
        Path log = dir.resolve("stderr.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PlcSimMain.class.getName(),
                        "relay",
                        "--plant",
                        plantFile.toString())
                .redirectError(log.toFile())
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(15, TimeUnit.SECONDS);
            Matcher matcher = Pattern.compile("READY relay control=127\\.0\\.0\\.1:(\\d+)")
                    .matcher(ready);
            assertThat(matcher.matches())
                    .as("READY line: %s; log:%n%s", ready, Files.readString(log))
                    .isTrue();
            int port = Integer.parseInt(matcher.group(1));

            assertThat(ControlClient.send("127.0.0.1", port, "output-enable A off", Duration.ofSeconds(2)))
                    .isEqualTo("OK name=A outputEnable=false");
            try (Plant plant = Plant.file(plantFile)) {
                assertThat(plant.outputEnabled("A")).as("cut in the plant file").isFalse();
            }
            CliRunner ctl = new CliRunner();
            assertThat(ctl.run("ctl", "--port", Integer.toString(port), "status", "A"))
                    .isEqualTo(PlcSimMain.EXIT_OK);
            assertThat(ctl.out()).isEqualTo("OK name=A outputEnable=false\n");

            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).doesNotContain("ERROR");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theProcessExitsWithTheDeclaredCodesAndKeepsUsageOffStandardOutputOnErrors(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");

        assertThat(exitCode(out, err, "run", "--help")).isEqualTo(PlcSimMain.EXIT_OK);
        assertThat(Files.readString(out)).startsWith("Usage: plc-sim run ");
        assertThat(Files.readString(err)).isEmpty();

        assertThat(exitCode(out, err, "run", "--name", "A", "--port", "x")).isEqualTo(PlcSimMain.EXIT_USAGE);
        assertThat(Files.readString(out)).isEmpty();
        assertThat(Files.readString(err))
                .startsWith("error: Invalid value for option '--port': 'x' is not an int")
                .contains("Usage: plc-sim run ");

        assertThat(exitCode(out, err, "relay", "--plant", dir.toString())).isEqualTo(PlcSimMain.EXIT_FAILED);
        assertThat(Files.readString(out)).isEmpty();
        assertThat(Files.readString(err)).startsWith("plc-sim: --plant: ");
    }

    /** Runs plc-sim to its end, its standard output and error in {@code out} and {@code err}. */
    private static int exitCode(Path out, Path err, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(
                List.of(java.toString(), "-cp", System.getProperty("java.class.path"), PlcSimMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertThat(process.waitFor(15, TimeUnit.SECONDS))
                    .as(String.join(" ", args))
                    .isTrue();
            return process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process start(Path log, String... options) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(
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
                "0"));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }

    private static Matcher awaitReady(Process process) throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(15, TimeUnit.SECONDS);
        Matcher matcher = READY.matcher(ready);
        assertThat(matcher.matches()).as("READY line: %s", ready).isTrue();
        return matcher;
    }

    private static String readLine(BufferedReader in) {
        try {
            String line = in.readLine();
            return line == null ? "<end of output>" : line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
