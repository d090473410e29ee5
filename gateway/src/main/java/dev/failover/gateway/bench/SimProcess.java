package dev.failover.gateway.bench;

import dev.failover.plcsim.ControlClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One plc-sim controller running as a child process, started from this JVM's own class path. */
final class SimProcess implements AutoCloseable {

    private static final Pattern READY =
            Pattern.compile("READY name=(\\S+) modbus=(\\S+):(\\d+) control=(\\S+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final int modbusPort;
    private final int controlPort;

    private SimProcess(String name, Process process, int modbusPort, int controlPort) {
        this.name = name;
        this.process = process;
        this.modbusPort = modbusPort;
        this.controlPort = controlPort;
    }

    /** Starts a controller and waits for its READY line; its log goes to {@code log}. */
    static SimProcess start(String name, String role, Path plant, Path log, List<String> tlsOptions)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.failover.plcsim.PlcSimMain",
                "run",
                "--name",
                name,
                "--role",
                role,
                "--port",
                "0",
                "--control-port",
                "0",
                "--plant",
                plant.toString()));
        command.addAll(tlsOptions);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> awaitReady(process));
        try {
            Matcher m = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new IOException("plc-sim " + name + " exited before it was ready; see " + log);
            }
            return new SimProcess(name, process, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(5)));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(
                    "plc-sim " + name + " did not report READY within " + START_TIMEOUT + "; see " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting plc-sim " + name, e);
        }
    }

    private static Matcher awaitReady(Process process) {
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    String name() {
        return name;
    }

    int modbusPort() {
        return modbusPort;
    }

    int controlPort() {
        return controlPort;
    }

    /** Sends one control-port command and returns the answer line. */
    String control(String command) throws IOException {
        return ControlClient.send("127.0.0.1", controlPort, command, Duration.ofSeconds(2));
    }

    /** The fields of the controller's {@code status} answer (role, driving, level, ...). */
    Map<String, String> status() throws IOException {
        return ControlClient.status("127.0.0.1", controlPort, Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
