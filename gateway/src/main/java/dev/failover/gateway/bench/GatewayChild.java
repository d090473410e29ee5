package dev.failover.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as a child process of a benchmark, started as {@code scripts/gateway run --config FILE}
 * starts it: this JVM's {@code java}, the launcher's JVM options (or {@code GATEWAY_JAVA_OPTS}), this
 * JVM's class path and {@code GatewayMain run}. Its log (standard error) goes to a file; standard
 * output is read for the line that names the control endpoint, then drained.
 *
 * <p>The only place the benchmarks start a gateway process; the test-scope {@code GatewayProcess} of
 * the integration tests does the same, and the two can become one once that is in main scope. A
 * shutdown hook kills the child if this JVM is stopped (Ctrl-C) before {@link #close()}. Not
 * thread-safe.
 */
final class GatewayChild implements AutoCloseable {

    /** The JVM options of {@code scripts/gateway} (a small box: bounded heap, serial collector). */
    static final String LAUNCHER_JAVA_OPTS = "-XX:+UseSerialGC -Xms32m -Xmx192m -Xss512k -XX:ReservedCodeCacheSize=48m";

    private static final Pattern RUNNING = Pattern.compile("running; control endpoint (\\S+):(\\d+)");
    private static final int EXIT_SECONDS = 15;

    private final Process process;
    private final int controlPort;
    private final Path log;
    private final Thread killOnExit;

    private GatewayChild(Process process, int controlPort, Path log, Thread killOnExit) {
        this.process = process;
        this.controlPort = controlPort;
        this.log = log;
        this.killOnExit = killOnExit;
    }

    /**
     * The JVM options for the child: {@code GATEWAY_JAVA_OPTS} when it is set (the launcher does the
     * same), else {@link #LAUNCHER_JAVA_OPTS}; split at white space as the shell splits them.
     */
    static List<String> javaOptions(String environment) {
        String options = environment == null ? LAUNCHER_JAVA_OPTS : environment;
        return Arrays.stream(options.strip().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Starts a gateway on {@code config} and waits until it names its control endpoint. */
    static GatewayChild start(Path config, Path log, List<String> javaOptions, Duration startTimeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        // The child logs as an installed gateway does, not as this benchmark JVM does.
        command.add("-Dlogback.configurationFile=logback.xml");
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "dev.failover.gateway.cli.GatewayMain",
                "run",
                "--config",
                config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Thread killOnExit = new Thread(process::destroyForcibly, "kill-gateway-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().name("gateway-stdout-" + process.pid()).daemon(true).start(() -> readOutput(process, port));
        try {
            return new GatewayChild(process, port.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS), log, killOnExit);
        } catch (ExecutionException | TimeoutException e) {
            kill(process, killOnExit);
            throw new IOException(
                    "the gateway did not name its control endpoint within " + startTimeout + "; its log ends:\n"
                            + tail(log),
                    e);
        } catch (InterruptedException e) {
            kill(process, killOnExit);
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

    long pid() {
        return process.pid();
    }

    int controlPort() {
        return controlPort;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last lines of the child's log, for failure messages. */
    String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static void kill(Process process, Thread killOnExit) {
        process.destroyForcibly();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // This JVM is already shutting down: the hook is running or about to, and does the same.
        }
    }

    /**
     * Stops the gateway (SIGTERM: its shutdown hook closes it), or kills it (SIGKILL) when it has not
     * exited within {@value #EXIT_SECONDS} s; returns its exit status (143 after a SIGTERM, 137 after a SIGKILL).
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
        }
        kill(process, killOnExit);
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** {@link #stop()}, if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        } else {
            kill(process, killOnExit);
        }
    }
}
