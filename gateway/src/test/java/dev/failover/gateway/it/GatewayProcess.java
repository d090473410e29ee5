package dev.failover.gateway.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as a child process, started the way an installation runs it: {@code java -cp <this
 * JVM's class path> dev.failover.gateway.cli.GatewayMain run --config FILE}. Under failsafe that class
 * path is the module's test class path ({@code target/test-classes}, {@code target/gateway.jar}, the
 * dependencies), so the child runs the code under test.
 * Its standard error (the log, at INFO) is appended to a file; its standard output is read for the
 * line that names the control endpoint. Not thread-safe.
 */
final class GatewayProcess implements AutoCloseable {

    /** The exit status of a JVM ended by SIGKILL (128 + 9): no shutdown hook ran. */
    static final int KILLED = 128 + 9;
    /** The exit status of a JVM ended by SIGTERM (128 + 15) after its shutdown hooks. */
    static final int TERMINATED = 128 + 15;

    private static final Pattern RUNNING = Pattern.compile("running; control endpoint (\\S+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final int controlPort;
    private final Path log;

    private GatewayProcess(Process process, int controlPort, Path log) {
        this.process = process;
        this.controlPort = controlPort;
        this.log = log;
    }

    /** Starts a gateway on {@code config} and waits until it names its control endpoint. */
    static GatewayProcess start(Path config, Path log) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                // The test class path carries logback-test.xml (warnings only); the child logs like a real one.
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.failover.gateway.cli.GatewayMain",
                "run",
                "--config",
                config.toString());
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().name("gateway-stdout-" + process.pid()).start(() -> readOutput(process, port));
        try {
            return new GatewayProcess(process, port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), log);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(
                    "the gateway did not name its control endpoint within " + START_TIMEOUT + "; its log " + log
                            + " ends:\n" + tail(log),
                    e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** Completes {@code port} from the start-up line, then drains the rest so the child never blocks. */
    private static void readOutput(Process process, CompletableFuture<Integer> port) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher m = RUNNING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(2)));
                }
            }
            port.completeExceptionally(new IOException("the gateway exited before it was running"));
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
    }

    int controlPort() {
        return controlPort;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Sends SIGKILL ({@link Process#destroyForcibly()} on Linux: {@code kill(pid, SIGKILL)}) and waits
     * until the process is gone; returns its exit status, {@link #KILLED} for a SIGKILL.
     */
    int kill() throws IOException, InterruptedException {
        process.destroyForcibly();
        return awaitExit();
    }

    /** Sends SIGTERM (a normal stop: the shutdown hook closes the gateway) and waits for the exit status. */
    int stop() throws IOException, InterruptedException {
        process.destroy();
        return awaitExit();
    }

    private int awaitExit() throws IOException, InterruptedException {
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException("gateway process " + process.pid() + " did not exit within " + EXIT_TIMEOUT);
        }
        return process.exitValue();
    }

    /** The last lines of the child's log, for failure messages. */
    String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the gateway log " + log, e);
        }
    }

    /** Ends the process by SIGKILL if it still runs (a failed test must not leave a gateway behind). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
