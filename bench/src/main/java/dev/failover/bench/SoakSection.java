package dev.failover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.certs.PkiException;
import dev.failover.certs.TestPki;
import dev.failover.plcsim.ControlClient;
import dev.failover.plcsim.Plant;
import dev.failover.testkit.BusyLoops;
import dev.failover.testkit.FieldObserver;
import dev.failover.testkit.GatewayFiles;
import dev.failover.testkit.GatewayProcess;
import dev.failover.testkit.SimPair;
import dev.failover.testkit.SimProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * The soak: a healthy pair that must not fail over. Everything runs as it would on a box, each in a
 * process of its own: two plc-sim controllers sharing a plant file, the relay box, and the gateway
 * ({@link GatewayProcess#launcherLikeThisJvm()}), beside two busy loops per core for the whole run.
 * Once the pair is protected, the gateway is paused by SIGSTOP and single polls are lost on the
 * controllers as {@link SoakSchedule} plans. False failovers are counted from outside the gateway (each
 * controller's own role-change count, read on its control port before the gateway starts and at the
 * end) and in the gateway's event log (every {@code SWITCHOVER_*} event). Then the active's process is
 * killed (SIGKILL), still under load, and the RTO is measured from outside by a {@link FieldObserver},
 * which also watches for two controllers driving at once throughout. Not thread-safe.
 */
final class SoakSection {

    /** The default profile's failover section: the defaults of docs/configuration.md. */
    static final String DEFAULT_FAILOVER = "failback: manual\n";

    private static final Duration PROTECTED_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration END_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CRASH_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PROGRESS_EVERY = Duration.ofMinutes(1);
    private static final String A = SimPair.A;
    private static final String B = SimPair.B;

    /**
     * @param profile the profile's name in the report, e.g. "default profile"
     * @param length how long the pair is abused before the crash
     * @param failover the pair's {@code failover:} section (YAML, one key a line)
     * @param scanPeriod the controllers' scan period
     * @param tls Modbus/TCP Security to the controllers, else plain Modbus TCP
     */
    record Settings(String profile, Duration length, String failover, Duration scanPeriod, boolean tls) {}

    /** What the soak counted, for the report and the targets. */
    private record Counts(int sigstops, long stoppedMillis, int lostPolls, int lossesRefused) {}

    private final PrintStream out;

    /** @param out where progress is printed while the soak runs */
    SoakSection(PrintStream out) {
        this.out = out;
    }

    SectionResult run(Settings s) throws IOException, PkiException, TimeoutException, InterruptedException {
        Path dir = Files.createTempDirectory("failover-soak-");
        TestPki pki = TestPki.create(dir);
        SSLContext control = pki.tlsContext(pki.operator("soak", "operator"));
        Path plantFile = dir.resolve("tank.plant");
        Path password = GatewayFiles.writePassword(dir);
        try (SimProcess a = SimProcess.start(
                        A, "active", plantFile, dir.resolve("plc-a.log"), options(s, pki, A, password));
                SimProcess b = SimProcess.start(
                        B, "standby", plantFile, dir.resolve("plc-b.log"), options(s, pki, B, password));
                SimProcess relays = SimProcess.relayBox(plantFile, dir.resolve("relay-box.log"));
                Plant plant = Plant.file(plantFile);
                BusyLoops load = BusyLoops.perCore(BusyLoops.FULL_LOAD_PER_CORE)) {
            Map<String, SimProcess> plcs = Map.of(A, a, B, b);
            GatewayFiles files = GatewayFiles.write(
                    dir,
                    pki,
                    new GatewayFiles.Ports(a.modbusPort(), b.modbusPort(), relays.controlPort()),
                    s.failover(),
                    s.tls());
            long changesA = roleChanges(a);
            long changesB = roleChanges(b);
            List<String> launcher = GatewayProcess.launcherLikeThisJvm();
            try (GatewayProcess gateway = GatewayProcess.start(launcher, files.config(), dir.resolve("gateway.log"));
                    FieldObserver observer = FieldObserver.start(
                            plant,
                            List.of(
                                    new FieldObserver.Controller(A, "127.0.0.1", a.controlPort()),
                                    new FieldObserver.Controller(B, "127.0.0.1", b.controlPort())))) {
                SimPair.await(
                        "the pair is protected and detection armed",
                        PROTECTED_TIMEOUT,
                        () -> protectedAndArmed(gateway, control));
                // What the gateway's start (under load) did, apart from what the soak then did.
                long startupChangesA = roleChanges(a) - changesA;
                long startupChangesB = roleChanges(b) - changesB;
                int startupSwitchovers = switchoverEvents(files).size();

                Counts counts = abuse(s, gateway, plcs);
                // Give the last pause time to be judged, then take one status for every figure of the end.
                awaitQuietly(END_TIMEOUT, () -> protectedAndArmed(gateway, control));
                JsonNode status = gateway.status(control, GatewayFiles.PAIR);
                JsonNode pair = status.path("pairs").path(0);
                JsonNode detector = status.path("gateway");
                long roleChangesA = roleChanges(a) - changesA;
                long roleChangesB = roleChanges(b) - changesB;
                List<String> switchovers = switchoverEvents(files);

                // Still under load: the crash of the active must fail over whatever the soak did.
                String active = activeId(a);
                String standby = SimPair.other(active);
                long killed = System.nanoTime();
                plcs.get(active).kill();
                awaitQuietly(
                        CRASH_TIMEOUT,
                        () -> observer.drivingFrom(standby, killed).isPresent());
                OptionalLong drove = observer.drivingFrom(standby, killed);

                SoakReport.Figures figures = new SoakReport.Figures(
                        String.join(" ", launcher.subList(1, launcher.size())),
                        load.count(),
                        counts.sigstops(),
                        counts.stoppedMillis(),
                        counts.lostPolls(),
                        counts.lossesRefused(),
                        roleChangesA,
                        roleChangesB,
                        switchovers,
                        startupChangesA,
                        startupChangesB,
                        startupSwitchovers,
                        GatewayProcess.isProtected(pair) && GatewayProcess.isArmed(pair),
                        pair.path("state").asText() + ", active "
                                + pair.path("active").asText(),
                        detector.path("pauses").asLong(),
                        detector.path("pauseP99Ms").asDouble(),
                        detector.path("pauseMaxMs").asDouble(),
                        active,
                        drove.isPresent()
                                ? OptionalDouble.of((drove.getAsLong() - killed) / 1e6)
                                : OptionalDouble.empty(),
                        observer.twoDrivers(),
                        observer.twoActive(),
                        observer.samples(),
                        observer.violations(),
                        dir);
                String text = SoakReport.render(s, figures);
                out.print(text);
                return new SectionResult(text, figures.met());
            }
        }
    }

    /** Pauses the gateway and loses polls as planned; the gateway is always left running. */
    private Counts abuse(Settings s, GatewayProcess gateway, Map<String, SimProcess> plcs)
            throws IOException, InterruptedException {
        SoakSchedule schedule = SoakSchedule.plan(s.length(), new SplittableRandom(42));
        int sigstops = 0;
        long stoppedNanos = 0;
        int lostPolls = 0;
        int refused = 0;
        long start = System.nanoTime();
        long nextProgress = PROGRESS_EVERY.toNanos();
        try {
            for (SoakSchedule.Step step : schedule.steps()) {
                sleepUntil(start + step.at().toNanos());
                if (System.nanoTime() - start >= nextProgress) {
                    out.printf(
                            Locale.ROOT,
                            "  soak (%s): %s of %s, %d SIGSTOPs, %d lost polls so far%n",
                            s.profile(),
                            format(Duration.ofNanos(System.nanoTime() - start)),
                            format(s.length()),
                            sigstops,
                            lostPolls);
                    nextProgress += PROGRESS_EVERY.toNanos();
                }
                switch (step) {
                    case SoakSchedule.Pause p -> {
                        long stopped = System.nanoTime();
                        gateway.signal("STOP");
                        sigstops++;
                        sleepUntil(stopped + p.length().toNanos());
                        gateway.signal("CONT");
                        stoppedNanos += System.nanoTime() - stopped;
                    }
                    case SoakSchedule.LostPoll l -> {
                        String active = activeId(plcs.get(A));
                        SimProcess target = plcs.get(l.onActive() ? active : SimPair.other(active));
                        if (lose(target)) {
                            lostPolls++;
                        } else {
                            refused++;
                        }
                    }
                }
            }
            sleepUntil(start + s.length().toNanos());
        } finally {
            // A failure while the gateway is stopped must not leave it stopped (nor unkillable by SIGTERM).
            gateway.signal("CONT");
        }
        return new Counts(sigstops, stoppedNanos / 1_000_000, lostPolls, refused);
    }

    /** Asks {@code plc} to leave its next request unanswered; false when its control port did not accept it. */
    private static boolean lose(SimProcess plc) {
        try {
            return ControlClient.send("127.0.0.1", plc.controlPort(), "lose 1", ASK_TIMEOUT)
                    .startsWith("OK");
        } catch (IOException e) {
            return false;
        }
    }

    /** The types of the {@code SWITCHOVER_*} events in the gateway's event log so far. */
    private static List<String> switchoverEvents(GatewayFiles files) throws IOException {
        return files.events().stream()
                .map(e -> e.path("type").asText())
                .filter(type -> type.startsWith("SWITCHOVER_"))
                .toList();
    }

    /** The active controller as plc-a reports its own role (the gateway is not asked). */
    private static String activeId(SimProcess plcA) throws IOException {
        return "ACTIVE".equals(plcA.status().get("role")) ? A : B;
    }

    private static long roleChanges(SimProcess plc) throws IOException {
        String count = plc.status().get("roleChanges");
        if (count == null) {
            throw new IOException(plc.name() + "'s status has no roleChanges field: " + plc.status());
        }
        return Long.parseLong(count);
    }

    private static boolean protectedAndArmed(GatewayProcess gateway, SSLContext control) {
        try {
            JsonNode pair =
                    gateway.status(control, GatewayFiles.PAIR).path("pairs").path(0);
            return GatewayProcess.isProtected(pair) && GatewayProcess.isArmed(pair);
        } catch (IOException e) {
            // Not answering yet (starting, or busy under load) is not protected yet.
            return false;
        }
    }

    /** Waits up to {@code timeout} for {@code condition}; returns whether it came true. */
    private static boolean awaitQuietly(Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        try {
            SimPair.await("", timeout, condition);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }

    /** The controller's {@code plc-sim run} options: its scan period, and TLS if asked for. */
    private static List<String> options(Settings s, TestPki pki, String controller, Path password) throws PkiException {
        List<String> scan = List.of("--scan-ms", Long.toString(s.scanPeriod().toMillis()));
        if (!s.tls()) {
            return scan;
        }
        return Stream.concat(
                        scan.stream(),
                        Stream.of(
                                "--tls-keystore",
                                pki.controller(controller).keyStore().toString(),
                                "--tls-keystore-password-file",
                                password.toString(),
                                "--trust",
                                pki.pki().caChainFile().getParent().toString(),
                                "--write-roles",
                                "gateway"))
                .toList();
    }

    /** 10 min, 30 s, 1 min 30 s. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        return s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
    }
}
