package dev.failover.testkit;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plc-sim process started from this JVM's own class path: a controller ({@code plc-sim run}) or
 * the relay box ({@code plc-sim relay}, the output-enable relays of the bench, a process of its own).
 *
 * <p><b>They stand in for hardware of their own.</b> Real controllers and a cabinet's relays have
 * their own CPUs: a busy gateway box cannot make them answer late. On the bench they share the
 * machine with the gateway and with the load a benchmark puts on it (busy loops), so they run at a
 * higher scheduling priority ({@code nice -n -10}) where the operating system permits it, and with a
 * small heap, like a controller's runtime. The load then starves the gateway, which is what it is
 * meant to test, not the stand-ins for the plant's hardware. Where raising the priority is not
 * permitted, they run at the normal priority and {@link #priority()} says so.
 */
public final class SimProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimProcess.class);

    /** A controller's runtime on the bench: the serial collector and a small heap (fast start, fast exit). */
    private static final List<String> JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx160m", "-Xss512k", "-XX:ReservedCodeCacheSize=32m");

    private static final int NICENESS = -10;

    /** The command prefix that raises the priority, or none where that is not permitted; probed once. */
    private static volatile List<String> priorityPrefix;

    private static final Pattern READY =
            Pattern.compile("READY name=(\\S+) modbus=(\\S+):(\\d+) control=(\\S+):(\\d+)");
    private static final Pattern RELAY_READY = Pattern.compile("READY relay control=(\\S+):(\\d+)");
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

    /**
     * Starts a controller on free ports and waits for its READY line; its log goes to {@code log}.
     *
     * @param options further {@code plc-sim run} options (TLS, {@code --scan-ms}), see docs/plc-sim.md
     */
    public static SimProcess start(String name, String role, Path plant, Path log, List<String> options)
            throws IOException {
        return start(name, role, plant, log, options, 0, 0);
    }

    /** Starts a controller on the given ports (0: any free port), for example again after it was killed. */
    public static SimProcess start(
            String name, String role, Path plant, Path log, List<String> options, int modbusPort, int controlPort)
            throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of(
                "run",
                "--name",
                name,
                "--role",
                role,
                "--port",
                Integer.toString(modbusPort),
                "--control-port",
                Integer.toString(controlPort),
                "--plant",
                plant.toString()));
        args.addAll(options);
        Launched l = launch(name, args, READY, log);
        return new SimProcess(
                name,
                l.process(),
                Integer.parseInt(l.ready().group(3)),
                Integer.parseInt(l.ready().group(5)));
    }

    /** Starts the relay box on {@code plant}; its {@link #controlPort()} takes the relay commands. */
    public static SimProcess relayBox(Path plant, Path log) throws IOException {
        Launched l = launch(
                "relay box", List.of("relay", "--plant", plant.toString(), "--control-port", "0"), RELAY_READY, log);
        return new SimProcess(
                "relay box", l.process(), -1, Integer.parseInt(l.ready().group(2)));
    }

    private record Launched(Process process, Matcher ready) {}

    private static Launched launch(String name, List<String> args, Pattern readyLine, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(priorityPrefix());
        command.add(java.toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.failover.plcsim.PlcSimMain"));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> awaitReady(process, readyLine));
        try {
            Matcher m = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new IOException("plc-sim " + name + " exited before it was ready; see " + log);
            }
            return new Launched(process, m);
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

    /**
     * How the stand-ins for the plant's hardware are scheduled: {@code "nice -10"} when raising their
     * priority is permitted here, else {@code "normal (raising it is not permitted here)"}.
     */
    public static String priority() {
        return priorityPrefix().isEmpty() ? "normal (raising it is not permitted here)" : "nice " + NICENESS;
    }

    private static List<String> priorityPrefix() {
        List<String> prefix = priorityPrefix;
        if (prefix == null) {
            prefix = probePriority();
            priorityPrefix = prefix;
        }
        return prefix;
    }

    /** Whether {@code nice -n -10} takes effect here (root, or CAP_SYS_NICE): {@code nice} then prints -10. */
    private static List<String> probePriority() {
        List<String> prefix = List.of("nice", "-n", Integer.toString(NICENESS));
        try {
            List<String> probe = new java.util.ArrayList<>(prefix);
            probe.add("nice");
            Process p = new ProcessBuilder(probe)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && printed.equals(Integer.toString(NICENESS))) {
                return prefix;
            }
            log.warn("the simulated controllers and relay box run at the normal priority: raising it is not permitted"
                    + " here, so a loaded machine also starves them, which real hardware would not be");
        } catch (IOException e) {
            log.warn(
                    "cannot raise the simulated controllers' priority ({}): they run at the normal priority",
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    private static Matcher awaitReady(Process process, Pattern readyLine) {
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher m = readyLine.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    public String name() {
        return name;
    }

    public int modbusPort() {
        return modbusPort;
    }

    public int controlPort() {
        return controlPort;
    }

    /** The fields of the controller's {@code status} answer (role, driving, level, ...). */
    public Map<String, String> status() throws IOException {
        return ControlClient.status("127.0.0.1", controlPort, Duration.ofSeconds(2));
    }

    /** The process id, for signals (SIGSTOP, SIGCONT) that Java cannot send. */
    public long pid() {
        return process.pid();
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}) with {@code kill(1)}. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    /** Kills the process at once (SIGKILL): for a controller, the power is lost. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("plc-sim " + name + " did not die within 5 s of SIGKILL");
        }
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
