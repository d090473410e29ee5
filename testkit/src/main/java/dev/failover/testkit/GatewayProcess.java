package dev.failover.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.gateway.control.GatewayClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The gateway as a child process, started the way an installation runs it ({@code run --config
 * FILE}) by a launcher command: {@link #classPathLauncher()} (this JVM's class path; under failsafe
 * the module's test class path, {@code target/test-classes}, {@code target/gateway.jar} and the
 * dependencies, so the child runs the code under test) or {@link #launcherLikeThisJvm()} ({@code java
 * -jar gateway.jar} with this JVM's {@code -X} options, as {@code scripts/gateway} runs it). Its
 * standard error (the log, at INFO) is appended to a file; its standard output is read for the line
 * that names the control endpoint, which {@link #call} then talks to. Not thread-safe.
 */
public final class GatewayProcess implements AutoCloseable {

    /** The exit status of a JVM ended by SIGKILL (128 + 9): no shutdown hook ran. */
    public static final int KILLED = 128 + 9;
    /** The exit status of a JVM ended by SIGTERM (128 + 15) after its shutdown hooks. */
    public static final int TERMINATED = 128 + 15;

    private static final Pattern RUNNING = Pattern.compile("running; control endpoint (\\S+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int controlPort;
    private final Path log;

    private GatewayProcess(Process process, int controlPort, Path log) {
        this.process = process;
        this.controlPort = controlPort;
        this.log = log;
    }

    /** Starts a gateway on {@code config} with {@link #classPathLauncher()}. */
    public static GatewayProcess start(Path config, Path log) throws IOException, InterruptedException {
        return start(classPathLauncher(), config, log);
    }

    /**
     * Starts a gateway on {@code config} and waits until it names its control endpoint.
     *
     * @param launcher the command up to the gateway's own arguments, e.g. {@code java -jar gateway.jar}
     */
    public static GatewayProcess start(List<String> launcher, Path config, Path log)
            throws IOException, InterruptedException {
        return start(launcher, config, log, START_TIMEOUT);
    }

    /** As {@link #start(List, Path, Path)}, waiting at most {@code startTimeout} (many pairs start slowly). */
    public static GatewayProcess start(List<String> launcher, Path config, Path log, Duration startTimeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("run", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().name("gateway-stdout-" + process.pid()).start(() -> readOutput(process, port));
        try {
            return new GatewayProcess(process, port.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS), log);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException(
                    "the gateway did not name its control endpoint within " + startTimeout + "; its log " + log
                            + " ends:\n" + tail(log),
                    e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /**
     * {@code java -cp <this JVM's class path> GatewayMain}. The class path of a test carries
     * logback-test.xml (warnings only): the child is told to log like an installed gateway.
     */
    public static List<String> classPathLauncher() {
        return List.of(
                javaBinary(),
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.failover.gateway.cli.GatewayMain");
    }

    /**
     * {@code java <this JVM's -X options> -jar <the jar this code runs from>}: run from {@code
     * scripts/gateway}, the options are that script's (GATEWAY_JAVA_OPTS or its small-box defaults),
     * so the child runs as an installed gateway does. Outside a jar (an IDE, the test class path), the
     * same options with {@link #classPathLauncher()}'s class path.
     */
    public static List<String> launcherLikeThisJvm() {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions());
        command.add("-Dlogback.configurationFile=logback.xml");
        Path jar = runningJar();
        if (jar != null) {
            command.addAll(List.of("-jar", jar.toString()));
        } else {
            command.addAll(
                    List.of("-cp", System.getProperty("java.class.path"), "dev.failover.gateway.cli.GatewayMain"));
        }
        return command;
    }

    /** This JVM's {@code -X} and {@code -XX:} options (heap, stack, collector, code cache). */
    public static List<String> jvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X"))
                .toList();
    }

    /** The jar this class was loaded from, or {@code null} when it was loaded from a folder. */
    private static Path runningJar() {
        try {
            Path location = Path.of(GatewayProcess.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return location.toString().endsWith(".jar") ? location : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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

    public int controlPort() {
        return controlPort;
    }

    /** Whether the gateway process still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Sends one request to the control endpoint; {@code tls} is a client identity of the plant PKI
     * (a gateway with a security section serves its control endpoint over TLS only).
     */
    public JsonNode call(SSLContext tls, JsonNode request) throws IOException {
        return GatewayClient.call(tls, "127.0.0.1", controlPort, request, CALL_TIMEOUT);
    }

    /** The {@code status} answer for {@code pair}: {@code pairs} (see control/StatusJson) and {@code gateway}. */
    public JsonNode status(SSLContext tls, String pair) throws IOException {
        return call(tls, JSON.createObjectNode().put("op", "status").put("pair", pair));
    }

    /**
     * True when a pair's status entry says PROTECTED, with two controllers, both HEALTHY and neither
     * fenced.
     */
    public static boolean isProtected(JsonNode pair) {
        boolean healthy = pair.path("controllers").size() == 2;
        for (JsonNode c : pair.path("controllers")) {
            healthy &= c.path("condition").asText().equals("HEALTHY")
                    && !c.path("fenced").asBoolean();
        }
        return healthy && pair.path("state").asText().equals("PROTECTED");
    }

    /** True when failure detection is armed for every controller of a pair's status entry. */
    public static boolean isArmed(JsonNode pair) {
        boolean armed = pair.path("controllers").size() > 0;
        for (JsonNode c : pair.path("controllers")) {
            armed &= c.path("detectionArmed").asBoolean();
        }
        return armed;
    }

    /**
     * Sends a signal by name ({@code STOP}, {@code CONT}) with {@code kill(1)}: a stopped gateway is a
     * paused one (a suspended VM, a stalled host), which Java cannot make.
     */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * Sends SIGKILL ({@link Process#destroyForcibly()} on Linux: {@code kill(pid, SIGKILL)}) and waits
     * until the process is gone; returns its exit status, {@link #KILLED} for a SIGKILL.
     */
    public int kill() throws IOException, InterruptedException {
        process.destroyForcibly();
        return awaitExit();
    }

    /** Sends SIGTERM (a normal stop: the shutdown hook closes the gateway) and waits for the exit status. */
    public int stop() throws IOException, InterruptedException {
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
    public String logTail() {
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
